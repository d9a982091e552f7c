import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ReplyBuffers } from '../../src/ninep/reply-buffers.js';

describe('reply buffers', () => {
  test('a lent buffer is lent again only after it is given back', () => {
    const pool = new ReplyBuffers(1024);
    const a = pool.lend(100);
    const b = pool.lend(100);
    assert.notEqual(a.buffer, b.buffer);
    assert.ok(pool.isLent(a.subarray(0, 10)));
    pool.giveBack(a.subarray(0, 10));
    assert.equal(pool.isLent(a), false);
    const c = pool.lend(1024);
    assert.equal(c.buffer, a.buffer);
    assert.notEqual(pool.lend(10).buffer, b.buffer);
  });

  test('buffers of an older msize and foreign buffers are not kept', () => {
    const pool = new ReplyBuffers(1024);
    const old = pool.lend(100);
    pool.resize(2048);
    pool.giveBack(old);
    assert.equal(pool.lend(2048).length, 2048);
    const foreign = Buffer.allocUnsafeSlow(2048);
    assert.equal(pool.isLent(foreign), false);
    pool.giveBack(foreign);
    assert.notEqual(pool.lend(10).buffer, foreign.buffer);
  });

  test('a request above the size gets a buffer that is never lent', () => {
    const pool = new ReplyBuffers(1024);
    const big = pool.lend(4096);
    assert.equal(big.length, 4096);
    assert.equal(pool.isLent(big), false);
  });
});
