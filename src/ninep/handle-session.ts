/**
 * Session messages: Tversion, Tauth, Tattach, Tclunk. (Tflush is answered
 * by the connection, which knows what is in flight.)
 */
import { lstat } from 'node:fs/promises';

import { Errno, VERSION_9P2000_L, VERSION_UNKNOWN } from './constants.js';
import { message } from './codec.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import { Fid } from './fid.js';
import { checkWalkName } from './names.js';
import { qidOf } from './qid-of.js';

/** Below this an Rgetattr (160 bytes) or a one-name Rwalk would not fit. */
const MIN_MSIZE = 512;

export const sessionHandlers: HandlerTable = {
  async Tversion(m, ctx) {
    const msize = Math.min(m.msize, ctx.maxMsize);
    // "9P2000.L" may carry a suffix (".u"-style extensions); anything else is
    // refused with "unknown", as the version(5) page asks.
    const ok = m.version.startsWith(VERSION_9P2000_L) && msize >= MIN_MSIZE;
    // A Tversion aborts every outstanding fid of the session.
    ctx.fids.clear();
    if (ok) ctx.setMsize(msize);
    const version = ok ? VERSION_9P2000_L : VERSION_UNKNOWN;
    return message('Rversion', { tag: m.tag, msize, version });
  },

  // The Linux client never sends Tauth for 9P2000.L mounts without an
  // auth option; like diod without auth, say the server needs none.
  async Tauth() {
    throw new NinepError(Errno.ECONNREFUSED, 'no authentication required');
  },

  // uname and n_uname are not used: every request runs with this process's
  // own credentials (the cpu client serves its user's files as that user).
  // aname, when given, names a directory below the root to serve instead,
  // reached by the same per-component lstat checks as Twalk.
  async Tattach(m, ctx) {
    const names = m.aname.split('/').filter((n) => n !== '' && n !== '.');
    let root = ctx.root;
    let st = await lstat(root);
    for (const name of names) {
      if (checkWalkName(name) === '..') throw new NinepError(Errno.EINVAL, 'aname with ".."');
      if (!st.isDirectory()) throw new NinepError(Errno.ENOTDIR);
      root = `${root}/${name}`;
      st = await lstat(root);
    }
    if (!st.isDirectory()) throw new NinepError(Errno.ENOTDIR);
    const qid = qidOf(st);
    ctx.fids.set(m.fid, new Fid(root, [], qid));
    return message('Rattach', { tag: m.tag, qid });
  },

  async Tclunk(m, ctx) {
    ctx.fids.delete(m.fid);
    return message('Rclunk', { tag: m.tag });
  },
};
