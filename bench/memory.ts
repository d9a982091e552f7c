/**
 * Memory from /proc: the server's own RSS when idle, and what each extra
 * concurrent session adds to the whole process tree (server, per-connection
 * processes, helpers, and the `sleep` command itself, which is the same for
 * every server). Sessions are separate connections, each running `cat`
 * on a stdin the bench holds open: closing stdin ends every session cleanly
 * on every server (sshd leaves a `sleep` running when its client is killed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { BenchKeys } from './bench-keys.js';
import { fail, type Failures } from './latency.js';
import { treeCommands, treeMemory } from './proc-tree.js';
import { sleep } from './server-process.js';
import { sshArgs } from './ssh-client.js';
import { live, push, type Samples, type Target } from './target.js';

export interface MemorySamples {
  /** The server's own RSS, idle, MB, and its anonymous part. */
  idleRss: Samples;
  idleAnon: Samples;
  /** The whole tree's RSS, idle, MB (differs for socket activation). */
  idleTreeRss: Samples;
  /** Per extra session: tree RSS and tree PSS, MB. */
  sessionRss: Samples;
  sessionPss: Samples;
}

const MB = 1024;

export function idleMemory(targets: Target[], into: MemorySamples): void {
  for (const target of live(targets)) {
    const memory = treeMemory(target.server!.pid);
    push(into.idleRss, target.id, memory.rootRssKb / MB);
    push(into.idleAnon, target.id, memory.rootAnonKb / MB);
    push(into.idleTreeRss, target.id, memory.treeRssKb / MB);
  }
}

export async function sessionMemory(
  targets: Target[],
  keys: BenchKeys,
  options: { sessions: number; reps: number; failures: Failures; into: MemorySamples },
): Promise<void> {
  for (let i = 0; i < options.reps; i++) {
    for (const target of live(targets)) {
      const root = target.server!.pid;
      const before = treeMemory(root);
      const clients: ChildProcess[] = [];
      for (let n = 0; n < options.sessions; n++) {
        // Own source addresses: see burst.ts on dropbear's per-address limit.
        const bind = `127.0.0.${10 + n}`;
        const child = spawn('ssh', [...sshArgs(target, keys, { bind }), 'cat'], {
          stdio: ['pipe', 'ignore', 'ignore'],
        });
        child.once('error', () => undefined);
        child.stdin!.on('error', () => undefined);
        clients.push(child);
      }
      const up = await waitForCommands(root, options.sessions, 30_000);
      if (up) {
        await sleep(500);
        const during = treeMemory(root);
        push(
          options.into.sessionRss,
          target.id,
          (during.treeRssKb - before.treeRssKb) / MB / options.sessions,
        );
        push(
          options.into.sessionPss,
          target.id,
          (during.treePssKb - before.treePssKb) / MB / options.sessions,
        );
      } else {
        fail(options.failures, target.id, `memory: ${options.sessions} cat sessions never all ran`);
      }
      await Promise.all(clients.map((c) => stop(c)));
      await waitForCommands(root, 0, 15_000);
    }
  }
}

async function waitForCommands(root: number, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const running = treeCommands(root).filter((c) => c === 'cat').length;
    if (running === count) return true;
    await sleep(100);
  }
  return false;
}

// EOF on stdin ends `cat`, then the session; a client still there after
// that is killed.
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin!.end();
  });
}

export interface ProcessMemory {
  rssMb: number;
  anonMb: number;
}

/**
 * A bare `node` that only waits: the least any Node daemon can idle at on
 * this machine, most of it the node binary's own mapped pages.
 */
export async function bareNodeMemory(): Promise<ProcessMemory> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: 'ignore',
  });
  try {
    await sleep(1500);
    const memory = treeMemory(child.pid!);
    return { rssMb: memory.rootRssKb / MB, anonMb: memory.rootAnonKb / MB };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
