import assert from 'node:assert/strict';
import {
  lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Errno, OpenFlag, QidType, SetattrMask } from '../../src/ninep/constants.js';
import { RlerrorError } from '../helpers/ninep-client.js';
import { ninepPair } from '../helpers/ninep-server.js';
import type { NinepPair } from '../helpers/ninep-server.js';

/** qid.path is the inode number with the device folded into its top 16 bits. */
const INO_BITS = (1n << 48n) - 1n;

function rejectsWith(errno: number): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof RlerrorError, String(err));
    assert.equal(err.ecode, errno);
    return true;
  };
}

describe('9P server on a socket pair', () => {
  let dir: string;
  let root: string;
  let pair: NinepPair;
  const trace: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ninep-'));
    root = join(dir, 'root');
    mkdirSync(root);
    writeFileSync(join(dir, 'secret'), 'outside');
    writeFileSync(join(root, 'hello.txt'), 'hello, world\n');
    mkdirSync(join(root, 'sub'));
    symlinkSync('../../secret', join(root, 'sub', 'escape'));
    symlinkSync(dir, join(root, 'abs-escape'));
    pair = await ninepPair({ root, trace: (line) => trace.push(line) });
    await pair.client.start();
  });

  after(async () => {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Tversion offers at most the server msize and names 9P2000.L', async () => {
    const r = await pair.client.call('Tversion', { msize: 1 << 30, version: '9P2000.L' });
    assert.equal(r.msize, 1024 * 1024);
    assert.equal(r.version, '9P2000.L');
    const odd = await pair.client.call('Tversion', { msize: 65536, version: '9P2000' });
    assert.equal(odd.version, 'unknown');
    await pair.client.start();
  });

  test('walk, lopen and read return a file\'s bytes with a file qid', async () => {
    const c = pair.client;
    const [qid] = await c.walk(0, 1, 'hello.txt');
    assert.equal(qid!.type, QidType.FILE);
    assert.equal(qid!.path & INO_BITS, BigInt(lstatSync(join(root, 'hello.txt')).ino));
    await c.call('Tlopen', { fid: 1, flags: OpenFlag.RDONLY });
    assert.equal((await c.readAll(1, 5)).toString(), 'hello, world\n');
    await c.call('Tclunk', { fid: 1 });
  });

  test('lcreate, write, getattr, setattr and read back a new file', async () => {
    const c = pair.client;
    await c.walk(0, 2, '');
    const created = await c.call('Tlcreate', { fid: 2, name: 'new.bin', flags: OpenFlag.RDWR, mode: 0o640, gid: 0 });
    assert.equal(created.qid.type, QidType.FILE);
    const data = Buffer.alloc(60_000, 7);
    const w = await c.call('Twrite', { fid: 2, offset: 0n, data });
    assert.equal(w.count, data.length);
    const attr = await c.call('Tgetattr', { fid: 2, request_mask: 0x7ffn });
    assert.equal(attr.size, 60_000n);
    assert.equal(attr.mode & 0o777, 0o640);
    await c.call('Tsetattr', {
      fid: 2, valid: SetattrMask.MODE | SetattrMask.SIZE | SetattrMask.MTIME | SetattrMask.MTIME_SET,
      mode: 0o600, uid: 0, gid: 0, size: 10n, atime_sec: 0n, atime_nsec: 0n,
      mtime_sec: 1_000_000_000n, mtime_nsec: 0n,
    });
    const st = lstatSync(join(root, 'new.bin'));
    assert.equal(st.size, 10);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.mtimeMs, 1_000_000_000_000);
    assert.deepEqual(await c.readAll(2), Buffer.alloc(10, 7));
    await c.call('Tclunk', { fid: 2 });
  });

  test('readdir lists . .. and every entry with inode qids, across small reads', async () => {
    const c = pair.client;
    for (let i = 0; i < 50; i++) writeFileSync(join(root, `f${i}`), '');
    await c.walk(0, 3, '');
    await c.call('Tlopen', { fid: 3, flags: OpenFlag.RDONLY | OpenFlag.DIRECTORY });
    const entries = await c.readdirAll(3, 200);
    const names = entries.map((e) => e.name).sort();
    assert.deepEqual(names, ['.', '..', ...readdirSync(root)].sort());
    const hello = entries.find((e) => e.name === 'hello.txt')!;
    assert.equal(hello.qid.path & INO_BITS, BigInt(lstatSync(join(root, 'hello.txt')).ino));
    assert.equal(entries.find((e) => e.name === 'sub')!.dtype, 4);
    await c.call('Tclunk', { fid: 3 });
  });

  test('readdir offsets stay valid while entries are removed between reads', async () => {
    const c = pair.client;
    await c.walk(0, 4, '');
    await c.call('Tlopen', { fid: 4, flags: OpenFlag.RDONLY });
    const first = await c.call('Treaddir', { fid: 4, offset: 0n, count: 300 });
    const { decodeDirents } = await import('../helpers/ninep-client.js');
    const head = decodeDirents(first.data);
    const seen = new Set(head.map((e) => e.name));
    for (let i = 0; i < 50; i++) if (!seen.has(`f${i}`)) rmSync(join(root, `f${i}`));
    let offset = head[head.length - 1]!.offset;
    for (;;) {
      const more = decodeDirents((await c.call('Treaddir', { fid: 4, offset, count: 300 })).data);
      if (more.length === 0) break;
      for (const e of more) assert.ok(!seen.has(e.name), `${e.name} repeated`);
      more.forEach((e) => seen.add(e.name));
      offset = more[more.length - 1]!.offset;
    }
    for (const name of readdirSync(root)) assert.ok(seen.has(name), `${name} skipped`);
    await c.call('Tclunk', { fid: 4 });
  });

  test('mkdir, symlink, link, rename, renameat, readlink and unlinkat change the tree', async () => {
    const c = pair.client;
    await c.walk(0, 5, '');
    const d = await c.call('Tmkdir', { dfid: 5, name: 'd', mode: 0o755, gid: 0 });
    assert.equal(d.qid.type, QidType.DIR);
    const s = await c.call('Tsymlink', { fid: 5, name: 'ln', symtgt: 'hello.txt', gid: 0 });
    assert.equal(s.qid.type, QidType.SYMLINK);
    await c.walk(0, 6, 'ln');
    assert.equal((await c.call('Treadlink', { fid: 6 })).target, 'hello.txt');
    await c.walk(0, 7, 'hello.txt');
    await c.call('Tlink', { dfid: 5, fid: 7, name: 'hard' });
    assert.equal(lstatSync(join(root, 'hard')).ino, lstatSync(join(root, 'hello.txt')).ino);
    await c.walk(0, 8, 'd');
    await c.call('Trenameat', { olddirfid: 5, oldname: 'hard', newdirfid: 8, newname: 'moved' });
    assert.equal(readFileSync(join(root, 'd', 'moved'), 'utf8'), 'hello, world\n');
    await c.call('Trename', { fid: 8, dfid: 5, name: 'd2' });
    await c.walk(8, 9, 'moved');
    await c.call('Tlopen', { fid: 9, flags: OpenFlag.RDONLY });
    assert.equal((await c.readAll(9)).toString(), 'hello, world\n', 'fid follows its renamed parent');
    await c.call('Tunlinkat', { dirfd: 8, name: 'moved', flags: 0 });
    await c.call('Tunlinkat', { dirfd: 5, name: 'd2', flags: 0x200 });
    await c.call('Tunlinkat', { dirfd: 5, name: 'ln', flags: 0 });
    assert.deepEqual(readdirSync(root).filter((n) => ['d', 'd2', 'ln', 'hard'].includes(n)), []);
    await assert.rejects(c.call('Tunlinkat', { dirfd: 5, name: 'nothere', flags: 0 }), rejectsWith(Errno.ENOENT));
    for (const fid of [5, 6, 7, 8, 9]) await c.call('Tclunk', { fid });
  });

  test('walking .. at the root stays at the root', async () => {
    const c = pair.client;
    const rootQid = (await c.walk(0, 10, '')).length;
    assert.equal(rootQid, 0);
    const qids = await c.walk(0, 11, '../../..');
    const attrRoot = await c.call('Tgetattr', { fid: 10, request_mask: 0x7ffn });
    assert.equal(qids[2]!.path, attrRoot.qid.path);
    const walked = await c.walk(11, 12, 'hello.txt');
    assert.equal(walked.length, 1);
    for (const fid of [10, 11, 12]) await c.call('Tclunk', { fid });
  });

  test('symlinks that escape the root are never followed', async () => {
    const c = pair.client;
    const [, esc] = await c.walk(0, 13, 'sub/escape');
    assert.equal(esc!.type, QidType.SYMLINK);
    await assert.rejects(c.call('Tlopen', { fid: 13, flags: OpenFlag.RDONLY }), rejectsWith(Errno.ELOOP));
    // Walking through a symlink stops at it: a short Rwalk, and newfid is not made.
    const partial = await c.call('Twalk', { fid: 0, newfid: 14, wnames: ['abs-escape', 'secret'] });
    assert.equal(partial.qids.length, 1);
    await assert.rejects(c.call('Tclunk', { fid: 14 }), rejectsWith(Errno.EBADF));
    await assert.rejects(c.call('Twalk', { fid: 13, newfid: 15, wnames: ['x'] }), rejectsWith(Errno.ENOTDIR));
    await assert.rejects(
      c.call('Tlcreate', { fid: 0, name: '../evil', flags: 0, mode: 0o644, gid: 0 }),
      rejectsWith(Errno.EINVAL),
    );
    await c.call('Tclunk', { fid: 13 });
  });

  test('many requests in flight all get their replies', async () => {
    const c = pair.client;
    await c.walk(0, 20, 'hello.txt');
    await c.call('Tlopen', { fid: 20, flags: OpenFlag.RDONLY });
    const reads = Array.from({ length: 200 }, (_, i) =>
      c.call('Tread', { fid: 20, offset: BigInt(i % 13), count: 4 }));
    const stats = Array.from({ length: 50 }, () => c.call('Tgetattr', { fid: 0, request_mask: 0x7ffn }));
    const results = await Promise.all(reads);
    await Promise.all(stats);
    results.forEach((r, i) => assert.equal(r.data.toString(), 'hello, world\n'.slice(i % 13, (i % 13) + 4)));
    await c.call('Tclunk', { fid: 20 });
  });

  test('Tflush is answered after the flushed request, or at once for an unknown tag', async () => {
    const c = pair.client;
    const readTag = c.tag();
    const order: string[] = [];
    const read = c.send('Tgetattr', { fid: 0, request_mask: 0x7ffn }, readTag).then((r) => order.push(r.type));
    const flush = c.send('Tflush', { oldtag: readTag }).then((r) => order.push(r.type));
    await Promise.all([read, flush]);
    assert.deepEqual(order, ['Rgetattr', 'Rflush']);
    assert.equal((await c.send('Tflush', { oldtag: 4242 })).type, 'Rflush');
  });

  test('unknown and malformed messages get Rlerror and the connection lives on', async () => {
    const c = pair.client;
    const unknown = c.expect(77);
    c.writeRaw(Buffer.from([7, 0, 0, 0, 200, 77, 0]));
    assert.deepEqual(await unknown, { type: 'Rlerror', tag: 77, ecode: Errno.EOPNOTSUPP });
    const truncated = c.expect(78);
    c.writeRaw(Buffer.from([9, 0, 0, 0, 110, 78, 0, 1, 0]));
    assert.deepEqual(await truncated, { type: 'Rlerror', tag: 78, ecode: Errno.EINVAL });
    const reply = c.expect(79);
    c.writeRaw(Buffer.from([7, 0, 0, 0, 101, 79, 0]));
    assert.deepEqual(await reply, { type: 'Rlerror', tag: 79, ecode: Errno.EOPNOTSUPP });
    const big = c.expect(80);
    const huge = Buffer.alloc(2 * 1024 * 1024);
    huge.writeUInt32LE(huge.length, 0);
    huge[4] = 118;
    huge.writeUInt16LE(80, 5);
    c.writeRaw(huge);
    assert.deepEqual(await big, { type: 'Rlerror', tag: 80, ecode: Errno.EMSGSIZE });
    await assert.rejects(c.call('Tgetattr', { fid: 999, request_mask: 1n }), rejectsWith(Errno.EBADF));
    assert.equal((await c.call('Tgetattr', { fid: 0, request_mask: 1n })).type, 'Rgetattr');
  });

  test('trace prints one line per message in spec names', () => {
    assert.ok(trace.some((l) => /^<- Twalk tag=\d+ fid=0 newfid=1 wnames=\[hello.txt\]$/.test(l)), trace.slice(0, 5).join('\n'));
    assert.ok(trace.some((l) => /^-> Rwalk tag=\d+ qids=1$/.test(l)));
  });

  test('statfs, xattr listing and locks answer as the kernel expects', async () => {
    const c = pair.client;
    const st = await c.call('Tstatfs', { fid: 0 });
    assert.ok(st.bsize > 0);
    const xw = await c.call('Txattrwalk', { fid: 0, newfid: 30, name: '' });
    assert.equal(xw.size, 0n);
    await c.call('Tclunk', { fid: 30 });
    await assert.rejects(c.call('Txattrwalk', { fid: 0, newfid: 31, name: 'user.x' }), rejectsWith(Errno.ENODATA));
    await assert.rejects(c.call('Tauth', { afid: 1, uname: 'u', aname: '', n_uname: 0 }), rejectsWith(Errno.ECONNREFUSED));
  });
});

describe('9P server resources', () => {
  test('fds opened by a client are closed when it disconnects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ninep-fd-'));
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `f${i}`), 'x');
    const before = readdirSync('/proc/self/fd').length;
    const pair = await ninepPair({ root: dir });
    await pair.client.start();
    for (let i = 0; i < 20; i++) {
      await pair.client.walk(0, 100 + i, `f${i}`);
      await pair.client.call('Tlopen', { fid: 100 + i, flags: OpenFlag.RDONLY });
    }
    assert.ok(readdirSync('/proc/self/fd').length >= before + 20);
    pair.client.close();
    await pair.server.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(readdirSync('/proc/self/fd').length, before);
    rmSync(dir, { recursive: true });
  });
});
