/**
 * Our `cpu` client (bin/cpu) on the host, aimed at cpud in the guest
 * through qemu's port forward, with the host key pinned. Every run has a
 * deadline: a hung session fails the test instead of the whole layer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './paths.js';

export const CPU_BIN = join(REPO, 'bin', 'cpu');

export interface CpuTarget {
  port: number;
  /** The client's private key. */
  key: string;
  /** A file holding the guest's public host key line. */
  hostPublic: string;
}

export interface CpuResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A client run in the background: output so far, and its end. */
export interface CpuProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CpuResult>;
}

/**
 * The same environment for every run: the client sends all of it to cpud,
 * and PATH decides where commands are found on the guest (/usr/local/bin
 * for the host-only program under the default namespace).
 */
export function clientEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    SHELL: '/bin/sh',
    TERM: process.env.TERM || 'xterm',
  };
}

/** `cpu` flags up to and including the host; the command follows. */
export function cpuArgs(target: CpuTarget, flags: string[] = []): string[] {
  return [
    CPU_BIN, '-key', target.key, '-hostkey', target.hostPublic, '-p', String(target.port),
    ...flags, '127.0.0.1',
  ];
}

export function startCpu(
  target: CpuTarget,
  o: { flags?: string[]; command: string[] },
): CpuProcess {
  const started = Date.now();
  // cwd /: the command starts in the client's folder, which must exist in the guest.
  const child = spawn(process.execPath, [...cpuArgs(target, o.flags), ...o.command], {
    cwd: '/',
    env: clientEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin!.on('error', () => {});
  const done = new Promise<CpuResult>((resolve) => {
    child.on('close', (status, signal) =>
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started }),
    );
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs one command to its end; kills the client past `timeoutMs`. */
export async function runCpu(
  target: CpuTarget,
  o: { flags?: string[]; command: string[]; input?: string; timeoutMs: number },
): Promise<CpuResult> {
  const run = startCpu(target, o);
  run.child.stdin!.end(o.input ?? '');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), o.timeoutMs);
  const result = await run.done;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') {
    throw new Error(
      `cpu ${o.command.join(' ')} took longer than ${o.timeoutMs} ms\n` +
        `stdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return result;
}

/** Resolves once `pattern` matches the text, or rejects after `timeoutMs`. */
export async function waitForText(
  text: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in:\n${text()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Shell-quotes one word for a command line that tmux hands to sh -c. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}
