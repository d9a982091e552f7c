/**
 * One line per event. Quiet by default (info); `-d` adds protocol detail.
 * Child loggers carry a short id (a connection, a session) so that the lines
 * of one client can be followed in a busy log.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Where finished lines go: stderr, syslog, or a test's array. */
export type LogSink = (level: LogLevel, line: string) => void;

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  prefix?: string;
}

export class Logger {
  #level: LogLevel;
  #sink: LogSink;
  #prefix: string;

  constructor(options: LoggerOptions = {}) {
    this.#level = options.level ?? 'info';
    this.#sink = options.sink ?? stderrSink;
    this.#prefix = options.prefix ?? '';
  }

  get debugEnabled(): boolean {
    return RANK[this.#level] >= RANK.debug;
  }

  /** A logger whose lines carry `id` after the parent's prefix. */
  child(id: string): Logger {
    const prefix = this.#prefix ? `${this.#prefix} ${id}` : id;
    return new Logger({ level: this.#level, sink: this.#sink, prefix });
  }

  /** Replaces where lines go, for this logger and children made after. */
  setSink(sink: LogSink): void {
    this.#sink = sink;
  }

  setLevel(level: LogLevel): void {
    this.#level = level;
  }

  error(message: string): void {
    this.#write('error', message);
  }

  warn(message: string): void {
    this.#write('warn', message);
  }

  info(message: string): void {
    this.#write('info', message);
  }

  debug(message: string): void {
    this.#write('debug', message);
  }

  #write(level: LogLevel, message: string): void {
    if (RANK[level] > RANK[this.#level]) return;
    const text = fitLogLine(message);
    this.#sink(level, this.#prefix ? `${this.#prefix}: ${text}` : text);
  }
}

// Messages quote what clients send (user names, commands, ssh2's packet
// dumps): capped, so that one client cannot grow the log by 30 KB a line.
const MAX_MESSAGE_CHARS = 2000;

/**
 * One event, one line, and nothing a terminal would act on: a newline would
 * forge a second line, an escape sequence would repaint the operator's
 * screen. Other control bytes are written as \xNN.
 */
export function fitLogLine(message: string): string {
  const clipped =
    message.length > MAX_MESSAGE_CHARS
      ? `${message.slice(0, MAX_MESSAGE_CHARS)}... (${message.length} characters)`
      : message;
  return clipped.replace(/[\r\n]+|[\x00-\x1f\x7f]/g, (c) =>
    c[0] === '\r' || c[0] === '\n' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

export function stderrSink(level: LogLevel, line: string): void {
  process.stderr.write(`cpud[${process.pid}]: ${level}: ${line}\n`);
}
