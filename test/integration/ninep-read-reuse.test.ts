/**
 * Rread frames are built in reused buffers (src/ninep/reply-buffers.ts).
 * A buffer may be reused only once the socket has written its reply: with
 * the client not reading, replies queue in the server, and requests sent
 * meanwhile must not overwrite them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { OpenFlag } from '../../src/ninep/constants.js';
import type { MessageOf } from '../../src/ninep/messages.js';
import { ninepPair } from '../helpers/ninep-server.js';

const CHUNK = 65536 - 24;
const CHUNKS = 256;

const NAME = 'reads answered while the client does not read each keep their own bytes';

test(NAME, { timeout: 30_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'ninep-reuse-'));
  const file = Buffer.alloc(CHUNKS * CHUNK);
  for (let i = 0; i < CHUNKS; i++) file.fill(i, i * CHUNK, (i + 1) * CHUNK);
  writeFileSync(join(root, 'data'), file);
  const pair = await ninepPair({ root });
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));
  try {
    const c = pair.client;
    await c.start(65536);
    await c.walk(0, 1, 'data');
    await c.call('Tlopen', { fid: 1, flags: OpenFlag.RDONLY });

    pair.socket.pause();
    const read = (i: number): Promise<MessageOf<'Rread'>> =>
      c.call('Tread', { fid: 1, offset: BigInt(i * CHUNK), count: CHUNK });
    // 16 MiB of replies: more than the socket buffers hold, so most wait in the server.
    const first = Array.from({ length: CHUNKS / 2 }, (_, i) => read(i));
    await settle();
    const second = Array.from({ length: CHUNKS / 2 }, (_, i) => read(CHUNKS / 2 + i));
    await settle();
    pair.socket.resume();

    // A reply overwritten in the queue can cut the stream out of step: then
    // the replies never come, and the test fails on time rather than hangs.
    const replies = await Promise.all([...first, ...second]);
    replies.forEach((r, i) => {
      assert.ok(r.data.equals(file.subarray(i * CHUNK, (i + 1) * CHUNK)), `read ${i}`);
    });
  } finally {
    await pair.close();
    rmSync(root, { recursive: true, force: true });
  }
});
