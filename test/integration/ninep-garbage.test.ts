import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { encodeMessage } from '../../src/ninep/codec.js';
import { ninepPair } from '../helpers/ninep-server.js';

test('a server fed thousands of corrupted requests still answers the next good one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ninep-garbage-'));
  writeFileSync(join(dir, 'f'), 'data');
  const pair = await ninepPair({ root: dir });
  await pair.client.start();
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);

  const templates = [
    encodeMessage({ type: 'Twalk', tag: 1, fid: 0, newfid: 5, wnames: ['f'] }),
    encodeMessage({ type: 'Tgetattr', tag: 1, fid: 0, request_mask: 0x7ffn }),
    encodeMessage({ type: 'Treaddir', tag: 1, fid: 0, offset: 0n, count: 4096 }),
    encodeMessage({ type: 'Tlcreate', tag: 1, fid: 5, name: 'x', flags: 2, mode: 0o644, gid: 0 }),
    encodeMessage({ type: 'Tsetattr', tag: 1, fid: 0, valid: 0x1ff, mode: 0o755, uid: 0, gid: 0,
      size: 0n, atime_sec: 0n, atime_nsec: 0n, mtime_sec: 0n, mtime_nsec: 0n }),
  ];
  const replies: Promise<unknown>[] = [];
  for (let i = 0; i < 3000; i++) {
    const frame = Buffer.from(templates[i % templates.length]!);
    // Keep the size field honest so the stream stays in step; corrupt the rest.
    for (let k = 0; k < 3; k++) frame[4 + Math.floor(rnd() * (frame.length - 4))] = Math.floor(rnd() * 256);
    // A corrupted type may be Tversion or Tclunk of fid 0: keep the session's root fid alive.
    if (frame[4] === 100 || frame[4] === 120 || frame[4] === 122 || frame[4] === 108) frame[4] = 24;
    frame.writeUInt16LE(1000 + (i % 50000), 5);
    replies.push(pair.client.expect(1000 + (i % 50000)));
    pair.client.writeRaw(frame);
  }
  await Promise.all(replies);
  const attr = await pair.client.call('Tgetattr', { fid: 0, request_mask: 0x7ffn });
  assert.equal(attr.type, 'Rgetattr');
  await pair.close();
  rmSync(dir, { recursive: true, force: true });
});
