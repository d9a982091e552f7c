/**
 * Joins a TCP socket and an SSH channel in both directions, keeping
 * half-close: a peer that shuts down its sending side still gets the
 * answer. ssh2 closes a server channel outright when its writable side
 * ends, so EOF is sent by hand (RFC 4254 5.3) instead of by `end()`.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

interface SshChannel extends Duplex {
  eof(): void;
  close(): void;
}

export function splice(socket: Socket, channel: Duplex): void {
  const ssh = channel as SshChannel;
  socket.pipe(channel, { end: false });
  channel.pipe(socket);
  socket.on('end', () => ssh.eof());
  socket.on('close', () => ssh.close());
  socket.on('error', () => ssh.close());
  channel.on('error', () => socket.destroy());
  channel.on('close', () => socket.destroy());
}
