/**
 * The server makes most host calls synchronously (src/ninep/host-fs.ts);
 * these cases check the line it draws: what may wait on another party
 * (a fifo with no peer yet) goes through the pool and never stalls the
 * other requests, and fds of plain files and directories are closed on
 * Tclunk at once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync,
  writeFileSync, writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { OpenFlag } from '../../src/ninep/constants.js';
import type { MessageOf } from '../../src/ninep/messages.js';
import { ninepPair, type NinepPair } from '../helpers/ninep-server.js';

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  assert.equal(r.status, 0, `mkfifo (Debian package coreutils) failed: ${r.stderr}`);
}

describe('9P server and files that can wait', () => {
  let root: string;
  let pair: NinepPair;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'ninep-fifo-'));
    writeFileSync(join(root, 'plain'), 'plain\n');
    mkdirSync(join(root, 'dir'));
    mkfifo(join(root, 'fifo'));
    mkfifo(join(root, 'fifo2'));
    pair = await ninepPair({ root });
    await pair.client.start();
  });

  after(async () => {
    await pair.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a fifo opened for reading waits for a writer; other requests are answered', async () => {
    const c = pair.client;
    await c.walk(0, 1, 'fifo');
    const opened = c.call('Tlopen', { fid: 1, flags: OpenFlag.RDONLY });
    const attr = await c.call('Tgetattr', { fid: 0, request_mask: 0x7ffn });
    assert.equal(attr.type, 'Rgetattr');

    // Blocking open: it meets the server's open, which waits in the pool.
    const writer = openSync(join(root, 'fifo'), constants.O_WRONLY);
    await opened;
    writeSync(writer, 'through the fifo\n');
    closeSync(writer);
    const { data } = await c.call('Tread', { fid: 1, offset: 0n, count: 4096 });
    assert.equal(data.toString(), 'through the fifo\n');
    const end = await c.call('Tread', { fid: 1, offset: 0n, count: 4096 });
    assert.equal(end.data.length, 0);
    await c.call('Tclunk', { fid: 1 });
  });

  test('Tlcreate without O_EXCL opens an existing fifo without stalling the server', async () => {
    const c = pair.client;
    await c.walk(0, 2, '');
    const created = c.call('Tlcreate', {
      fid: 2, name: 'fifo2', flags: OpenFlag.WRONLY, mode: 0o644, gid: 0,
    }) as Promise<MessageOf<'Rlcreate'>>;
    await c.walk(0, 3, 'plain');
    const reader = openSync(join(root, 'fifo2'), constants.O_RDONLY | constants.O_NONBLOCK);
    await created;
    await c.call('Twrite', { fid: 2, offset: 0n, data: Buffer.from('x') });
    // Rwrite came after the server's write: the byte is in the pipe.
    assert.equal(readSync(reader, Buffer.alloc(8)), 1);
    closeSync(reader);
    await c.call('Tclunk', { fid: 2 });
    await c.call('Tclunk', { fid: 3 });
  });

  test('Tclunk closes the fds of a file and a directory before its reply', async () => {
    const c = pair.client;
    // The fifos of the cases above are closed in the pool, after their Rclunk.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = readdirSync('/proc/self/fd').length;
    await c.walk(0, 4, 'plain');
    await c.call('Tlopen', { fid: 4, flags: OpenFlag.RDONLY });
    await c.walk(0, 5, 'dir');
    await c.call('Tlopen', { fid: 5, flags: OpenFlag.RDONLY | OpenFlag.DIRECTORY });
    assert.equal(readdirSync('/proc/self/fd').length, before + 2);
    await c.call('Tclunk', { fid: 4 });
    await c.call('Tclunk', { fid: 5 });
    assert.equal(readdirSync('/proc/self/fd').length, before);
  });
});
