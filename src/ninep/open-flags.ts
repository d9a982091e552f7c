/**
 * Tlopen/Tlcreate flags arrive as the Linux client's generic values; the
 * host's own O_* numbers differ on other platforms (macOS, BSD), so each
 * known bit is translated by name. Bits that must not reach the host are
 * dropped on purpose:
 * - O_DIRECT: the server's buffers are not aligned as O_DIRECT requires.
 * - O_NOATIME: EPERM unless the caller owns the file.
 * - O_NOCTTY, O_CLOEXEC, O_LARGEFILE, O_ASYNC: about the client's process, not ours.
 * O_NOFOLLOW is always added: the file named by a fid is opened, never a
 * symlink's target.
 */
import { constants } from 'node:fs';

import { OpenFlag } from './constants.js';

const PASSED = [
  'WRONLY', 'RDWR', 'TRUNC', 'APPEND', 'NONBLOCK', 'DSYNC', 'SYNC', 'DIRECTORY',
] as const;

/** Host open(2) flags for a Tlopen (`create` adds O_CREAT and honours O_EXCL). */
export function hostOpenFlags(p9flags: number, create: boolean): number {
  let flags = constants.O_NOFOLLOW;
  for (const name of PASSED) {
    if ((p9flags & OpenFlag[name]) === OpenFlag[name]) flags |= hostFlag(name);
  }
  if (create) {
    flags |= constants.O_CREAT;
    if (p9flags & OpenFlag.EXCL) flags |= constants.O_EXCL;
  }
  return flags;
}

function hostFlag(name: (typeof PASSED)[number]): number {
  const table = constants as unknown as Record<string, number | undefined>;
  return table[`O_${name}`] ?? 0;
}
