/**
 * A LogSink that sends to the local syslog socket, for the roles that must
 * not write to fds 1 and 2 (inetd hands the client's socket as fds 0, 1 and
 * 2). Node has no AF_UNIX datagram sockets (nodejs/node#29339), so the
 * `unix-dgram` addon carries the datagrams; where it cannot load, each line
 * goes through util-linux `logger` instead. journald reads /dev/log too.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { LogLevel, LogSink } from './logger.js';

/** RFC 3164 section 4.1.1: PRI = facility * 8 + severity; LOG_DAEMON is 3. */
const FACILITY_DAEMON = 3;
const SEVERITY: Record<LogLevel, number> = { error: 3, warn: 4, info: 6, debug: 7 };
const LOGGER_PRIORITY: Record<LogLevel, string> = {
  error: 'daemon.err',
  warn: 'daemon.warning',
  info: 'daemon.info',
  debug: 'daemon.debug',
};

export interface SyslogSinkOptions {
  /** The datagram socket syslog reads (default /dev/log). */
  path?: string;
  ident?: string;
}

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
}

export function syslogSink(options: SyslogSinkOptions = {}): LogSink {
  const path = options.path ?? '/dev/log';
  const ident = options.ident ?? 'cpud';
  const socket = openDatagramSocket();
  if (!socket) return (level, line) => viaLoggerCommand(path, ident, level, line);

  return (level, line) => {
    const message = Buffer.from(
      `<${FACILITY_DAEMON * 8 + SEVERITY[level]}>${stamp(new Date())} ` +
        `${ident}[${process.pid}]: ${line}`,
    );
    // A missing syslog daemon loses the line; there is nowhere safe to say so.
    socket.send(message, 0, message.length, path, () => {});
  };
}

function openDatagramSocket(): DgramSocket | undefined {
  try {
    const dgram = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(type: 'unix_dgram'): DgramSocket;
    };
    const socket = dgram.createSocket('unix_dgram');
    socket.on('error', () => {});
    return socket;
  } catch {
    return undefined;
  }
}

function viaLoggerCommand(path: string, ident: string, level: LogLevel, line: string): void {
  const args = [
    '-u',
    path,
    '-t',
    ident,
    `--id=${process.pid}`,
    '-p',
    LOGGER_PRIORITY[level],
    '--',
    line,
  ];
  const child = spawn('logger', args, { stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

/** The BSD syslog timestamp, `Mmm dd hh:mm:ss` in local time (RFC 3164 4.1.2). */
function stamp(date: Date): string {
  const month = date.toLocaleString('en-US', { month: 'short' });
  const day = String(date.getDate()).padStart(2, ' ');
  const time = [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `${month} ${day} ${time}`;
}
