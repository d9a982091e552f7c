/**
 * Helpers for the activation tests: launchers (systemd-socket-activate,
 * inetd, unshare) started as process groups and always ended, a free port,
 * ssh to a port that no TestDaemon owns, and a unix datagram receiver
 * (Node has none; python3 listens) standing in for syslog or NOTIFY_SOCKET.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDaemon } from './daemon.js';
import type { TestKeys } from './keys.js';
import { runSsh, type SshResult } from './ssh.js';

/** Fails with the Debian package to install when a tool is missing. */
export function requireCommand(command: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      `"${command}" is missing: install the Debian package ${debianPackage} ` +
        '(scripts/install-deps.sh)',
    );
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await sleep(100);
  }
}

/** Real OpenSSH to 127.0.0.1:port with the test keys. */
export function sshTo(
  port: number,
  keys: TestKeys,
  command: string[],
  options: { input?: Buffer | string; extra?: string[] } = {},
): Promise<SshResult> {
  // runSsh only reads the port and the keys of its daemon.
  const target = { port, keys } as unknown as TestDaemon;
  return runSsh(target, command, options);
}

export interface Launched {
  proc: ChildProcess;
  output: () => string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Ends the whole process group and waits for the leader. */
  stop(): Promise<void>;
}

/** Starts a command in its own process group, collecting stdout and stderr. */
export function launch(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Launched {
  const proc = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  return {
    proc,
    output: () => text,
    waitForOutput: async (pattern, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (proc.exitCode !== null || Date.now() > deadline) {
          throw new Error(`${command} never printed ${pattern}; output:\n${text}`);
        }
        await sleep(50);
      }
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
    },
  };
}

export interface DatagramReceiver {
  path: string;
  messages(): string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const RECEIVER = `
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("READY", flush=True)
while True:
    data = s.recv(65536)
    for line in data.decode("utf-8", "replace").split("\\n"):
        if line:
            print(line, flush=True)
`;

/**
 * A unix datagram socket at `path`. Each line of a datagram is one message:
 * a syslog line, or one assignment of an sd_notify datagram (which may hold several).
 */
export async function receiveDatagrams(path: string): Promise<DatagramReceiver> {
  requireCommand('python3', 'python3');
  const receiver = launch('python3', ['-c', RECEIVER, path]);
  await receiver.waitForOutput(/^READY$/m, 10_000);
  const messages = (): string[] => receiver.output().split('\n').slice(1).filter(Boolean);
  return {
    path,
    messages,
    waitFor: async (pattern, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find((m) => pattern.test(m));
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no datagram matched ${pattern}; got:\n${messages().join('\n')}`);
        await sleep(50);
      }
    },
    close: () => receiver.stop(),
  };
}

/** Pids of live processes whose command line contains `text`. */
export function processesMatching(text: string): number[] {
  const found = spawnSync('pgrep', ['-f', '--', text], { encoding: 'utf8' });
  return found.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}
