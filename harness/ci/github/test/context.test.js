// The action's context step, run as the workflow runs it: GITHUB_EVENT_PATH pointing at a
// recorded pull_request event, GITHUB_OUTPUT at a file it appends to.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const fixtures = path.join(__dirname, '..', '..', '..', '..', 'fixtures', 'github');
const script = path.join(__dirname, '..', 'context.js');

function run(eventFile, eventName, extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planproof-action-'));
  const output = path.join(dir, 'output');
  fs.writeFileSync(output, 'earlier=kept\n');
  execFileSync(process.execPath, [script], {
    env: { ...process.env, GITHUB_EVENT_PATH: path.join(fixtures, eventFile), GITHUB_EVENT_NAME: eventName, GITHUB_OUTPUT: output, ...extra },
  });
  const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
  return Object.fromEntries(lines.map((l) => l.split('=')));
}

test('a pull request from the same repository: its base, not a fork, its number', () => {
  const out = run('pull_request.json', 'pull_request');
  assert.equal(out.earlier, 'kept', 'earlier outputs stay');
  assert.equal(out.base, 'c0ffee0000000000000000000000000000000001');
  assert.equal(out.fork, 'false');
  assert.equal(out.pr, '42');
});

test('a pull request from a fork gets the job summary only', () => {
  assert.equal(run('pull_request_fork.json', 'pull_request').fork, 'true');
});

test('a push compares with what the branch was before', () => {
  const out = run('push.json', 'push');
  assert.equal(out.base, 'b0a7000000000000000000000000000000000002');
  assert.equal(out.pr, '');
});
