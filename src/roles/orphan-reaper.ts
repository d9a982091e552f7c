/**
 * Reaps orphans: processes the kernel re-parented to us (PID 1, or a child
 * subreaper, prctl(2) PR_SET_CHILD_SUBREAPER) whose own parent died.
 *
 * It must never take the exit status of a child Node is waiting for: libuv
 * calls waitpid(pid) for every process child_process spawned, and node-pty
 * blocks in waitpid(pid) in a thread of its own. A `waitpid(-1)` loop would
 * race both and lose session exit codes (the Go daemon did exactly that).
 * So each sweep lists zombies from /proc whose parent is us, skips every pid
 * in `owned` (the children this process spawned itself), and reaps only the
 * rest, one `waitpid(pid, WNOHANG)` each. A zombie's pid cannot be reused
 * until it is reaped, and nobody else reaps orphans, so what the sweep saw
 * is still true when it calls waitpid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { CpudNative } from '../util/native.js';

/** A backstop for SIGCHLDs that arrived while a sweep was running. */
const SWEEP_EVERY_MS = 5000;

export interface OrphanReaperOptions {
  logger: Logger;
  /** Pids this process spawned and Node waits for; never reaped here. */
  owned: () => ReadonlySet<number>;
}

export class OrphanReaper {
  #native: CpudNative;
  #options: OrphanReaperOptions;
  #timer: NodeJS.Timeout | undefined;
  #onSignal = (): void => void this.sweep();
  #reaped = 0;

  constructor(native: CpudNative, options: OrphanReaperOptions) {
    this.#native = native;
    this.#options = options;
  }

  /** Orphans reaped so far. */
  get reaped(): number {
    return this.#reaped;
  }

  start(): void {
    process.on('SIGCHLD', this.#onSignal);
    this.#timer = setInterval(this.#onSignal, SWEEP_EVERY_MS);
    this.#timer.unref();
    this.sweep();
  }

  stop(): void {
    process.off('SIGCHLD', this.#onSignal);
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Reaps every orphan that is a zombie now; returns how many. */
  sweep(): number {
    const owned = this.#options.owned();
    let count = 0;
    for (const pid of zombieChildren(process.pid)) {
      if (owned.has(pid)) continue;
      const status = this.#native.reap(pid);
      if (status < 0) continue;
      count++;
      this.#options.logger.debug(`reaped orphan ${pid} (wait status ${status})`);
    }
    this.#reaped += count;
    return count;
  }
}

/** Pids in state Z whose parent is `parent`, from /proc/<pid>/stat (proc(5)). */
export function zombieChildren(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue;
    }
    // The command name (field 2) may hold spaces and parentheses: the fields
    // after it start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' && Number(fields[1]) === parent) pids.push(Number(name));
  }
  return pids;
}
