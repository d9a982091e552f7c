/**
 * The Linux errno to put in Rlerror for a failed host call. Node names the
 * failure (`err.code`); the name is looked up in Linux's table so that a
 * client on macOS or BSD still sends the Linux kernel numbers it expects.
 */
import { Errno } from './constants.js';

/** A failure that already carries the errno to reply with. */
export class NinepError extends Error {
  readonly errno: number;

  constructor(errno: number, message?: string) {
    super(message ?? `errno ${errno}`);
    this.name = 'NinepError';
    this.errno = errno;
  }
}

export function errnoOf(err: unknown): number {
  if (err instanceof NinepError) return err.errno;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in Errno) return Errno[code as keyof typeof Errno];
  // RangeError from encoding a value too large for its field, and the like.
  if (code === 'ERR_OUT_OF_RANGE') return Errno.EOVERFLOW;
  return Errno.EIO;
}
