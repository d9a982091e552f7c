/**
 * Checks on the values of channel requests, so that nothing a client sends
 * reaches a system call unchecked.
 */
import { constants } from 'node:os';
import type { TerminalSize } from './running-command.js';

// Large enough for any real screen; small enough that no ioctl is surprised.
const MAX_CELLS = 10_000;

export function parseTerminalSize(cols: number, rows: number): TerminalSize | undefined {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_CELLS;
  // RFC 4254 6.2: zero character sizes are allowed; treat as a default screen.
  const c = cols === 0 ? 80 : cols;
  const r = rows === 0 ? 24 : rows;
  return ok(c) && ok(r) ? { cols: c, rows: r } : undefined;
}

/** RFC 4254 6.9 signal names ("INT", "TERM", ...) to Node's. */
export function parseSignalName(name: unknown): NodeJS.Signals | undefined {
  if (typeof name !== 'string' || !/^[A-Z0-9]{1,10}$/.test(name)) return undefined;
  const full = `SIG${name}`;
  return full in constants.signals ? (full as NodeJS.Signals) : undefined;
}
