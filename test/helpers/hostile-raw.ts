/**
 * Raw TCP for transport attacks: SSH-2 binary packets written by hand
 * (RFC 4253 6: length, padding length, payload, padding; unencrypted before
 * the first key exchange), so a test can send what no client library would.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export const CLIENT_VERSION = 'SSH-2.0-hostile_1.0\r\n';

export function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** One unencrypted binary packet around `payload` (RFC 4253 6). */
export function sshPacket(payload: Buffer): Buffer {
  let padding = 8 - ((4 + 1 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding, 0);
  head[4] = padding;
  return Buffer.concat([head, payload, Buffer.alloc(padding)]);
}

function nameList(names: string): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(names), 0);
  return Buffer.concat([len, Buffer.from(names)]);
}

/** SSH_MSG_KEXINIT (RFC 4253 7.1) with algorithms the daemon offers. */
export function kexinitPayload(): Buffer {
  const lists = [
    'curve25519-sha256',
    'ssh-ed25519',
    'aes128-ctr',
    'aes128-ctr',
    'hmac-sha2-256',
    'hmac-sha2-256',
    'none',
    'none',
    '',
    '',
  ].map(nameList);
  return Buffer.concat([Buffer.from([20]), randomBytes(16), ...lists, Buffer.alloc(5)]);
}

/** Resolves with the bytes the peer sent by the time it closed (or `timeoutMs` passed). */
export function untilClosed(socket: Socket, timeoutMs: number): Promise<{ closed: boolean; data: Buffer }> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve) => {
    if (socket.closed) return resolve({ closed: true, data: Buffer.alloc(0) });
    const timer = setTimeout(() => resolve({ closed: false, data: Buffer.concat(chunks) }), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, data: Buffer.concat(chunks) });
    });
  });
}

/** Waits for the first bytes from the peer (its version line, usually). */
export function firstData(socket: Socket, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no data from the daemon')), timeoutMs);
    socket.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(d);
    });
  });
}
