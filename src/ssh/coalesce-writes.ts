/**
 * ssh2 hands each SSH packet to `socket.write()` by itself, and each write
 * reaches the kernel at once: a 64 KB read of command output, which becomes
 * two packets (OpenSSH's client takes at most 32 KB per packet), costs two
 * send(2) calls and two wake-ups of the client. Corking the socket from the
 * first write of an event-loop turn until that turn's check phase hands all
 * packets made from the turn's reads to one writev(2), as sshd drains its
 * whole output buffer in one write.
 *
 * Order is kept (everything goes through the same Writable), and the delay
 * is bounded by the turn: no timer, no I/O wait in between. The return value
 * of write() is what Writable says while corked; ssh2 does not read it (its
 * flow control is the SSH window).
 */
import type { Socket } from 'node:net';

export function coalesceWrites(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };

  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
