// Reads the event that started the workflow ($GITHUB_EVENT_PATH) and writes what the planproof
// action needs to $GITHUB_OUTPUT: the ref the change is measured from, whether the pull
// request comes from a fork (its token cannot comment, so it gets the job summary only), and
// the pull request's number.
//
//   node context.js            (in a workflow step; outputs: base, fork, pr, event)
'use strict';
const fs = require('node:fs');

function context(env) {
  const event = env.GITHUB_EVENT_NAME || '';
  let payload = {};
  if (env.GITHUB_EVENT_PATH && fs.existsSync(env.GITHUB_EVENT_PATH)) {
    payload = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
  }
  const pr = payload.pull_request;
  if (pr) {
    const head = pr.head && pr.head.repo ? pr.head.repo.full_name : '';
    const base = pr.base && pr.base.repo ? pr.base.repo.full_name : env.GITHUB_REPOSITORY || '';
    return { event, base: pr.base.sha, fork: String(head !== base), pr: String(pr.number) };
  }
  // A push: what it added to the branch; elsewhere nothing to compare with (run everything).
  if (payload.before && !/^0+$/.test(payload.before)) {
    return { event, base: payload.before, fork: 'false', pr: '' };
  }
  return { event, base: '', fork: 'false', pr: '' };
}

function writeOutputs(path, outputs) {
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}`).join('\n');
  fs.appendFileSync(path, lines + '\n');
}

module.exports = { context, writeOutputs };

if (require.main === module) {
  const outputs = context(process.env);
  if (process.env.GITHUB_OUTPUT) {
    writeOutputs(process.env.GITHUB_OUTPUT, outputs);
  }
  for (const [k, v] of Object.entries(outputs)) {
    console.log(`planproof: ${k}=${v}`);
  }
}
