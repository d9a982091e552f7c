/**
 * mount(8) from util-linux does each mount: it understands every fstab
 * option (bind, rbind, ro, remount, private, ...), splits flags from data,
 * and follows symlinks in both paths, as fstab(5) users expect. It is found
 * by absolute path, never through the client's PATH.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface MountResult {
  ok: boolean;
  /** mount(8)'s own words on failure, one line. */
  message: string;
  /** Each failure mount(8) reported (mount --all reports one per line). */
  lines: string[];
}

export function runMount(args: string[], stdio: StdioOptions = ['ignore', 'ignore', 'pipe']): Promise<MountResult> {
  return new Promise((resolve) => {
    const child = spawn(mountPath(), args, { stdio, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => {
      const message = `cannot run mount: ${err.message}`;
      resolve({ ok: false, message, lines: [message] });
    });
    child.on('close', (code) => {
      const lines = reasons(stderr);
      const message = lines.join(' ') || `mount exited with status ${code}`;
      resolve({ ok: code === 0, message, lines: lines.length ? lines : [message] });
    });
  });
}

function mountPath(): string {
  return ['/usr/bin/mount', '/bin/mount'].find((p) => existsSync(p)) ?? '/bin/mount';
}

// util-linux adds a hint line about dmesg to every failure: keep the reasons.
function reasons(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim().replace(/^mount: /, ''))
    .filter((line) => line !== '' && !line.startsWith('dmesg(1)'));
}
