/**
 * A server under test as a child process: its stderr kept for the report,
 * readiness seen as its port accepting, and a stop that waits for the exit
 * (SIGTERM first, so that `node --cpu-prof` writes its profile).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { connect, createServer } from 'node:net';

export interface ServerProcess {
  proc: ChildProcess;
  pid: number;
  port: number;
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds to wait for the port to accept. */
  readyMs?: number;
  spawn?: SpawnOptions;
}

export async function startServerProcess(
  file: string,
  args: string[],
  options: StartOptions,
): Promise<ServerProcess> {
  const proc = spawn(file, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...options.spawn,
  });
  let text = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep the head and the tail: a busy server logs a line per session.
    text =
      text.length > 200_000 ? text.slice(0, 20_000) + text.slice(-100_000) + chunk : text + chunk;
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('error', () => undefined);

  const deadline = Date.now() + (options.readyMs ?? 10_000);
  while (!(await accepts(options.port))) {
    if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${file} did not listen on port ${options.port}:\n${text.slice(-2000)}`);
    }
    await sleep(50);
  }

  return {
    proc,
    pid: proc.pid ?? -1,
    port: options.port,
    log: () => text,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
