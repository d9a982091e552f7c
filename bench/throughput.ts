/**
 * Streaming through a session, each way. Out: the command writes N zero
 * bytes, timed from the first byte the client prints to the last. In: the
 * client's stdin is fed N zero bytes by `head` (not by this process, so the
 * feeder is never the bottleneck); the command prints "go", counts its
 * input with `wc -c`, and the time runs from "go" to the client's exit. The
 * count is checked both ways. What the client had buffered before "go"
 * (at most a channel window plus a pipe, ~2 MB) flatters every server alike.
 */
import type { BenchKeys } from './bench-keys.js';
import { fail, type Failures } from './latency.js';
import { sshArgs } from './ssh-client.js';
import { live, push, type Samples, type Target } from './target.js';
import { timedRun } from './timed-run.js';

export interface StreamOptions {
  bytes: number;
  reps: number;
  failures: Failures;
}

/** MB/s (10^6 bytes), per server. */
export async function streamOut(
  targets: Target[],
  keys: BenchKeys,
  options: StreamOptions,
): Promise<Samples> {
  const samples: Samples = new Map();
  for (let i = 0; i < options.reps; i++) {
    for (const target of live(targets).filter((t) => t.streams)) {
      const command = `head -c ${options.bytes} /dev/zero`;
      const run = await timedRun('ssh', [...sshArgs(target, keys), command], {
        timeoutMs: 600_000,
      });
      const span = (run.lastByteMs ?? 0) - (run.firstByteMs ?? 0);
      if (run.code === 0 && run.bytes === options.bytes && span > 0) {
        push(samples, target.id, options.bytes / 1e6 / (span / 1000));
      } else {
        fail(
          options.failures,
          target.id,
          `stream-out: status ${run.code}, ${run.bytes} bytes: ${run.stderr}`,
        );
      }
    }
  }
  return samples;
}

export async function streamIn(
  targets: Target[],
  keys: BenchKeys,
  options: StreamOptions,
): Promise<Samples> {
  const samples: Samples = new Map();
  // $1 is the byte count, the rest is the ssh command line.
  const feeder = 'n=$1; shift; head -c "$n" /dev/zero | "$@"';
  for (let i = 0; i < options.reps; i++) {
    for (const target of live(targets).filter((t) => t.streams)) {
      const ssh = ['ssh', ...sshArgs(target, keys), 'echo go; wc -c'];
      const run = await timedRun('sh', ['-c', feeder, 'feeder', String(options.bytes), ...ssh], {
        timeoutMs: 600_000,
      });
      const counted = Number(run.head.split('\n')[1]?.trim());
      const span = run.totalMs - (run.firstByteMs ?? run.totalMs);
      if (run.code === 0 && counted === options.bytes && span > 0) {
        push(samples, target.id, options.bytes / 1e6 / (span / 1000));
      } else {
        fail(
          options.failures,
          target.id,
          `stream-in: status ${run.code}, counted ${counted}: ${run.stderr}`,
        );
      }
    }
  }
  return samples;
}
