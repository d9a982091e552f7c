/**
 * Host calls for the handlers, in two speeds.
 *
 * The `...Now` calls are synchronous. A metadata call on a local file
 * system (lstat, open of a regular file, pread from the page cache) takes a
 * few microseconds, while a trip through libuv's thread pool costs two
 * thread wake-ups; on a loaded machine each wake-up waits for a core, and
 * the kernel client keeps one request in flight per process, so that wait
 * is the whole latency. Measured with the stat pattern (Twalk, Tgetattr,
 * Tclunk) under a load of 8 on 2 cores: 3,900 requests/s through the pool,
 * 7,200 synchronous. The price: a call that blocks (a hung network mount
 * inside the served tree) stalls this connection's other requests too,
 * where the pool would stall once its four threads were taken.
 *
 * Calls that may wait on another party stay asynchronous: opening or
 * reading a fifo or a device, fsync, and creating entries (O_CREAT on an
 * existing fifo opens it). The promise forms below use the callback API on
 * plain fd numbers: fs/promises' FileHandle objects cost an allocation and
 * a finalizer per open, and fds are closed explicitly on clunk and
 * disconnect.
 */
import * as fs from 'node:fs';
import type { BigIntStats, Stats } from 'node:fs';

import { Errno } from './constants.js';
import { NinepError } from './errno-of.js';

/** lstat(2), now. A missing file is ENOENT without building a Node error. */
export function lstatNow(path: string): Stats {
  const st = fs.lstatSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new NinepError(Errno.ENOENT);
  return st;
}

export function lstatBigNow(path: string): BigIntStats {
  const st = fs.lstatSync(path, { bigint: true, throwIfNoEntry: false });
  if (st === undefined) throw new NinepError(Errno.ENOENT);
  return st;
}

export function fstatBig(fd: number): Promise<BigIntStats> {
  return new Promise((resolve, reject) => {
    fs.fstat(fd, { bigint: true }, (err, st) => (err ? reject(err) : resolve(st)));
  });
}

export function openFd(path: string, flags: number, mode = 0o666): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd)));
  });
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.close(fd, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * pread into `buf` at `at`; resolves to the byte count. A fifo or a
 * character device has no offsets (pread gives ESPIPE): it is read with
 * read(2), position null.
 */
export function preadFd(
  fd: number,
  buf: Buffer,
  options: { at: number; length: number; position: bigint | null },
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, options.at, options.length, options.position, (err, n) => {
      if (err?.code === 'ESPIPE' && options.position !== null) {
        resolve(preadFd(fd, buf, { ...options, position: null }));
      } else if (err) reject(err);
      else resolve(n);
    });
  });
}

/** pwrite; as with preadFd, write(2) where the file has no offsets. */
export function pwriteFd(fd: number, data: Buffer, position: bigint | null): Promise<number> {
  return new Promise((resolve, reject) => {
    // fs.write takes a number position; offsets past 2^53 are not real files.
    fs.write(fd, data, 0, data.length, position === null ? null : Number(position), (err, n) => {
      if (err?.code === 'ESPIPE' && position !== null) resolve(pwriteFd(fd, data, null));
      else if (err) reject(err);
      else resolve(n);
    });
  });
}

export function fsyncFd(fd: number, datasync: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err: NodeJS.ErrnoException | null): void => (err ? reject(err) : resolve());
    if (datasync) fs.fdatasync(fd, done);
    else fs.fsync(fd, done);
  });
}

export function ftruncateFd(fd: number, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.ftruncate(fd, size, (err) => (err ? reject(err) : resolve()));
  });
}

/** fstat(2) now: an inode's metadata, never waiting on a fifo's or device's peer. */
export function fstatBigNow(fd: number): BigIntStats {
  return fs.fstatSync(fd, { bigint: true });
}

export interface QuickOpen {
  fd: number;
  /** What was opened (a regular file or a directory). */
  st: Stats;
}

/**
 * Opens, now, a file that its last stat showed to be a regular file or a
 * directory, or that O_CREAT may make. O_NONBLOCK keeps open(2) from
 * waiting should a fifo be there (for regular files and directories the
 * flag means nothing), and fstat says what was opened: anything else is
 * closed again and `undefined` returned, for the caller to open it through
 * the pool without the flag.
 */
export function openNow(path: string, flags: number, mode = 0o666): QuickOpen | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, flags | fs.constants.O_NONBLOCK, mode);
  } catch (err) {
    // A fifo opened for writing without O_NONBLOCK would wait for a reader.
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') return undefined;
    throw err;
  }
  let st: Stats;
  try {
    st = fs.fstatSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (st.isFile() || st.isDirectory()) return { fd, st };
  fs.closeSync(fd);
  return undefined;
}

/** pread(2) now, into `buf` at `at`; for regular files only. */
export function preadNow(
  fd: number,
  buf: Buffer,
  options: { at: number; length: number; position: bigint },
): number {
  return fs.readSync(fd, buf, options.at, options.length, options.position);
}

/** pwrite(2) now; for regular files only. */
export function pwriteNow(fd: number, data: Buffer, position: bigint): number {
  return fs.writeSync(fd, data, 0, data.length, Number(position));
}
