/**
 * Treaddir. The entries are listed once, when the client reads at offset 0,
 * and an entry's offset is its index in that list plus one. Offsets thus
 * stay valid while the directory changes under a reader (files added or
 * removed between two Treaddir calls are neither skipped nor repeated),
 * which host telldir cookies would not promise across our own re-listing.
 *
 * Each entry's qid comes from lstat so that d_ino matches the inode the
 * client sees in Rgetattr (find, du and rm compare them). The entries that
 * fit in the reply are known from their name lengths before any lstat, so
 * those lstats run concurrently.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';

import { Errno, MessageType, QidType } from './constants.js';
import type { HandlerTable } from './context.js';
import { errnoOf, NinepError } from './errno-of.js';
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

    return fid.use(async () => {
      if (start === 0 || fid.dir === undefined) {
        fid.dir = { names: ['.', '..', ...(await readdir(fid.path))] };
      }
      const names = fid.dir.names;
      const frame = Buffer.allocUnsafe(HEADER + room);
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
        const stats = await Promise.all(
          names.slice(from, end).map((name) => lstatOrGone(entryPath(fid, name))),
        );
        stats.forEach((st, i) => {
          if (st === undefined) return;
          at = writeQid(frame, at, qidOf(st));
          at = frame.writeBigUInt64LE(BigInt(from + i + 1), at);
          at = frame.writeUInt8(direntType(st), at);
          const len = frame.write(names[from + i]!, at + 2, 'utf8');
          at = frame.writeUInt16LE(len, at) + len;
        });
        from = end;
      }
      frame.writeUInt32LE(at, 0);
      frame[4] = MessageType.Rreaddir;
      frame.writeUInt16LE(m.tag, 5);
      frame.writeUInt32LE(at - HEADER, 7);
      return frame.subarray(0, at);
    });
  },
};

function entryPath(fid: Fid, name: string): string {
  if (name === '.') return fid.path;
  if (name !== '..') return fid.child(name);
  // `..` of the served root is the root itself, as in Twalk.
  if (fid.names.length <= 1) return fid.root;
  return `${fid.root}/${fid.names.slice(0, -1).join('/')}`;
}

/** A file removed since the listing is left out of the reply. */
async function lstatOrGone(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (errnoOf(err) === Errno.ENOENT) return undefined;
    throw err;
  }
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
