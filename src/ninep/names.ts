/**
 * Checks on the file names clients send. A name is one path component: the
 * server joins it to a directory's path, so a `/` or NUL inside it, or `..`
 * where a new entry is meant, would reach outside the directory the client
 * named.
 */
import { Errno } from './constants.js';
import { NinepError } from './errno-of.js';

/** A name of a new or existing entry inside a directory (not `.` or `..`). */
export function checkEntryName(name: string): string {
  if (name === '.' || name === '..') throw new NinepError(Errno.EINVAL, `name "${name}"`);
  return checkWalkName(name);
}

/** A name Twalk may follow: any single component, `..` included. */
export function checkWalkName(name: string): string {
  if (name === '' || name.includes('/') || name.includes('\0')) {
    throw new NinepError(Errno.EINVAL, `name "${name}"`);
  }
  if (Buffer.byteLength(name) > 255) throw new NinepError(Errno.ENAMETOOLONG);
  return name;
}
