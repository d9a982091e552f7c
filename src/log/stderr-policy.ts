/**
 * Whether log lines may go to fd 2. Where cpud serves one connection handed
 * over by a launcher, fd 2 can be that very connection: openbsd-inetd and
 * xinetd dup the socket onto fds 0, 1 and 2, and systemd does the same with
 * `StandardInput=socket` unless `StandardError=` says otherwise. One log
 * line there corrupts the SSH stream.
 *
 * The rule: fd 2 is safe when it is the journal stream systemd names in
 * `JOURNAL_STREAM` (systemd.exec(5): "device:inode" of fd 2), or when it is
 * not a socket at all (a terminal, a file, a pipe). Any other socket is
 * treated as the client's, even one that differs from fd 0: a launcher that
 * put some other socket on fd 2 gave no promise about what reads it.
 */
import { fstatSync } from 'node:fs';

export function stderrIsSafe(env: NodeJS.ProcessEnv = process.env): boolean {
  let stat;
  try {
    stat = fstatSync(2, { bigint: true });
  } catch {
    return false;
  }
  const journal = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (journal && BigInt(journal[1]) === stat.dev && BigInt(journal[2]) === stat.ino) return true;
  return !stat.isSocket();
}
