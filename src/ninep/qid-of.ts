/**
 * Qids from host stat results. path must be unique and stable per file for
 * the life of the mount: the kernel uses it as the inode number and to match
 * dentries, so it is the inode number, with the device folded into the top
 * 16 bits so that two filesystems under the served root do not collide.
 * version changes when the file does: ctime moves on every write and on
 * every change of mtime or metadata, so it alone tells a caching client
 * (cache=loose) that its copy is stale.
 */
import type { BigIntStats, Stats } from 'node:fs';

import { QidType } from './constants.js';
import type { Qid } from './messages.js';

const U32 = 0x1_0000_0000;

export function qidOf(st: Stats | BigIntStats): Qid {
  const ino = BigInt(st.ino);
  const dev = BigInt(st.dev) & 0xffffn;
  // Microseconds folded into 32 bits: a change within the same microsecond
  // is missed, as with time-based caches everywhere.
  const version = Math.floor(Number(st.ctimeMs) * 1000) % U32;
  return { type: qidTypeOf(st), version, path: ino ^ (dev << 48n) };
}

export function qidTypeOf(st: Stats | BigIntStats): number {
  if (st.isDirectory()) return QidType.DIR;
  if (st.isSymbolicLink()) return QidType.SYMLINK;
  return QidType.FILE;
}

/** A fifo, device or socket: a file whose open or read may wait on another party. */
export function isSpecial(st: Stats | BigIntStats): boolean {
  return !(st.isFile() || st.isDirectory() || st.isSymbolicLink());
}
