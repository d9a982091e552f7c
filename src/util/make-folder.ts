/**
 * `mkdir -p` that always ends. Node's recursive mkdirSync loops forever on
 * a path under /proc or /sys (the parent exists, the child can never be
 * made: ENOENT again and again), so each missing level is made in turn and
 * the first refusal is reported with the folder it concerns.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { messageOf, systemCodeOf } from '../errors.js';

export function makeFolder(path: string, mode: number): void {
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      if (!statSync(dir).isDirectory()) throw new Error(`"${dir}" is not a folder`);
      break;
    } catch (err) {
      if (systemCodeOf(err) !== 'ENOENT') throw new Error(reason(dir, err));
      missing.unshift(dir);
      if (dirname(dir) === dir) break;
    }
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir, { mode });
    } catch (err) {
      if (systemCodeOf(err) !== 'EEXIST') throw new Error(reason(dir, err));
    }
  }
}

function reason(dir: string, err: unknown): string {
  switch (systemCodeOf(err)) {
    case 'ENOENT':
    case 'EROFS':
      return `cannot make folder "${dir}": this file system does not allow it`;
    case 'EACCES':
      return `cannot make folder "${dir}": permission denied`;
    case 'ENOTDIR':
      return `cannot make folder "${dir}": a part of the path is a file`;
    default:
      return err instanceof Error && !systemCodeOf(err) ? messageOf(err) : `cannot make folder "${dir}": ${messageOf(err)}`;
  }
}
