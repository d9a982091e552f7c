/**
 * What PID 1 of a bare boot image must do before anything else works: the
 * kernel starts /init with no /proc, /sys or /dev, the loopback link down,
 * and no hostname. Each step runs only where needed ("where missing") and a
 * failed step is logged, never fatal: PID 1 must keep going.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { CpudNative } from '../util/native.js';

// <sys/mount.h>
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;

interface MountStep {
  target: string;
  fstype: string;
  flags: number;
  data: string;
}

/** In order: /dev/pts and /dev/shm live inside /dev. */
const MOUNTS: readonly MountStep[] = [
  { target: '/proc', fstype: 'proc', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: '' },
  { target: '/sys', fstype: 'sysfs', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: '' },
  { target: '/dev', fstype: 'devtmpfs', flags: MS_NOSUID, data: 'mode=0755' },
  // ptmxmode: /dev/pts/ptmx must be usable by everyone, as /dev/ptmx is.
  {
    target: '/dev/pts',
    fstype: 'devpts',
    flags: MS_NOSUID | MS_NOEXEC,
    data: 'mode=0620,ptmxmode=0666',
  },
  { target: '/dev/shm', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=1777' },
  { target: '/tmp', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=1777' },
  { target: '/run', fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV, data: 'mode=0755' },
];

export interface MachineSetupReport {
  mounted: string[];
  failed: string[];
}

export function setUpMachine(native: CpudNative, log: Logger): MachineSetupReport {
  const report: MachineSetupReport = { mounted: [], failed: [] };
  for (const step of MOUNTS) {
    if (mountPoints().has(step.target)) continue;
    mkdirSync(step.target, { recursive: true, mode: 0o755 });
    const rc = native.mount(step.fstype, step.target, step.fstype, step.flags, step.data);
    if (rc === 0) {
      report.mounted.push(step.target);
      log.debug(`init: mounted ${step.fstype} on ${step.target}`);
    } else {
      report.failed.push(step.target);
      log.warn(`init: cannot mount ${step.fstype} on ${step.target}: errno ${-rc}`);
    }
  }

  const lo = native.linkUp('lo');
  if (lo !== 0) log.warn(`init: cannot bring up the loopback link "lo": errno ${-lo}`);
  setHostname(log);
  process.env.PATH ||= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  return report;
}

/** Mount points listed in /proc/self/mountinfo (empty while /proc is not mounted). */
function mountPoints(): Set<string> {
  try {
    const text = readFileSync('/proc/self/mountinfo', 'utf8');
    // proc(5): field 5 is the mount point, with spaces written as \040.
    return new Set(
      text.split('\n').map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' ')),
    );
  } catch {
    return new Set();
  }
}

function setHostname(log: Logger): void {
  if (!existsSync('/etc/hostname')) return;
  const name = readFileSync('/etc/hostname', 'utf8').split('\n')[0].trim();
  if (!name) return;
  try {
    // Writing the sysctl is sethostname(2) without an addon (proc(5)).
    writeFileSync('/proc/sys/kernel/hostname', name);
    log.debug(`init: hostname "${name}" from /etc/hostname`);
  } catch (err) {
    log.warn(`init: cannot set the hostname from /etc/hostname: ${(err as Error).message}`);
  }
}
