/**
 * The machine and the versions a result belongs to: figures from another
 * machine or another OpenSSH are not comparable.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO } from './servers.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  ssh2: string;
  openssh: string;
  openSshServer: string;
  dropbear: string;
  utilLinux: string;
  cpudCommit: string;
}

export function machineInfo(): MachineInfo {
  const cpuLine = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return {
    cpu: cpuLine?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ssh2: packageVersion('ssh2'),
    openssh: output('ssh', ['-V']),
    openSshServer: debianVersion('openssh-server'),
    dropbear: `${output('/usr/sbin/dropbear', ['-V'])} (Debian ${debianVersion('dropbear-bin')})`,
    utilLinux: output('unshare', ['--version']),
    cpudCommit: output('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']),
  };
}

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function debianVersion(pkg: string): string {
  return output('dpkg-query', ['-W', '-f', '${Version}', pkg]);
}

// Some tools print their version on stderr (ssh -V, dropbear -V).
function output(file: string, args: string[]): string {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
}
