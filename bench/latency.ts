/**
 * Latency, alternating servers A B C A B C so that drift on a shared machine
 * hits all of them alike: a whole connection (connect, authenticate, run
 * `true`, exit), and exec to first byte on a connection that is already up
 * (OpenSSH connection sharing: each `ssh -S` opens one session channel).
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchKeys } from './bench-keys.js';
import { sleep } from './server-process.js';
import { sshArgs } from './ssh-client.js';
import { live, push, type Samples, type Target } from './target.js';
import { timedRun } from './timed-run.js';

export interface Failures {
  count: Map<string, number>;
  last: Map<string, string>;
}

export function newFailures(): Failures {
  return { count: new Map(), last: new Map() };
}

export function fail(failures: Failures, id: string, why: string): void {
  failures.count.set(id, (failures.count.get(id) ?? 0) + 1);
  failures.last.set(id, why.trim().slice(0, 300));
}

export async function connectLatency(
  targets: Target[],
  keys: BenchKeys,
  options: { reps: number; failures: Failures },
): Promise<Samples> {
  const samples: Samples = new Map();
  for (let i = 0; i < options.reps; i++) {
    for (const target of live(targets)) {
      const run = await timedRun('ssh', [...sshArgs(target, keys), 'true'], { timeoutMs: 30_000 });
      if (run.code === 0) push(samples, target.id, run.totalMs);
      else fail(options.failures, target.id, `connect: status ${run.code}: ${run.stderr}`);
    }
  }
  return samples;
}

export async function execFirstByte(
  targets: Target[],
  keys: BenchKeys,
  options: { reps: number; failures: Failures },
): Promise<Samples> {
  const samples: Samples = new Map();
  const masters = new Map<string, Master>();
  try {
    for (const target of live(targets)) {
      const master = await openMaster(target, keys);
      if (master) masters.set(target.id, master);
      else
        fail(options.failures, target.id, 'exec-first-byte: the shared connection did not come up');
    }
    for (let i = 0; i < options.reps; i++) {
      for (const target of live(targets)) {
        const master = masters.get(target.id);
        if (!master) continue;
        const args = sshArgs(target, keys, {
          extra: ['-o', 'ControlMaster=no', '-S', master.path],
        });
        const run = await timedRun('ssh', [...args, 'echo x'], { timeoutMs: 30_000 });
        if (run.code === 0 && run.firstByteMs !== undefined)
          push(samples, target.id, run.firstByteMs);
        else
          fail(options.failures, target.id, `exec-first-byte: status ${run.code}: ${run.stderr}`);
      }
    }
  } finally {
    for (const master of masters.values()) await master.close();
  }
  return samples;
}

interface Master {
  path: string;
  close(): Promise<void>;
}

async function openMaster(target: Target, keys: BenchKeys): Promise<Master | undefined> {
  const path = join(keys.dir, `mux-${target.id}`);
  rmSync(path, { force: true });
  const extra = ['-o', 'ControlMaster=yes', '-o', 'ControlPersist=no', '-S', path, '-N'];
  const child = spawn('ssh', sshArgs(target, keys, { extra }), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(path, { force: true });
  };
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (existsSync(path)) return { path, close };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  await close();
  return undefined;
}
