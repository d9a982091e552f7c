/**
 * The client's own exit status, as a shell reports its children's: the
 * remote command's code, or 128 plus the number of the signal that killed
 * it. A session that ended with neither (the connection dropped, `~.`) gives
 * 255, as ssh does.
 */
import { constants } from 'node:os';

export const NO_STATUS = 255;

export function exitStatusOf(code: number | null | undefined, signal?: string): number {
  if (typeof code === 'number') return code & 0xff;
  if (signal) {
    // RFC 4254 6.10 names signals without "SIG"; ssh2 adds it back.
    const name = (
      signal.startsWith('SIG') ? signal : `SIG${signal}`
    ) as keyof typeof constants.signals;
    const number = constants.signals[name];
    return number === undefined ? NO_STATUS : 128 + number;
  }
  return NO_STATUS;
}
