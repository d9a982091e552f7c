/**
 * Treaddir. The entries are listed once, when the client reads at offset 0,
 * and an entry's offset is its index in that list plus one. Offsets thus
 * stay valid while the directory changes under a reader (files added or
 * removed between two Treaddir calls are neither skipped nor repeated),
 * which host telldir cookies would not promise across our own re-listing.
 *
 * Each entry's qid comes from lstat so that d_ino matches the inode the
 * client sees in Rgetattr (find, du and rm compare them): Node's readdir
 * does not report d_ino. The listing and the lstats are synchronous, as
 * host-fs.ts explains: a reply of 64 KiB holds about 2,000 entries, some
 * milliseconds of local lstats, where a trip through the thread pool each
 * would cost more than the calls.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';

import { Errno, MessageType, QidType } from './constants.js';
import type { HandlerTable } from './context.js';
import { NinepError } from './errno-of.js';
import type { Fid } from './fid.js';
import { writeQid } from './codec.js';
import { qidOf } from './qid-of.js';

/** size[4] type[1] tag[2] count[4]. */
const HEADER = 11;
/** qid[13] offset[8] type[1] name-length[2]. */
const DIRENT_FIXED = 24;

export const readdirHandlers: HandlerTable = {
  async Treaddir(m, ctx) {
    const fid = ctx.fids.get(m.fid);
    if ((fid.qid.type & QidType.DIR) === 0) throw new NinepError(Errno.ENOTDIR);
    const room = Math.min(m.count, ctx.msize - HEADER);
    const start = Number(m.offset);

    if (start === 0 || fid.dir === undefined) {
      fid.dir = { names: ['.', '..', ...readdirSync(fid.path)] };
    }
    const names = fid.dir.names;
    const dir = fid.path;
    const frame = ctx.replyBuffer(HEADER + room);
    let at = HEADER;
    // Zero entries means end of directory: while entries remain, go on
    // past a window whose files were all removed since the listing.
    for (let from = start; at === HEADER && from < names.length; ) {
      let end = from;
      for (let size = 0; end < names.length; end++) {
        size += DIRENT_FIXED + Buffer.byteLength(names[end]!);
        if (size > room) break;
      }
      if (end === from) throw new NinepError(Errno.EINVAL, 'count too small for one entry');
      for (let i = from; i < end; i++) {
        // A file removed since the listing is left out of the reply.
        const st = lstatSync(entryPath(fid, dir, names[i]!), { throwIfNoEntry: false });
        if (st === undefined) continue;
        at = writeQid(frame, at, qidOf(st));
        at = frame.writeBigUInt64LE(BigInt(i + 1), at);
        at = frame.writeUInt8(direntType(st), at);
        const len = frame.write(names[i]!, at + 2, 'utf8');
        at = frame.writeUInt16LE(len, at) + len;
      }
      from = end;
    }
    frame.writeUInt32LE(at, 0);
    frame[4] = MessageType.Rreaddir;
    frame.writeUInt16LE(m.tag, 5);
    frame.writeUInt32LE(at - HEADER, 7);
    return frame.subarray(0, at);
  },
};

function entryPath(fid: Fid, dir: string, name: string): string {
  if (name === '.') return dir;
  if (name !== '..') return `${dir}/${name}`;
  // `..` of the served root is the root itself, as in Twalk.
  if (fid.names.length <= 1) return fid.root;
  return `${fid.root}/${fid.names.slice(0, -1).join('/')}`;
}

/** Linux d_type values (DT_*), from the mode's file type. */
function direntType(st: Stats): number {
  if (st.isFile()) return 8;
  if (st.isDirectory()) return 4;
  if (st.isSymbolicLink()) return 10;
  if (st.isFIFO()) return 1;
  if (st.isCharacterDevice()) return 2;
  if (st.isBlockDevice()) return 6;
  if (st.isSocket()) return 12;
  return 0;
}
