/**
 * `tcpip-forward` (RFC 4254 7.1): the client asks the daemon to listen, and
 * each connection to that listener becomes a `forwarded-tcpip` channel back
 * to the client. cpu uses it for the 9P port. Listeners bind loopback only,
 * belong to the connection that asked, and die with it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type ssh2 from 'ssh2';
import type { Logger } from '../log/logger.js';
import { isLoopback, loopbackBindAddress } from './loopback.js';
import { splice } from './splice.js';

interface Listener {
  server: Server;
  sockets: Set<Socket>;
}

export class RemoteForwards {
  #client: ssh2.Connection;
  #log: Logger;
  #max: number;
  #anyHost: boolean;
  #listeners = new Map<string, Listener>();
  #pending = 0;
  #closed = false;

  constructor(client: ssh2.Connection, options: { log: Logger; max: number; anyHost: boolean }) {
    this.#client = client;
    this.#log = options.log;
    this.#max = options.max;
    this.#anyHost = options.anyHost;
  }

  /** `tcpip-forward`: answers with the bound port (useful when 0 was asked). */
  add(accept: ((port?: number) => void) | undefined, reject: (() => void) | undefined, info: ssh2.TcpipBindInfo): void {
    const { bindAddr, bindPort } = info;
    if (this.#closed || (!this.#anyHost && !isLoopback(bindAddr))) {
      this.#log.info(`tcpip-forward refused for "${bindAddr}:${bindPort}": only loopback addresses may be bound`);
      reject?.();
      return;
    }
    if (this.#listeners.size + this.#pending >= this.#max) {
      this.#log.info(`tcpip-forward refused for "${bindAddr}:${bindPort}": ${this.#max} forwards already`);
      reject?.();
      return;
    }

    this.#pending++;
    const listener: Listener = { server: createServer({ allowHalfOpen: true }), sockets: new Set() };
    listener.server.on('connection', (socket) => this.#forward(listener, socket, bindAddr));
    listener.server.once('error', (err) => {
      this.#pending--;
      this.#log.info(`tcpip-forward "${bindAddr}:${bindPort}" failed: ${err.message}`);
      reject?.();
    });
    listener.server.listen({ host: bindHost(bindAddr), port: bindPort }, () => {
      this.#pending--;
      const port = (listener.server.address() as { port: number }).port;
      if (this.#closed) {
        listener.server.close();
        return;
      }
      this.#listeners.set(key(bindAddr, bindPort === 0 ? port : bindPort), listener);
      this.#log.debug(`tcpip-forward listening on ${bindAddr}:${port}`);
      accept?.(port);
    });
  }

  /** `cancel-tcpip-forward`. */
  cancel(accept: (() => void) | undefined, reject: (() => void) | undefined, info: ssh2.TcpipBindInfo): void {
    const id = key(info.bindAddr, info.bindPort);
    const listener = this.#listeners.get(id);
    if (!listener) {
      reject?.();
      return;
    }
    this.#listeners.delete(id);
    closeListener(listener);
    accept?.();
  }

  closeAll(): void {
    this.#closed = true;
    for (const listener of this.#listeners.values()) closeListener(listener);
    this.#listeners.clear();
  }

  #forward(listener: Listener, socket: Socket, bindAddr: string): void {
    listener.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => listener.sockets.delete(socket));
    const boundPort = (listener.server.address() as { port: number }).port;
    const remoteAddr = socket.remoteAddress ?? '127.0.0.1';
    const remotePort = socket.remotePort ?? 0;
    this.#client.forwardOut(bindAddr, boundPort, remoteAddr, remotePort, (err, channel) => {
      if (err) {
        this.#log.debug(`forwarded-tcpip to the client failed: ${err.message}`);
        socket.destroy();
        return;
      }
      splice(socket, channel);
    });
  }
}

// RFC 4254 7.1: "" means every address; "localhost" binds IPv4 loopback here.
function bindHost(address: string): string {
  return address === '' ? '::' : loopbackBindAddress(address);
}

function key(address: string, port: number): string {
  return `${address}\0${port}`;
}

function closeListener(listener: Listener): void {
  listener.server.close();
  for (const socket of listener.sockets) socket.destroy();
}
