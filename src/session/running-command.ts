/**
 * A command started for a session, with pipes or on a pty. Both kinds
 * settle `finished` only after the command exited AND its output was read
 * to the end: the exit status must never overtake the last bytes.
 */
import { constants } from 'node:os';

export interface CommandExit {
  code?: number;
  signal?: NodeJS.Signals;
  coreDumped?: boolean;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface RunningCommand {
  readonly pid: number;
  readonly finished: Promise<CommandExit>;
  /** Sends `signal` to the command's whole process group. */
  signal(signal: NodeJS.Signals): void;
  resize(size: TerminalSize): void;
}

/** The helper leads its own process group (setsid), and the command joins it. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

export function signalName(signo: number): NodeJS.Signals | undefined {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signo);
  return entry?.[0] as NodeJS.Signals | undefined;
}
