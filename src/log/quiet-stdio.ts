/**
 * Keeps a process from writing to fds 1 and 2 when they may be the client's
 * socket. Node cannot dup2 /dev/null over them, so every writer is replaced
 * instead: `process.stdout`/`process.stderr` (and with them `console`), the
 * default printer of process warnings, and the printer of uncaught
 * exceptions, which writes straight to fd 2 from C++ unless a handler exists.
 * What they would have printed goes to the logger. A fatal V8 error (out of
 * memory) still prints to fd 2; nothing in JavaScript can stop that.
 */
import { Writable } from 'node:stream';
import { messageOf } from '../errors.js';
import type { Logger } from './logger.js';

export interface QuietStdioOptions {
  /** Replace fd 1's writers (the connection with inetd and StandardInput=socket). */
  stdout: boolean;
  /** Replace fd 2's writers (the connection with inetd). */
  stderr: boolean;
  /** Called after an uncaught exception was logged. */
  onFatal: (err: unknown) => void;
}

export function quietStdio(log: Logger, options: QuietStdioOptions): void {
  if (options.stdout) replaceStream('stdout', log);
  if (options.stderr) replaceStream('stderr', log);

  process.removeAllListeners('warning');
  process.on('warning', (warning) => log.warn(`node: ${warning.name}: ${warning.message}`));
  process.on('uncaughtException', (err) => {
    log.error(`unexpected failure: ${messageOf(err)}`);
    options.onFatal(err);
  });
}

function replaceStream(name: 'stdout' | 'stderr', log: Logger): void {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done): void {
      const text = String(chunk).trimEnd();
      if (text) log.warn(`${name}: ${text}`);
      done();
    },
  });
  // The getters would open fd 1 or 2 as a stream on first use; a plain value
  // replaces them before anything (console included) asks.
  Object.defineProperty(process, name, { value: sink, configurable: true, writable: true });
  const write = (...args: unknown[]): void => void sink.write(`${args.map(String).join(' ')}\n`);
  for (const key of name === 'stdout' ? ['log', 'info', 'debug'] : ['error', 'warn', 'trace']) {
    (console as unknown as Record<string, unknown>)[key] = write;
  }
}
