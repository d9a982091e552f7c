/**
 * Gives memory back to the system once the daemon has fallen idle. Streaming
 * command output passes tens of MB through Node's buffers, which live in
 * glibc's heap; after they are freed, glibc keeps the pages, so a daemon
 * that streamed once would idle at its busiest size (measured: 57 MB before
 * 1 GB of streams, 97-105 MB after). A full garbage collection frees the
 * buffers V8 still holds, then malloc_trim(3) returns the free pages
 * (back to 63 MB). Both cost a few ms, paid only after IDLE_MS without any
 * connection, never while someone is served.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../log/logger.js';
import { loadNative } from '../util/native.js';

const IDLE_MS = 5000;

export class IdleMemoryRelease {
  #isIdle: () => boolean;
  #log: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(isIdle: () => boolean, log: Logger) {
    this.#isIdle = isIdle;
    this.#log = log;
  }

  /** A connection ended: release memory if nothing happens for a while. */
  connectionEnded(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#isIdle()) this.#release();
    }, IDLE_MS);
    this.#timer.unref();
  }

  #release(): void {
    const before = process.memoryUsage.rss();
    collectGarbage();
    loadNative().mallocTrim();
    const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
    this.#log.debug(`idle: resident memory ${mb(before)} MB -> ${mb(process.memoryUsage.rss())} MB`);
  }
}

let gc: (() => void) | undefined;

// Node runs gc() only with --expose-gc; turned on here, the flag gives a
// fresh context the function, without a flag on every command line.
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
