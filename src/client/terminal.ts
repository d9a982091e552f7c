/**
 * The local terminal during an interactive session: raw mode (every key,
 * ^C included, goes to the remote pty, which does its own line editing and
 * echo), its size, and its size changes (Node turns SIGWINCH into `resize`
 * on a TTY output stream). `restore()` is idempotent and must run on every
 * way out, or the user's shell is left without echo.
 */
import { spawnSync } from 'node:child_process';
import type { ReadStream, WriteStream } from 'node:tty';

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** u-root's client assumes this size when the terminal cannot tell. */
const FALLBACK: TerminalSize = { rows: 40, cols: 80 };

export class LocalTerminal {
  #input: ReadStream;
  #output: WriteStream | undefined;
  #raw = false;

  constructor(input: ReadStream, outputs: readonly NodeJS.WritableStream[]) {
    this.#input = input;
    this.#output = outputs.find((s): s is WriteStream => (s as WriteStream).isTTY === true);
  }

  get raw(): boolean {
    return this.#raw;
  }

  size(): TerminalSize {
    const [cols, rows] = this.#output?.getWindowSize() ?? [0, 0];
    return cols > 0 && rows > 0 ? { rows, cols } : FALLBACK;
  }

  enterRaw(): void {
    if (this.#raw) return;
    this.#input.setRawMode(true);
    this.#raw = true;
    // libuv's raw mode keeps output processing (OPOST, ONLCR): a bare "\n"
    // from a remote full-screen program would gain a "\r" here and break its
    // cursor moves. ssh uses cfmakeraw(3), which clears OPOST; stty does the
    // same for us. setRawMode(false) puts back the termios libuv saved first.
    spawnSync('stty', ['-opost'], { stdio: [this.#input, 'ignore', 'ignore'] });
  }

  restore(): void {
    if (!this.#raw) return;
    this.#raw = false;
    try {
      this.#input.setRawMode(false);
    } catch {
      // The terminal is gone (hang-up): nothing is left to restore.
    }
  }

  /** Calls `listener` with each new size; returns the function that stops it. */
  onResize(listener: (size: TerminalSize) => void): () => void {
    const output = this.#output;
    if (!output) return () => {};
    const handler = (): void => listener(this.size());
    output.on('resize', handler);
    return () => output.off('resize', handler);
  }
}
