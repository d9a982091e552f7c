/**
 * The SSH side of cpud, whatever role accepted the socket: the daemon's
 * listeners, a socket from systemd, or inetd's stdin all arrive through
 * `handle()` (ssh2's `injectSocket`). It tracks connections for shutdown.
 */
import type { Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Logger } from '../log/logger.js';
import { coalesceWrites } from './coalesce-writes.js';
import { Connection, type SessionDefaults } from './connection.js';
import type { HostKey } from './host-key.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { PreAuthGate, type Admission } from './pre-auth-gate.js';
import { redactSshDebug } from './ssh-debug.js';

export interface SshServiceOptions {
  hostKey: HostKey;
  keyFile: string;
  logger: Logger;
  session: SessionDefaults;
  /** Called when a connection ends (the one-connection role exits then). */
  onConnectionClosed?: () => void;
  limits?: Limits;
}

export class SshService {
  #server: ssh2.Server;
  #options: SshServiceOptions;
  #connections = new Set<Connection>();
  #count = 0;
  #limits: Limits;
  #gate: PreAuthGate;
  #admissions = new WeakMap<Socket, Admission>();
  /** Connection ids of sockets whose SSH handshake has not begun. */
  #ids = new WeakMap<Socket, string>();

  constructor(options: SshServiceOptions) {
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#gate = new PreAuthGate(this.#limits, options.logger);
    const debug = options.logger.debugEnabled
      ? (line: string) => options.logger.debug(`ssh: ${redactSshDebug(line)}`)
      : undefined;
    this.#server = new ssh2.Server(
      { hostKeys: [options.hostKey.privateKey], ident: 'cpud_0.1', debug },
      (client, info) => this.#accept(client, info),
    );
    this.#server.on('error', (err: Error) => options.logger.debug(`ssh: ${err.message}`));
  }

  get connections(): number {
    return this.#connections.size;
  }

  get sessions(): number {
    let n = 0;
    for (const connection of this.#connections) n += connection.sessions;
    return n;
  }

  handle(socket: Socket): void {
    const id = `c${++this.#count}`;
    const log = this.#options.logger.child(id);
    const peer = `${bare(socket.remoteAddress) || 'unix'}${socket.remotePort ? ` port ${socket.remotePort}` : ''}`;
    socket.on('error', (err) => log.debug(`socket error: ${err.message}`));
    const admission = this.#gate.admit(socket, peer, log);
    if (!admission) return;
    log.info(`connection from ${peer}`);
    this.#ids.set(socket, id);
    this.#admissions.set(socket, admission);
    // A peer that never completes the SSH identification exchange gets no
    // Connection: its end is logged here, so every connection has one.
    socket.once('close', () => {
      if (this.#ids.has(socket)) log.info(`disconnected ${peer} before the SSH handshake`);
    });
    // One writev(2) per event-loop turn instead of one send(2) per packet.
    // That batching is ours, so Nagle's is only a delay: without NODELAY a
    // command's first output waits for the ACK of the exec reply, which the
    // client's delayed ACK holds back ~40 ms (measured: exec to first byte
    // 48 ms with Nagle, 8 ms without).
    coalesceWrites(socket);
    socket.setNoDelay(true);
    this.#server.injectSocket(socket);
  }

  /** Hangs up every session, waits for each to report, then disconnects. */
  async close(): Promise<void> {
    await Promise.all([...this.#connections].map((c) => c.close()));
  }

  destroy(): void {
    for (const connection of this.#connections) connection.destroy();
  }

  #accept(client: ssh2.Connection, info: ssh2.ClientInfo): void {
    // ssh2 keeps the socket it was given; its local end names our address.
    const socket = (client as unknown as { _sock: Socket })._sock;
    const id = this.#ids.get(socket) ?? `c${++this.#count}`;
    this.#ids.delete(socket);
    const connection = new Connection(client, {
      logger: this.#options.logger.child(id),
      keyFile: this.#options.keyFile,
      peer: { address: bare(info.ip) || 'unix', port: info.port ?? 0 },
      local: { address: bare(socket?.localAddress) || 'unix', port: socket?.localPort ?? 0 },
      session: this.#options.session,
      limits: this.#limits,
      onAuthenticated: () => this.#admissions.get(socket)?.authenticated(),
      onClose: () => {
        this.#connections.delete(connection);
        this.#options.onConnectionClosed?.();
      },
    });
    this.#connections.add(connection);
  }
}

function bare(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}
