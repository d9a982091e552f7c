/**
 * Opening, reading and writing: Tlopen, Tlcreate, Tread, Twrite, Tfsync.
 * Tread is the hot path: the host pread lands directly in the reply frame,
 * after the 11-byte Rread header, in a buffer the connection reuses
 * (reply-buffers.ts). Regular files are opened, read and written without
 * the thread pool; fifos and devices, whose calls may wait, through it
 * (host-fs.ts).
 */
import { Errno, MessageType, QidType } from './constants.js';
import { message } from './codec.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import { closeFd, fstatBig, fsyncFd, openFd, openNow, preadFd, preadNow } from './host-fs.js';
import { pwriteFd, pwriteNow } from './host-fs.js';
import { checkEntryName } from './names.js';
import { hostOpenFlags } from './open-flags.js';
import { isSpecial, qidOf } from './qid-of.js';

/** size[4] type[1] tag[2] count[4]. */
const RREAD_HEADER = 11;

export const ioHandlers: HandlerTable = {
  async Tlopen(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    if (fid.fd !== undefined || fid.xattr !== undefined) {
      throw new NinepError(Errno.EBADF, 'fid already open');
    }
    if (fid.qid.type & QidType.SYMLINK) throw new NinepError(Errno.ELOOP, 'open of a symlink');

    const flags = hostOpenFlags(m.flags, false);
    const quick = fid.special ? undefined : openNow(fid.path, flags);
    fid.fd = quick?.fd ?? (await openFd(fid.path, flags));
    fid.regular = quick?.st.isFile() ?? false;
    fid.openFlags = m.flags;
    // iounit 0: the client then uses msize - 24 per Tread/Twrite.
    return message('Rlopen', { tag: m.tag, qid: fid.qid, iounit: 0 });
  },

  // The fid names the directory and, on success, becomes the new open file.
  async Tlcreate(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    if (fid.fd !== undefined) throw new NinepError(Errno.EBADF, 'fid already open');
    if ((fid.qid.type & QidType.DIR) === 0) throw new NinepError(Errno.ENOTDIR);
    const name = checkEntryName(m.name);

    const path = fid.child(name);
    const flags = hostOpenFlags(m.flags, true);
    const quick = openNow(path, flags, m.mode & 0o7777);
    const fd = quick?.fd ?? (await openFd(path, flags, m.mode & 0o7777));
    let st;
    try {
      st = quick?.st ?? (await fstatBig(fd));
    } catch (err) {
      await closeFd(fd);
      throw err;
    }
    const qid = qidOf(st);
    fid.names.push(name);
    fid.qid = qid;
    fid.special = isSpecial(st);
    fid.fd = fd;
    fid.regular = st.isFile();
    fid.openFlags = m.flags;
    return message('Rlcreate', { tag: m.tag, qid, iounit: 0 });
  },

  async Tread(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    const count = Math.min(m.count, ctx.msize - RREAD_HEADER);
    if (fid.xattr !== undefined) {
      const data = fid.xattr.subarray(Number(m.offset), Number(m.offset) + count);
      return message('Rread', { tag: m.tag, data });
    }

    const fd = fid.fd;
    if (fd === undefined) throw new NinepError(Errno.EBADF, 'read of an unopened fid');
    const frame = ctx.replyBuffer(RREAD_HEADER + count);
    const into = { at: RREAD_HEADER, length: count, position: m.offset };
    // A synchronous read ends before any Tclunk can run: no use() needed.
    const n = fid.regular
      ? preadNow(fd, frame, into)
      : await fid.use(() => preadFd(fd, frame, into));
    frame.writeUInt32LE(RREAD_HEADER + n, 0);
    frame[4] = MessageType.Rread;
    frame.writeUInt16LE(m.tag, 5);
    frame.writeUInt32LE(n, 7);
    return frame.subarray(0, RREAD_HEADER + n);
  },

  async Twrite(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    const fd = fid.fd;
    if (fd === undefined) throw new NinepError(Errno.EBADF, 'write to an unopened fid');
    const count = fid.regular
      ? pwriteNow(fd, m.data, m.offset)
      : await fid.use(() => pwriteFd(fd, m.data, m.offset));
    return message('Rwrite', { tag: m.tag, count });
  },

  async Tfsync(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    await fid.use(async () => {
      if (fid.fd === undefined) throw new NinepError(Errno.EBADF, 'fsync of an unopened fid');
      await fsyncFd(fid.fd, m.datasync !== 0);
    });
    return message('Rfsync', { tag: m.tag });
  },
};
