/**
 * What a daemon holds, read from /proc: open descriptors, ptys, descendant
 * processes, the host's mounts and resident memory. The attack suite takes
 * one before and one after, and the two must match (memory within noise).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { descendantsOf } from './wait.js';

export interface Holdings {
  fds: number;
  /** The daemon's descriptors on /dev/ptmx: one per live pty. */
  ptys: number;
  /** Entries of /dev/pts (host-wide, for information). */
  devPts: number;
  /** Processes below the daemon (helpers, commands). */
  descendants: number[];
  /** Lines of /proc/self/mountinfo without their ids, sorted. */
  mounts: string[];
  rssMb: number;
}

export function holdings(pid: number): Holdings {
  const fdDir = `/proc/${pid}/fd`;
  const links = readdirSync(fdDir).map((fd) => {
    try {
      return readlinkSync(`${fdDir}/${fd}`);
    } catch {
      return '';
    }
  });
  return {
    fds: links.length,
    ptys: links.filter((l) => l === '/dev/ptmx' || l.startsWith('/dev/pts/ptmx')).length,
    devPts: readdirSync('/dev/pts').filter((n) => /^\d+$/.test(n)).length,
    descendants: descendantsOf(pid),
    mounts: hostMounts(),
    rssMb: rssMb(pid),
  };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 102.4) / 10;
}

export { descendantsOf };

// Mount and parent ids change when anything remounts; what is mounted where does not.
function hostMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').slice(3).join(' '))
    .sort();
}

/** One line for a test's diagnostics. */
export function describeHoldings(h: Holdings): string {
  return (
    `fds ${h.fds}, ptys ${h.ptys} (/dev/pts ${h.devPts}), processes ${h.descendants.length}, ` +
    `mounts ${h.mounts.length}, RSS ${h.rssMb} MB`
  );
}
