/**
 * The 9P port is a loopback port on the daemon's host: any local user there
 * could dial it. The nonce proves a connection comes from this session's
 * helper: 16 random bytes as 32 lower-case hex characters (u-root's form),
 * sent in CPUNONCE, and written back first on every forwarded connection.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';

export const NONCE_LENGTH = 32;

export function makeNonce(): string {
  return randomBytes(NONCE_LENGTH / 2).toString('hex');
}

/** Constant time, so that a dialer learns nothing from how fast it is refused. */
export function nonceMatches(expected: string, received: Buffer): boolean {
  const want = Buffer.from(expected, 'latin1');
  return received.length === want.length && timingSafeEqual(received, want);
}

/**
 * Reads exactly the first NONCE_LENGTH bytes of `stream`, leaving every later
 * byte unread for the 9P server. Resolves undefined when the stream ends or
 * `timeoutMs` passes first.
 */
export function readNonce(stream: Duplex, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const finish = (value: Buffer | undefined): void => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      resolve(value);
    };
    const onReadable = (): void => {
      const chunk = stream.read(NONCE_LENGTH) as Buffer | null;
      // At the end read() hands over a shorter remainder: not a nonce.
      if (chunk) finish(chunk.length === NONCE_LENGTH ? chunk : undefined);
    };
    const onEnd = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
  });
}
