'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { MARKER } = require('../upsert-comment.js');
const { combine } = require('../combine-comments.js');

test('shards are joined under one marker, a headed section each', () => {
  const out = combine([`${MARKER}\n## ✅ planproof: all clear, 2 runs passed\n`, `${MARKER}\n## ❌ planproof: 1 failed\n`]);
  assert.ok(out.startsWith(`${MARKER}\n`));
  assert.equal(out.split(MARKER).length, 2, 'one marker');
  assert.match(out, /## ✅ planproof, shard 1 of 2: all clear/);
  assert.match(out, /## ❌ planproof, shard 2 of 2: 1 failed/);
});

test('the combined comment stays within the limit', () => {
  const big = `${MARKER}\n## ❌ planproof: 1 failed\n` + 'x'.repeat(50000);
  const out = combine([big, big], 65000);
  assert.ok(out.length <= 65000, `${out.length}`);
  assert.match(out, /cut here/);
});
