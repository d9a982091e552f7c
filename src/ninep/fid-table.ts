/**
 * The fids of one connection. A fid number is the client's choice; the
 * table refuses a number already in use (the kernel never reuses a live one)
 * and bounds how many a client may hold, so a hostile peer cannot exhaust
 * the process's memory or fds.
 */
import { Errno } from './constants.js';
import { NinepError } from './errno-of.js';
import type { Fid } from './fid.js';

/** A generous bound: the kernel keeps one fid per open file and cached dentry. */
const MAX_FIDS = 65536;

export class FidTable {
  #fids = new Map<number, Fid>();

  get size(): number {
    return this.#fids.size;
  }

  get(n: number): Fid {
    const fid = this.#fids.get(n);
    if (fid === undefined) throw new NinepError(Errno.EBADF, `unknown fid ${n}`);
    return fid;
  }

  /** Claims number `n` for `fid`; `n` may be the number of `replacing` (Twalk fid == newfid). */
  set(n: number, fid: Fid, replacing?: Fid): void {
    const old = this.#fids.get(n);
    if (old !== undefined && old !== replacing) {
      throw new NinepError(Errno.EBADF, `fid ${n} already in use`);
    }
    if (old === undefined && this.#fids.size >= MAX_FIDS) {
      throw new NinepError(Errno.EMFILE, 'too many fids');
    }
    this.#fids.set(n, fid);
  }

  /** Removes fid `n` and closes what it holds; EBADF when there is none. */
  delete(n: number): Fid {
    const fid = this.get(n);
    this.#fids.delete(n);
    fid.release();
    return fid;
  }

  /**
   * After a rename, fids inside the moved file's old place follow it, as
   * the kernel expects of a server that names files by path.
   */
  renamed(from: string, to: string): void {
    for (const fid of this.#fids.values()) {
      const path = fid.path;
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      const moved = to + path.slice(from.length);
      if (moved.startsWith(`${fid.root}/`)) fid.names = moved.slice(fid.root.length + 1).split('/');
    }
  }

  /** Closes every fid (Tversion resets the session; disconnect ends it). */
  clear(): void {
    for (const fid of this.#fids.values()) fid.release();
    this.#fids.clear();
  }
}
