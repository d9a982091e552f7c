/**
 * Promise forms of the fd-based host calls. fs/promises works on FileHandle
 * objects, which cost an allocation and a finalizer per open; the server
 * keeps plain fd numbers (closed explicitly on clunk and disconnect) and
 * calls the callback API, which is also the fastest path for pread/pwrite.
 */
import * as fs from 'node:fs';
import type { BigIntStats } from 'node:fs';

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

/** pread into `buf` at `at`; resolves to the byte count. */
export function preadFd(
  fd: number,
  buf: Buffer,
  options: { at: number; length: number; position: bigint },
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buf, options.at, options.length, options.position, (err, n) =>
      err ? reject(err) : resolve(n),
    );
  });
}

export function pwriteFd(fd: number, data: Buffer, position: bigint): Promise<number> {
  return new Promise((resolve, reject) => {
    // fs.write takes a number position; offsets past 2^53 are not real files.
    fs.write(fd, data, 0, data.length, Number(position), (err, n) =>
      err ? reject(err) : resolve(n),
    );
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
