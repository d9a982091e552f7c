/**
 * Tsetattr: chown, chmod, truncate and utimes in one message, applied in
 * that order (chown clears set-id bits, so the mode the client asked for is
 * set after it). Calls that would follow a symlink are not made on one:
 * Linux cannot chmod a symlink (EOPNOTSUPP from fchmodat), truncation opens
 * with O_NOFOLLOW, and times use lutimes.
 */
import { constants } from 'node:fs';
import { chmod, lchown, lstat, lutimes } from 'node:fs/promises';

import { Errno, QidType, SetattrMask } from './constants.js';
import { message } from './codec.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import type { Fid } from './fid.js';
import { closeFd, ftruncateFd, openFd } from './host-fs.js';

/** uid/gid -1: leave unchanged (chown(2)). */
const KEEP = -1;

export const setattrHandlers: HandlerTable = {
  async Tsetattr(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    const symlink = (fid.qid.type & QidType.SYMLINK) !== 0;

    await fid.use(async () => {
      if (m.valid & (SetattrMask.UID | SetattrMask.GID)) {
        const uid = m.valid & SetattrMask.UID ? m.uid : KEEP;
        const gid = m.valid & SetattrMask.GID ? m.gid : KEEP;
        await lchown(fid.path, uid, gid);
      }
      if (m.valid & SetattrMask.MODE) {
        if (symlink) throw new NinepError(Errno.EOPNOTSUPP, 'chmod of a symlink');
        await chmod(fid.path, m.mode & 0o7777);
      }
      if (m.valid & SetattrMask.SIZE) await truncate(fid, Number(m.size), symlink);
      if (m.valid & (SetattrMask.ATIME | SetattrMask.MTIME)) await setTimes(fid, m);
    });
    // CTIME alone (sent with other changes) needs nothing: any change sets it.
    return message('Rsetattr', { tag: m.tag });
  },
};

async function truncate(fid: Fid, size: number, symlink: boolean): Promise<void> {
  if (symlink) throw new NinepError(Errno.EINVAL, 'truncate of a symlink');
  if (fid.fd !== undefined && (fid.openFlags & 0o3) !== 0) return ftruncateFd(fid.fd, size);
  const fd = await openFd(fid.path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    await ftruncateFd(fd, size);
  } finally {
    await closeFd(fd);
  }
}

interface Times {
  valid: number;
  atime_sec: bigint;
  atime_nsec: bigint;
  mtime_sec: bigint;
  mtime_nsec: bigint;
}

/**
 * ATIME without ATIME_SET means "now" (touch); a time not named keeps its
 * value, which lutimes cannot express, so it is read first.
 */
async function setTimes(fid: Fid, m: Times): Promise<void> {
  const now = Date.now() / 1000;
  const old = (m.valid & SetattrMask.ATIME) && (m.valid & SetattrMask.MTIME)
    ? undefined
    : await lstat(fid.path);
  const pick = (bit: number, setBit: number, sec: bigint, nsec: bigint, keep: number): number => {
    if ((m.valid & bit) === 0) return keep;
    if (m.valid & setBit) return Number(sec) + Number(nsec) / 1e9;
    return now;
  };
  const atime = pick(SetattrMask.ATIME, SetattrMask.ATIME_SET, m.atime_sec, m.atime_nsec,
    (old?.atimeMs ?? 0) / 1000);
  const mtime = pick(SetattrMask.MTIME, SetattrMask.MTIME_SET, m.mtime_sec, m.mtime_nsec,
    (old?.mtimeMs ?? 0) / 1000);
  await lutimes(fid.path, atime, mtime);
}
