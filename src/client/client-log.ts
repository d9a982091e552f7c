/**
 * The client's log lines: `cpu: ...` on stderr, quiet unless -d. While the
 * terminal is raw the tty no longer turns "\n" into "\r\n", so lines then
 * end in "\r\n" themselves.
 */
import { Logger, type LogLevel } from '../log/logger.js';

export function clientLogger(
  stderr: NodeJS.WritableStream,
  options: { debug: boolean; isRaw: () => boolean },
): Logger {
  const sink = (level: LogLevel, line: string): void => {
    const tag = level === 'error' || level === 'info' ? '' : `${level}: `;
    stderr.write(`cpu: ${tag}${line}${options.isRaw() ? '\r\n' : '\n'}`);
  };
  return new Logger({ level: options.debug ? 'debug' : 'info', sink });
}
