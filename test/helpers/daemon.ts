/**
 * Starts a real cpud for a test on a free loopback port and waits until it
 * listens. `stop()` ends it and waits for its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CPUD_BIN } from './paths.js';
import { makeTestKeys, type TestKeys } from './keys.js';

export interface TestDaemon {
  port: number;
  proc: ChildProcess;
  keys: TestKeys;
  /** Every line the daemon logged so far. */
  logs: string[];
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface DaemonOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  keys?: TestKeys;
  /** A command to run cpud under, such as setpriv to drop root. */
  wrap?: string[];
  /** Another copy of bin/cpud to run, such as one installed elsewhere. */
  bin?: string;
  /** Hand cpud an extra open descriptor (fd 3), as a careless launcher would. */
  inheritExtraFd?: boolean;
}

export async function startDaemon(options: DaemonOptions = {}): Promise<TestDaemon> {
  const keys = options.keys ?? makeTestKeys();
  const args = ['-p', '0', '-addr', '127.0.0.1', '-hostkey', keys.hostKey, '-key', keys.authorized];
  const argv = [...(options.wrap ?? []), options.bin ?? CPUD_BIN, ...args, ...(options.args ?? [])];
  const proc = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, ...options.env },
    stdio: options.inheritExtraFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    logs.push(...lines);
    for (const wake of waiters) wake();
  });
  proc.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

  const waitForLog = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const line = logs.find((l) => pattern.test(l));
        if (!line) return false;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`daemon never logged ${pattern}; logs:\n${logs.join('\n')}`));
      }, timeoutMs);
      waiters.add(wake);
      check();
    });

  const listening = await Promise.race([
    waitForLog(/listening on/),
    exited.then((code) => {
      throw new Error(`cpud exited with ${code} before listening:\n${logs.join('\n')}`);
    }),
  ]);
  const port = Number(/:(\d+),/.exec(listening)?.[1]);

  return {
    port,
    proc,
    keys,
    logs,
    waitForLog,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const code = await exited;
      if (!options.keys) keys.cleanup();
      return code;
    },
  };
}
