/**
 * A command on a pseudo-terminal (node-pty). The pty's child is a session
 * leader, so its pid is the process group the terminal signals. node-pty
 * reports the exit only after the pty's output was read to EOF.
 */
import pty from 'node-pty';
import type { Duplex } from 'node:stream';
import type { HelperCommand } from './helper-command.js';
import {
  signalGroup,
  signalName,
  type CommandExit,
  type RunningCommand,
  type TerminalSize,
} from './running-command.js';

export interface PtyOptions {
  channel: Duplex;
  env: Record<string, string>;
  term: string;
  size: TerminalSize;
}

export function startPtyCommand(helper: HelperCommand, options: PtyOptions): RunningCommand {
  const { channel } = options;
  const terminal = pty.spawn(helper.file, helper.args, {
    name: options.term,
    cols: options.size.cols,
    rows: options.size.rows,
    cwd: '/',
    env: options.env,
    encoding: null,
  });

  // Backpressure: a slow client pauses the pty, so the command blocks on
  // write instead of our memory growing with its output.
  terminal.onData((data: string | Buffer) => {
    if (channel.write(data)) return;
    terminal.pause();
    channel.once('drain', () => terminal.resume());
  });
  const toTerminal = (data: Buffer): void => terminal.write(data);
  channel.on('data', toTerminal);

  const finished = new Promise<CommandExit>((resolve) => {
    terminal.onExit(({ exitCode, signal }) => {
      channel.off('data', toTerminal);
      const name = signal ? signalName(signal) : undefined;
      resolve(name ? { signal: name } : { code: exitCode });
    });
  });

  return {
    pid: terminal.pid,
    finished,
    signal: (signal) => signalGroup(terminal.pid, signal),
    resize: (size) => {
      try {
        terminal.resize(size.cols, size.rows);
      } catch {
        // The pty closed between the exit and this request.
      }
    },
  };
}
