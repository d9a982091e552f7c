/**
 * What a Session hands to its `cpud -remote` helper. It travels in a file of
 * the runtime folder (mode 0600, read and unlinked at once by the helper),
 * not in the environment or argv: Linux refuses one environment string over
 * 128 KiB (CPU_FSTAB can be larger), and the nonce must never show in
 * /proc/<pid>/environ or cmdline. Imported by the helper: node:fs only.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../util/make-folder.js';

export interface RemoteConfig {
  /** The command's words; empty means the user's login shell. */
  argv: string[];
  /** Shell text to run with `$SHELL -c`, when the exec string held syntax. */
  shellCommand?: string;
  /** The command as the client wrote it: run by the shell when argv[0] is no program. */
  text: string;
  /** The command's whole environment (CPUNONCE and CPU_FSTAB removed). */
  env: Record<string, string>;
  /** The client's working directory ($PWD), tried first. */
  cwd?: string;
  /** Build a private mount namespace (false when cpud is not root). */
  namespace: boolean;
  /** The session has a terminal. */
  tty: boolean;
  nonce?: string;
  port9p?: number;
  fstab?: string;
  dbg9p: boolean;
  /** Name given to the 9P server (uname=). */
  user: string;
}

export function writeRemoteConfig(runtimeDir: string, config: RemoteConfig): string {
  // The daemon made it at start; systemd may have removed it since.
  makeFolder(runtimeDir, 0o700);
  const path = join(runtimeDir, `remote-${randomBytes(8).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify(config), { mode: 0o600, flag: 'wx' });
  return path;
}

/** Reads the hand-over file and removes it, so that nothing outlives the start. */
export function takeRemoteConfig(path: string): RemoteConfig {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RemoteConfig;
  } finally {
    removeRemoteConfig(path);
  }
}

export function removeRemoteConfig(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already taken by the helper: the normal case.
  }
}
