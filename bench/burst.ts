/**
 * Concurrency: a burst of sessions started at once, each its own connection
 * running `true`. Each client binds its own 127.0.0.x source address:
 * dropbear drops a sixth unauthenticated connection from one address
 * (MAX_UNAUTH_PER_IP), which would measure that limit instead. The banner
 * may take long (32 Node starts on 2 cores for socket activation): the
 * connect timeout is raised so that slowness is measured, not failed.
 */
import type { BenchKeys } from './bench-keys.js';
import { fail, type Failures } from './latency.js';
import { sshArgs } from './ssh-client.js';
import { live, push, type Samples, type Target } from './target.js';
import { timedRun } from './timed-run.js';
import { performance } from 'node:perf_hooks';

export interface BurstSamples {
  /** Sessions completed per second of the burst's wall time. */
  rate: Samples;
  /** The slowest session of each burst, ms. */
  worst: Samples;
}

export async function burst(
  targets: Target[],
  keys: BenchKeys,
  options: { size: number; reps: number; failures: Failures },
): Promise<BurstSamples> {
  const rate: Samples = new Map();
  const worst: Samples = new Map();
  for (let i = 0; i < options.reps; i++) {
    for (const target of live(targets)) {
      const started = performance.now();
      const runs = await Promise.all(
        Array.from({ length: options.size }, (_, n) => {
          const bind = `127.0.0.${10 + n}`;
          return timedRun('ssh', [...sshArgs(target, keys, { bind, connectTimeout: 60 }), 'true'], {
            timeoutMs: 120_000,
          });
        }),
      );
      const wall = performance.now() - started;
      const ok = runs.filter((r) => r.code === 0);
      for (const r of runs.filter((r) => r.code !== 0)) {
        fail(options.failures, target.id, `burst: status ${r.code}: ${r.stderr}`);
      }
      push(rate, target.id, ok.length / (wall / 1000));
      push(worst, target.id, Math.max(...runs.map((r) => r.totalMs)));
    }
  }
  return { rate, worst };
}
