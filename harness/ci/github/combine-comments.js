// One comment for a sharded run: each shard of `--partition k/n` writes its own
// reports/pr-comment.md; this joins them under one marker, a section per shard, within the
// comment limit (a shard's section is cut, with a line saying so, when they do not fit).
//
//   node combine-comments.js OUT SHARD_1/pr-comment.md SHARD_2/pr-comment.md ...
'use strict';
const fs = require('node:fs');
const { MARKER } = require('./upsert-comment.js');

const LIMIT = 65000;

function combine(bodies, limit = LIMIT) {
  const sections = bodies.map((body, i) => {
    const text = body.startsWith(MARKER) ? body.slice(MARKER.length).trimStart() : body;
    // Each shard's headline `## ✅ planproof: …` becomes the shard's heading.
    return text.replace(/^## (\S+) planproof: /, `## $1 planproof, shard ${i + 1} of ${bodies.length}: `);
  });
  const header = `${MARKER}\n`;
  const separator = '\n\n---\n\n';
  const room = Math.floor((limit - header.length - separator.length * (sections.length - 1)) / Math.max(sections.length, 1));
  const note = '\n\n… cut here: the comment limit was reached. The job summary and the reports artifact have every finding.\n';
  const fitted = sections.map((s) => (s.length <= room ? s : s.slice(0, Math.max(0, room - note.length)) + note));
  return header + fitted.join(separator);
}

module.exports = { combine, LIMIT };

if (require.main === module) {
  const [out, ...inputs] = process.argv.slice(2);
  if (!out || inputs.length === 0) {
    console.error('usage: node combine-comments.js OUT SHARD/pr-comment.md ...');
    process.exit(2);
  }
  const bodies = inputs.filter((p) => fs.existsSync(p)).map((p) => fs.readFileSync(p, 'utf8'));
  if (bodies.length === 0) {
    console.error(`combine-comments: none of ${inputs.join(', ')} exists`);
    process.exit(2);
  }
  fs.writeFileSync(out, combine(bodies));
}
