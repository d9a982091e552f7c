/**
 * One SSH connection: public-key authentication against the key file (read
 * again at each login), then its sessions and forwards. The same code serves
 * the daemon, socket activation and inetd (`injectSocket`).
 */
import type ssh2 from 'ssh2';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Session, type SessionOptions } from '../session/session.js';
import { findAuthorizedKey, readAuthorizedKeys } from './authorized-keys.js';
import { openDirectTcpip } from './direct-tcpip.js';
import { fingerprint } from './fingerprint.js';
import { RemoteForwards } from './remote-forwards.js';

export type SessionDefaults = Omit<SessionOptions, 'logger' | 'connection' | 'user'>;

export interface ConnectionOptions {
  logger: Logger;
  keyFile: string;
  peer: { address: string; port: number };
  local: { address: string; port: number };
  session: SessionDefaults;
  onClose: () => void;
}

export class Connection {
  #client: ssh2.Connection;
  #options: ConnectionOptions;
  #log: Logger;
  #forwards: RemoteForwards;
  #sessions = new Set<Session>();
  #user = '';
  #closed = false;
  #sessionCount = 0;

  constructor(client: ssh2.Connection, options: ConnectionOptions) {
    this.#client = client;
    this.#options = options;
    this.#log = options.logger;
    this.#forwards = new RemoteForwards(client, this.#log);
    const { peer } = options;
    this.#log.info(`connection from ${peer.address} port ${peer.port}`);

    client.on('authentication', (ctx) => this.#authenticate(ctx));
    client.on('ready', () => this.#ready());
    client.on('error', (err) => this.#log.debug(`connection error: ${err.message}`));
    client.on('close', () => this.#onClose());
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  /** Graceful: hang up every command, let each report, then disconnect. */
  async close(): Promise<void> {
    const sessions = [...this.#sessions];
    for (const session of sessions) session.close();
    await Promise.all(sessions.map((s) => s.ended));
    this.#client.end();
  }

  destroy(): void {
    for (const session of this.#sessions) session.close();
    this.#forwards.closeAll();
    this.#client.end();
  }

  #authenticate(ctx: ssh2.AuthContext): void {
    if (ctx.method !== 'publickey') {
      ctx.reject(['publickey']);
      return;
    }
    const { address } = this.#options.peer;
    const print = `${ctx.key.algo} ${fingerprint(ctx.key.data)}`;
    let key: ssh2.ParsedKey | undefined;
    try {
      key = findAuthorizedKey(readAuthorizedKeys(this.#options.keyFile).keys, ctx.key.data);
    } catch (err) {
      this.#log.error(`login refused for "${ctx.username}" from ${address}: ${messageOf(err)}`);
      ctx.reject(['publickey']);
      return;
    }
    if (!key) {
      this.#log.info(`login refused for "${ctx.username}" from ${address}: key ${print} is not authorized`);
      ctx.reject(['publickey']);
      return;
    }
    // Without a signature the client only asks whether this key would do.
    if (!ctx.signature) {
      ctx.accept();
      return;
    }
    if (key.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) !== true) {
      this.#log.info(`login refused for "${ctx.username}" from ${address}: bad signature for key ${print}`);
      ctx.reject(['publickey']);
      return;
    }
    this.#user = ctx.username;
    this.#log.info(`login accepted for "${ctx.username}" from ${address}: key ${print}`);
    ctx.accept();
  }

  #ready(): void {
    const client = this.#client;
    client.on('session', (accept) => this.#openSession(accept()));
    client.on('tcpip', (accept, reject, info) => openDirectTcpip(accept, reject, info, this.#log));
    client.on('request', (accept, reject, name, info) => {
      if (name === 'tcpip-forward') this.#forwards.add(accept, reject, info as ssh2.TcpipBindInfo);
      else if (name === 'cancel-tcpip-forward') this.#forwards.cancel(accept, reject, info as ssh2.TcpipBindInfo);
      else reject?.();
    });
  }

  #openSession(channel: ssh2.Session): void {
    const { peer, local } = this.#options;
    const id = `s${++this.#sessionCount}`;
    const session = new Session(channel, {
      ...this.#options.session,
      logger: this.#log.child(id),
      connection: `${peer.address} ${peer.port} ${local.address} ${local.port}`,
      user: this.#user,
    });
    this.#sessions.add(session);
    session.ended.then(() => this.#sessions.delete(session));
    if (this.#closed) session.close();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#forwards.closeAll();
    for (const session of this.#sessions) session.close();
    this.#log.info(`disconnected ${this.#options.peer.address} port ${this.#options.peer.port}`);
    this.#options.onClose();
  }
}
