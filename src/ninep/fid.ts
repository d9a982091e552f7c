/**
 * One fid: a client's handle on a file of the served tree. It names the file
 * by its path below the root (components that walk checked one by one with
 * lstat) and, once opened, holds a host fd.
 *
 * The fd is closed only when no request still uses it: a Tclunk racing a
 * Tread on the same fid must not close a number that the next open() could
 * hand to another file while the read is still pending.
 */
import { close, closeSync } from 'node:fs';

import { QidType } from './constants.js';

import type { Qid } from './messages.js';

/** A directory's entries, listed once at offset 0 so later offsets stay valid. */
export interface DirSnapshot {
  names: string[];
}

export class Fid {
  readonly root: string;
  /** Components below the root; empty for the root itself. */
  names: string[];
  qid: Qid;
  /** Its last stat showed a fifo, device or socket: opening it may wait. */
  special = false;
  fd: number | undefined;
  /** The open fd is a regular file: reads and writes on it do not wait (host-fs.ts). */
  regular = false;
  /** Open flags given to Tlopen/Tlcreate, as the client sent them. */
  openFlags = 0;
  dir: DirSnapshot | undefined;
  /** Set for a fid made by Txattrwalk: it reads the listed bytes, nothing else. */
  xattr: Buffer | undefined;
  #busy = 0;
  #released = false;

  constructor(root: string, names: string[], qid: Qid) {
    this.root = root;
    this.names = names;
    this.qid = qid;
  }

  /** The host path of this fid's file. */
  get path(): string {
    return this.names.length === 0 ? this.root : `${this.root}/${this.names.join('/')}`;
  }

  /** The host path of `name` inside this fid's directory. */
  child(name: string): string {
    return `${this.path}/${name}`;
  }

  clone(): Fid {
    const fid = new Fid(this.root, [...this.names], this.qid);
    fid.special = this.special;
    return fid;
  }

  /** Runs `fn` with this fid marked in use, so release() waits for it. */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await fn();
    } finally {
      this.#busy--;
      if (this.#released && this.#busy === 0) this.#closeFd();
    }
  }

  /** Forgets the fid: its fd is closed now, or when the last use ends. */
  release(): void {
    this.#released = true;
    if (this.#busy === 0) this.#closeFd();
  }

  #closeFd(): void {
    const fd = this.fd;
    const now = this.regular || (this.qid.type & QidType.DIR) !== 0;
    this.fd = undefined;
    this.regular = false;
    this.dir = undefined;
    if (fd === undefined) return;
    // Regular files and directories close at once (host-fs.ts), others in
    // the pool. Errors on close (EIO from a network file system) have nobody
    // to report to.
    if (!now) close(fd, () => undefined);
    else closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // As above: the fd is gone either way.
  }
}
