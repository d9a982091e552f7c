/**
 * Tstatfs, byte-range locks and extended attributes.
 */
import { statfs } from 'node:fs/promises';

import { Errno, LockStatus, LockType, QidType } from './constants.js';
import { message } from './codec.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import { checkWalkName } from './names.js';

/** NAME_MAX of every Linux local filesystem; Node's statfs does not report it. */
const NAME_MAX = 255;

export const miscHandlers: HandlerTable = {
  async Tstatfs(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    // statfs follows a final symlink: ask about the root instead of its target.
    const path = fid.qid.type & QidType.SYMLINK ? fid.root : fid.path;
    const st = await statfs(path);
    return message('Rstatfs', {
      tag: m.tag,
      fstype: st.type >>> 0,
      bsize: st.bsize,
      blocks: BigInt(st.blocks),
      bfree: BigInt(st.bfree),
      bavail: BigInt(st.bavail),
      files: BigInt(st.files),
      ffree: BigInt(st.ffree),
      fsid: 0n,
      namelen: NAME_MAX,
    });
  },

  // TODO: locks are granted without taking host locks; Node has no fcntl
  // locking, so they guard only among the client's own processes.
  async Tlock(m, ctx) {
    ctx.fids.get(m.fid);
    return message('Rlock', { tag: m.tag, status: LockStatus.SUCCESS });
  },

  async Tgetlock(m, ctx) {
    ctx.fids.get(m.fid);
    const { start, length, proc_id, client_id } = m;
    const lock_type = LockType.UNLCK;
    return message('Rgetlock', { tag: m.tag, lock_type, start, length, proc_id, client_id });
  },

  // Extended attributes are not served (cpu mounts with noxattr). Listing
  // (empty name) answers an empty list, so listxattr(2) returns 0; reading
  // one names none (ENODATA), which getfattr and ls treat as "not set".
  async Txattrwalk(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    if (m.name !== '') {
      checkWalkName(m.name);
      throw new NinepError(Errno.ENODATA, `no xattr "${m.name}"`);
    }
    const list = fid.clone();
    list.xattr = Buffer.alloc(0);
    ctx.fids.set(m.newfid, list);
    return message('Rxattrwalk', { tag: m.tag, size: 0n });
  },

  async Txattrcreate() {
    throw new NinepError(Errno.EOPNOTSUPP, 'setting xattrs is not supported');
  },
};
