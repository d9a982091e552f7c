import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decodeMessage, DecodeError, encodeMessage } from '../../src/ninep/codec.js';
import { MESSAGE_NAMES, SCHEMAS } from '../../src/ninep/messages.js';
import type { Kind, Message } from '../../src/ninep/messages.js';

/** mulberry32: a seeded generator, so a failure replays with its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomMessage(rnd: () => number): Message {
  const int = (max: number): number => Math.floor(rnd() * max);
  const str = (): string => Array.from({ length: int(12) }, () => String.fromCharCode(32 + int(0x2000))).join('');
  const qid = () => ({ type: int(256), version: int(2 ** 32), path: BigInt(int(2 ** 32)) << BigInt(int(32)) });
  const value: Record<Kind, () => unknown> = {
    u8: () => int(256),
    u16: () => int(65536),
    u32: () => int(2 ** 32),
    u64: () => (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32)),
    str,
    qid,
    strs: () => Array.from({ length: int(5) }, str),
    qids: () => Array.from({ length: int(5) }, qid),
    data: () => Buffer.from(Array.from({ length: int(40) }, () => int(256))),
  };
  const type = MESSAGE_NAMES[int(MESSAGE_NAMES.length)]!;
  const msg: Record<string, unknown> = { type, tag: int(65536) };
  for (const [field, kind] of SCHEMAS[type]) msg[field] = value[kind]();
  return msg as Message;
}

test('random messages of every type round-trip through the codec', () => {
  const rnd = random(1);
  for (let i = 0; i < 5000; i++) {
    const msg = randomMessage(rnd);
    assert.deepEqual(decodeMessage(encodeMessage(msg)), msg, `case ${i}`);
  }
});

test('mutated and cut frames decode or fail with DecodeError, never otherwise', () => {
  const rnd = random(2);
  for (let i = 0; i < 20000; i++) {
    const frame = Buffer.from(encodeMessage(randomMessage(rnd)));
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) frame[Math.floor(rnd() * frame.length)] = Math.floor(rnd() * 256);
    const cut = rnd() < 0.3 ? frame.subarray(0, Math.floor(rnd() * frame.length)) : frame;
    try {
      decodeMessage(cut);
    } catch (err) {
      assert.ok(err instanceof DecodeError, `case ${i}: ${String(err)} on ${cut.toString('hex')}`);
    }
  }
});
