// One planproof note per merge request, through GitLab's notes API: the note that starts with
// the marker is updated, or one is created (the same decision as the GitHub comment's).
//
//   node upsert-note.js reports/pr-comment.md
//   (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID, PLANPROOF_NOTE_TOKEN from the job)
'use strict';
const fs = require('node:fs');
const { decide, MARKER } = require('../github/upsert-comment.js');

async function upsertNote({ api, project, mr, token, body, fetch = globalThis.fetch }) {
  const base = `${api}/projects/${encodeURIComponent(project)}/merge_requests/${mr}/notes`;
  const headers = { 'PRIVATE-TOKEN': token, 'Content-Type': 'application/json' };
  const notes = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${base}?per_page=100&page=${page}`, { headers });
    if (!res.ok) throw new Error(`listing notes: HTTP ${res.status}`);
    const batch = await res.json();
    notes.push(...batch);
    if (batch.length < 100) break;
  }
  const decision = decide(notes, body, MARKER);
  if (decision.action === 'create') {
    const res = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ body }) });
    if (!res.ok) throw new Error(`creating the note: HTTP ${res.status}`);
  } else if (decision.action === 'update') {
    const res = await fetch(`${base}/${decision.id}`, { method: 'PUT', headers, body: JSON.stringify({ body }) });
    if (!res.ok) throw new Error(`updating note ${decision.id}: HTTP ${res.status}`);
  }
  for (const id of decision.duplicates || []) {
    await fetch(`${base}/${id}`, { method: 'DELETE', headers });
  }
  return decision;
}

module.exports = { upsertNote };

if (require.main === module) {
  const env = process.env;
  const body = fs.readFileSync(process.argv[2], 'utf8');
  upsertNote({ api: env.CI_API_V4_URL, project: env.CI_PROJECT_ID, mr: env.CI_MERGE_REQUEST_IID, token: env.PLANPROOF_NOTE_TOKEN, body })
    .then((d) => console.log(`planproof: note ${d.action}`))
    .catch((e) => {
      console.error(`planproof: ${e.message}`);
      process.exit(1);
    });
}
