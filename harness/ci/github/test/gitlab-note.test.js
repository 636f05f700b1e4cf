// The GitLab note upsert, offline: `fetch` is a function that answers as the notes API does,
// from notes kept in memory, and records each request.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { upsertNote } = require('../../gitlab/upsert-note.js');
const { MARKER } = require('../upsert-comment.js');

function fakeApi(notes) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    const method = init.method || 'GET';
    requests.push([method, url]);
    if (method === 'GET') return { ok: true, json: async () => notes };
    if (method === 'POST') notes.push({ id: 99, body: JSON.parse(init.body).body });
    if (method === 'PUT') notes.find((n) => url.endsWith(`/${n.id}`)).body = JSON.parse(init.body).body;
    return { ok: true, json: async () => ({}) };
  };
  return { fetch, requests, notes };
}

const where = { api: 'https://gitlab.example/api/v4', project: 'acme/app', mr: 5, token: 't' };

test('creates the note, then updates it in place', async () => {
  const api = fakeApi([{ id: 1, body: 'review' }]);
  assert.equal((await upsertNote({ ...where, body: `${MARKER}\n❌`, fetch: api.fetch })).action, 'create');
  assert.equal((await upsertNote({ ...where, body: `${MARKER}\n✅ all clear`, fetch: api.fetch })).action, 'update');
  assert.equal(api.notes.length, 2);
  assert.match(api.notes[1].body, /all clear/);
  assert.ok(api.requests.every(([, url]) => url.startsWith('https://gitlab.example/api/v4/projects/acme%2Fapp/merge_requests/5/notes')));
});
