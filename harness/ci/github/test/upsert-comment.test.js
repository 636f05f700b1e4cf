// The comment upsert, offline: a recorded GitHub API is replaced by an object that keeps the
// comments in memory and records every call, with the same methods actions/github-script's
// `github` client has.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { MARKER, decide, upsert } = require('../upsert-comment.js');

function fakeGithub(comments) {
  const calls = [];
  let next = 1000;
  const rest = {
    issues: {
      listComments: async () => ({ data: comments }),
      createComment: async ({ body }) => {
        calls.push(['create', body]);
        const c = { id: next++, body };
        comments.push(c);
        return { data: c };
      },
      updateComment: async ({ comment_id, body }) => {
        calls.push(['update', comment_id, body]);
        comments.find((c) => c.id === comment_id).body = body;
        return { data: {} };
      },
      deleteComment: async ({ comment_id }) => {
        calls.push(['delete', comment_id]);
        comments.splice(comments.findIndex((c) => c.id === comment_id), 1);
        return { data: {} };
      },
    },
  };
  return { rest, calls, comments, paginate: async (method, args) => (await method(args)).data };
}

const args = { owner: 'o', repo: 'r', issue: 7 };

test('the first run creates the comment', async () => {
  const github = fakeGithub([{ id: 1, body: 'LGTM' }]);
  const d = await upsert({ github, ...args, body: `${MARKER}\n## ❌ planproof: 1 failed` });
  assert.equal(d.action, 'create');
  assert.equal(github.comments.length, 2);
});

test('a later run updates the same comment, and all clear replaces the findings', async () => {
  const github = fakeGithub([{ id: 1, body: 'LGTM' }, { id: 2, body: `${MARKER}\n## ❌ planproof: 1 failed` }]);
  const d = await upsert({ github, ...args, body: `${MARKER}\n## ✅ planproof: all clear, 2 runs passed` });
  assert.deepEqual(d, { action: 'update', id: 2, duplicates: [] });
  assert.equal(github.comments.length, 2);
  assert.match(github.comments[1].body, /all clear/);
});

test('the same body again changes nothing', async () => {
  const body = `${MARKER}\n## ✅ planproof: all clear`;
  const github = fakeGithub([{ id: 2, body }]);
  const d = await upsert({ github, ...args, body });
  assert.equal(d.action, 'none');
  assert.deepEqual(github.calls, []);
});

test('duplicates from racing jobs are removed, the first is kept', async () => {
  const github = fakeGithub([
    { id: 2, body: `${MARKER}\nold` },
    { id: 3, body: `${MARKER}\nolder` },
  ]);
  const d = await upsert({ github, ...args, body: `${MARKER}\nnew` });
  assert.equal(d.id, 2);
  assert.deepEqual(github.calls.map((c) => c[0]), ['update', 'delete']);
  assert.deepEqual(github.comments.map((c) => c.id), [2]);
});

test('a body without the marker gets it, and other comments never match', () => {
  assert.equal(decide([{ id: 1, body: `quoting ${MARKER}` }], `${MARKER}\nx`).action, 'create');
});
