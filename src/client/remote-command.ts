/**
 * One `session` channel (PROTOCOL.md, client steps 4 to 8): env requests,
 * `pty-req` with a terminal, the exec string; then the bytes both ways with
 * backpressure (stream pipes pause the faster side), SIGINT and SIGTERM as
 * `signal` requests, window changes, and the exit status. Resolves with the
 * status the cpu process should exit with.
 */
import type { EventEmitter } from 'node:events';
import type ssh2 from 'ssh2';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { signalChannel } from './channel-signal.js';
import { EscapeFilter } from './escape-filter.js';
import { exitStatusOf, NO_STATUS } from './exit-status.js';
import type { LocalTerminal } from './terminal.js';

export interface ClientIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface RemoteCommandOptions {
  /** The exec string (src/client/exec-command.ts). */
  command: string;
  env: Record<string, string>;
  /** Present when stdin is a terminal: the session gets a pty. */
  terminal?: LocalTerminal;
  term: string;
  io: ClientIo;
  /** Where SIGINT and SIGTERM arrive (the process). */
  signals: EventEmitter;
  log: Logger;
}

const FORWARDED_SIGNALS = { SIGINT: 'INT', SIGTERM: 'TERM' } as const;

export async function runRemoteCommand(
  client: ssh2.Client,
  options: RemoteCommandOptions,
): Promise<number> {
  const { terminal, io, log } = options;
  const size = terminal?.size();
  const pty = size && {
    term: options.term,
    rows: size.rows,
    cols: size.cols,
    modes: { ECHO: 1 as const },
  };
  if (pty) log.debug(`pty-req ${pty.term} ${pty.rows}x${pty.cols}`);
  log.debug(`exec ${JSON.stringify(options.command)}`);
  const exit: { status?: number } = {};
  const channel = await openExec(client, options.command, { env: options.env, pty }, (code, signal) => {
    exit.status = exitStatusOf(code, signal);
    log.debug(`remote ${signal ? `signal ${signal}` : `exit-status ${code}`}`);
  });
  const cleanups: (() => void)[] = [];
  try {
    cleanups.push(wireInput(channel, options));
    channel.pipe(io.stdout, { end: false });
    channel.stderr.pipe(io.stderr, { end: false });
    // The first signal goes to the command, which may trap it; a second one
    // means the user wants out, as `~.` does (and as `timeout` expects).
    let signalled = false;
    for (const [signal, name] of Object.entries(FORWARDED_SIGNALS)) {
      const forward = (): void => {
        if (signalled) {
          io.stderr.write(`cpu: ${signal} again: closing the session${terminal?.raw ? '\r\n' : '\n'}`);
          channel.close();
          return;
        }
        signalled = true;
        log.debug(`forwarding ${signal}`);
        signalChannel(channel, name);
      };
      options.signals.on(signal, forward);
      cleanups.push(() => options.signals.off(signal, forward));
    }
    if (terminal)
      cleanups.push(terminal.onResize(({ rows, cols }) => channel.setWindow(rows, cols, 0, 0)));

    const lost = await ended(client, channel);
    if (lost) io.stderr.write(`cpu: ${lost}${terminal?.raw ? '\r\n' : '\n'}`);
  } finally {
    for (const cleanup of cleanups) cleanup();
    terminal?.restore();
  }
  await Promise.all([flushed(io.stdout), flushed(io.stderr)]);
  return exit.status ?? NO_STATUS;
}

/**
 * `onExit` is attached in exec's callback, not after the await: a command
 * that ends at once can have its exit-status parsed from the same read as
 * the exec reply, before an awaiting caller resumes, and 'exit' is a plain
 * event that nobody would hear.
 */
function openExec(
  client: ssh2.Client,
  command: string,
  options: ssh2.ExecOptions,
  onExit: (code: number | null, signal?: string) => void,
): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (err, channel) => {
      if (!err) {
        channel.on('exit', onExit);
        return resolve(channel);
      }
      reject(
        new CpudError('CPUD_ERR_SESSION_EXEC', `the host refused the command: ${messageOf(err)}`, {
          cause: err,
        }),
      );
    });
  });
}

// With a terminal, stdin is raw and passes the escape filter; without one it
// goes as it is, and its end becomes the channel's EOF.
function wireInput(channel: ssh2.ClientChannel, options: RemoteCommandOptions): () => void {
  const { stdin } = options.io;
  const { terminal } = options;
  if (!terminal) {
    stdin.pipe(channel);
    return () => stdin.unpipe(channel);
  }
  terminal.enterRaw();
  const filter = new EscapeFilter(() => {
    options.log.debug('~. typed: closing the session');
    channel.close();
  });
  stdin.pipe(filter).pipe(channel);
  return () => {
    stdin.unpipe(filter);
    filter.unpipe(channel);
    stdin.pause();
  };
}

/**
 * Resolves when the channel has closed and its stderr ended; with a message
 * when the connection went first.
 */
function ended(client: ssh2.Client, channel: ssh2.ClientChannel): Promise<string | undefined> {
  return new Promise((resolve) => {
    let channelClosed = false;
    let stderrEnded = false;
    const check = (): void => {
      if (channelClosed && stderrEnded) done(undefined);
    };
    const done = (message: string | undefined): void => {
      client.off('close', onClientClose);
      resolve(message);
    };
    const onClientClose = (): void => done('the connection to the host was lost');
    channel.once('close', () => {
      channelClosed = true;
      // ssh2 ends stderr with the channel; give its last bytes a turn.
      setImmediate(() => {
        stderrEnded = true;
        check();
      });
    });
    channel.stderr.once('end', () => {
      stderrEnded = true;
      check();
    });
    client.once('close', onClientClose);
  });
}

// A zero-length write calls back once every earlier write was handed over.
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { writable?: boolean }).writable === false) return resolve();
    stream.write('', () => resolve());
  });
}
