/**
 * Messages that make, rename and remove directory entries: Tmkdir,
 * Tsymlink, Tlink, Tmknod, Trename, Trenameat, Tunlinkat, Tremove, and
 * Treadlink. Each names an entry as (directory fid, one checked name), so
 * no client-supplied path reaches the host. None of the calls used follows
 * a symlink in its last component (mkdir, symlink, link without
 * AT_SYMLINK_FOLLOW, rename, unlink, rmdir, readlink).
 */
import { constants } from 'node:fs';
import { link, lstat, mkdir, readlink, rename, rmdir, symlink, unlink } from 'node:fs/promises';

import { AT_REMOVEDIR, Errno, QidType } from './constants.js';
import { message } from './codec.js';
import type { Context, HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import type { Fid } from './fid.js';
import { closeFd, openFd } from './host-fs.js';
import { checkEntryName } from './names.js';
import { qidOf } from './qid-of.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

export const nameHandlers: HandlerTable = {
  async Tmkdir(m, ctx) {
    const path = entryOf(ctx, m.dfid, m.name);
    await mkdir(path, m.mode & 0o7777);
    return message('Rmkdir', { tag: m.tag, qid: qidOf(await lstat(path)) });
  },

  async Tsymlink(m, ctx) {
    const path = entryOf(ctx, m.fid, m.name);
    // The target is stored as text; the client resolves it on its side.
    await symlink(m.symtgt, path);
    return message('Rsymlink', { tag: m.tag, qid: qidOf(await lstat(path)) });
  },

  async Tlink(m, ctx) {
    const target = ctx.fids.get(m.fid);
    await link(target.path, entryOf(ctx, m.dfid, m.name));
    return message('Rlink', { tag: m.tag });
  },

  // Only regular files: devices, fifos and sockets need mknod(2), which Node
  // does not offer. TODO: mknod of fifos/devices needs a native helper.
  async Tmknod(m, ctx) {
    const path = entryOf(ctx, m.dfid, m.name);
    if ((m.mode & S_IFMT) !== S_IFREG && (m.mode & S_IFMT) !== 0) {
      throw new NinepError(Errno.EOPNOTSUPP, 'mknod of a special file');
    }
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    await closeFd(await openFd(path, flags, m.mode & 0o7777));
    return message('Rmknod', { tag: m.tag, qid: qidOf(await lstat(path)) });
  },

  async Trename(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    if (fid.names.length === 0) throw new NinepError(Errno.EBUSY, 'rename of the root');
    const to = entryOf(ctx, m.dfid, m.name);
    await moveEntry(ctx, fid.path, to);
    return message('Rrename', { tag: m.tag });
  },

  async Trenameat(m, ctx) {
    const from = entryOf(ctx, m.olddirfid, m.oldname);
    const to = entryOf(ctx, m.newdirfid, m.newname);
    await moveEntry(ctx, from, to);
    return message('Rrenameat', { tag: m.tag });
  },

  async Tunlinkat(m, ctx) {
    const path = entryOf(ctx, m.dirfd, m.name);
    if (m.flags & AT_REMOVEDIR) await rmdir(path);
    else await unlink(path);
    return message('Runlinkat', { tag: m.tag });
  },

  // Tremove clunks the fid whether or not the removal worked (remove(5)).
  async Tremove(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    try {
      if (fid.names.length === 0) throw new NinepError(Errno.EBUSY, 'remove of the root');
      if (fid.qid.type & QidType.DIR) await rmdir(fid.path);
      else await unlink(fid.path);
    } finally {
      ctx.fids.delete(m.fid);
    }
    return message('Rremove', { tag: m.tag });
  },

  async Treadlink(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    return message('Rreadlink', { tag: m.tag, target: await readlink(fid.path) });
  },
};

/** The host path of entry `name` in the directory of fid `dfid`. */
function entryOf(ctx: Context, dfid: number, name: string): string {
  const dir: Fid = ctx.fids.get(dfid);
  if ((dir.qid.type & QidType.DIR) === 0) throw new NinepError(Errno.ENOTDIR);
  return dir.child(checkEntryName(name));
}

async function moveEntry(ctx: Context, from: string, to: string): Promise<void> {
  await rename(from, to);
  ctx.fids.renamed(from, to);
}
