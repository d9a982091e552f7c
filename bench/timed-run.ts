/**
 * Runs a client process and notes when its output starts and ends. Output is
 * counted, not kept (a streaming run moves a gigabyte); only its head stays,
 * to check what the command said.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface TimedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn. */
  firstByteMs: number | undefined;
  lastByteMs: number | undefined;
  totalMs: number;
  bytes: number;
  head: string;
  stderr: string;
}

export interface TimedOptions {
  /** Kill the client after this long; the run then counts as failed. */
  timeoutMs?: number;
}

const HEAD_BYTES = 512;

export function timedRun(
  file: string,
  args: string[],
  options: TimedOptions = {},
): Promise<TimedRun> {
  const started = performance.now();
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let firstByteMs: number | undefined;
  let lastByteMs: number | undefined;
  let bytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  let stderr = '';

  child.stdout.on('data', (chunk: Buffer) => {
    const now = performance.now() - started;
    firstByteMs ??= now;
    lastByteMs = now;
    bytes += chunk.length;
    if (headBytes < HEAD_BYTES) {
      head.push(chunk.subarray(0, HEAD_BYTES - headBytes));
      headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);

  return new Promise((resolve) => {
    child.once('error', (err) => {
      stderr += err.message;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        firstByteMs,
        lastByteMs,
        totalMs: performance.now() - started,
        bytes,
        head: Buffer.concat(head).toString('utf8'),
        stderr,
      });
    });
  });
}
