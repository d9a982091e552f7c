/**
 * Twalk and Tgetattr: the path discipline that keeps clients inside the
 * served tree. Each component is checked with lstat as it is walked; a
 * symlink is a leaf (walking on from it is ENOTDIR), because the 9P2000.L
 * client resolves symlinks itself through Treadlink. `..` at the root stays
 * at the root. The server therefore never follows a symlink while walking.
 */
import { Errno, GetattrMask, MAXWELEM, QidType } from './constants.js';
import { message } from './codec.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import { fstatBigNow, lstatBigNow, lstatNow } from './host-fs.js';
import type { Qid } from './messages.js';
import { checkWalkName } from './names.js';
import { isSpecial, qidOf } from './qid-of.js';

export const walkHandlers: HandlerTable = {
  async Twalk(m, ctx) {
    const from = ctx.fids.get(m.fid);
    if (m.wnames.length > MAXWELEM) throw new NinepError(Errno.EINVAL, 'more than 16 names');
    if (from.fd !== undefined) throw new NinepError(Errno.EBADF, 'walk from an open fid');

    const names = [...from.names];
    const qids: Qid[] = [];
    let qid = from.qid;
    let special = from.special;
    for (const wname of m.wnames) {
      try {
        if ((qid.type & QidType.DIR) === 0) throw new NinepError(Errno.ENOTDIR);
        const name = checkWalkName(wname);
        if (name === '..') names.pop();
        else if (name !== '.') names.push(name);
        const st = lstatNow(pathOf(from.root, names));
        qid = qidOf(st);
        special = isSpecial(st);
      } catch (err) {
        // The first name must succeed; after that a short Rwalk says where it stopped.
        if (qids.length === 0) throw err;
        break;
      }
      qids.push(qid);
    }

    if (qids.length === m.wnames.length) {
      const fid = from.clone();
      fid.names = names;
      fid.qid = qid;
      fid.special = special;
      ctx.fids.set(m.newfid, fid, m.newfid === m.fid ? from : undefined);
      if (m.newfid === m.fid) from.release();
    }
    return message('Rwalk', { tag: m.tag, qids });
  },

  async Tgetattr(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    // An open file may have been unlinked (the kernel still stats it): use the fd.
    const st = fid.fd !== undefined ? fstatBigNow(fid.fd) : lstatBigNow(fid.path);
    fid.qid = qidOf(st);
    fid.special = isSpecial(st);
    return message('Rgetattr', {
      tag: m.tag,
      valid: BigInt(GetattrMask.BASIC),
      qid: fid.qid,
      mode: Number(st.mode),
      uid: Number(st.uid),
      gid: Number(st.gid),
      nlink: st.nlink,
      rdev: st.rdev,
      size: st.size,
      blksize: st.blksize,
      blocks: st.blocks,
      atime_sec: st.atimeNs / NS,
      atime_nsec: st.atimeNs % NS,
      mtime_sec: st.mtimeNs / NS,
      mtime_nsec: st.mtimeNs % NS,
      ctime_sec: st.ctimeNs / NS,
      ctime_nsec: st.ctimeNs % NS,
      btime_sec: 0n,
      btime_nsec: 0n,
      gen: 0n,
      data_version: 0n,
    });
  },
};

const NS = 1_000_000_000n;

function pathOf(root: string, names: string[]): string {
  return names.length === 0 ? root : `${root}/${names.join('/')}`;
}
