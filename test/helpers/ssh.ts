/**
 * The real OpenSSH client against a test daemon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestDaemon } from './daemon.js';

export interface SshResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function sshArgs(daemon: TestDaemon, extra: string[] = [], key = daemon.keys.clientKey): string[] {
  // ssh keeps the first value of an option: the caller's extras come first.
  return [
    ...extra,
    '-F', '/dev/null',
    '-i', key,
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${daemon.keys.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-p', String(daemon.port),
    '127.0.0.1',
  ];
}

export function spawnSsh(daemon: TestDaemon, command: string[], extra: string[] = [], key?: string): ChildProcess {
  return spawn('ssh', [...sshArgs(daemon, extra, key), ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
}

export function runSsh(
  daemon: TestDaemon,
  command: string[],
  options: { extra?: string[]; input?: Buffer | string; key?: string } = {},
): Promise<SshResult> {
  const child = spawnSsh(daemon, command, options.extra, options.key);
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}
