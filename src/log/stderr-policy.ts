/**
 * Whether log lines may go to fd 2. Where cpud serves one connection handed
 * over by a launcher, fd 2 can be that very connection: openbsd-inetd and
 * xinetd dup the socket onto fds 0, 1 and 2, and systemd does the same with
 * `StandardInput=socket` unless `StandardError=` says otherwise. One log
 * line there corrupts the SSH stream.
 *
 * The rule: fd 2 is unsafe when it is the same open socket as the
 * connection (same device and inode in fstat, which dup'ed fds share), or
 * when it is closed (the next socket opened would take number 2). The
 * journal stream that systemd names in `JOURNAL_STREAM` (systemd.exec(5))
 * is always safe. "Any socket on fd 2 is unsafe" would be simpler, but Node
 * itself gives children socketpairs for stdio, so a supervisor running cpud
 * with pipes would lose every log line.
 */
import { fstatSync, type BigIntStats } from 'node:fs';

export function stderrIsSafe(connectionFd: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const stderr = statOf(2);
  if (!stderr) return false;
  const journal = /^(\d+):(\d+)$/.exec(env.JOURNAL_STREAM ?? '');
  if (journal && BigInt(journal[1]) === stderr.dev && BigInt(journal[2]) === stderr.ino)
    return true;
  if (!stderr.isSocket()) return true;
  const connection = statOf(connectionFd);
  return !connection || connection.dev !== stderr.dev || connection.ino !== stderr.ino;
}

function statOf(fd: number): BigIntStats | undefined {
  try {
    return fstatSync(fd, { bigint: true });
  } catch {
    return undefined;
  }
}
