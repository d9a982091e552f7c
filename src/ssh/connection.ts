/**
 * One SSH connection: public-key authentication against the key file (read
 * again at each login), then its sessions and forwards. The same code serves
 * the daemon, socket activation and inetd (`injectSocket`).
 */
import { userInfo } from 'node:os';
import type ssh2 from 'ssh2';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { Session, type SessionOptions } from '../session/session.js';
import { findAuthorizedKey, optionsRefusal, readAuthorizedKeys, type AuthorizedKeys } from './authorized-keys.js';
import { openDirectTcpip } from './direct-tcpip.js';
import { fingerprint } from './fingerprint.js';
import type { Limits } from './limits.js';
import { RemoteForwards } from './remote-forwards.js';
import { keepRequestsAfterEof } from './requests-after-eof.js';

const RUNS_AS = userInfo().username;

export type SessionDefaults = Omit<SessionOptions, 'logger' | 'connection' | 'user' | 'limits'>;

export interface ConnectionOptions {
  logger: Logger;
  keyFile: string;
  peer: { address: string; port: number };
  local: { address: string; port: number };
  session: SessionDefaults;
  limits: Limits;
  onAuthenticated: () => void;
  onClose: () => void;
}

export class Connection {
  #client: ssh2.Connection;
  #options: ConnectionOptions;
  #log: Logger;
  #forwards: RemoteForwards;
  #sessions = new Set<Session>();
  /** Session channels not yet closed: what MaxSessions counts (sshd counts channels too). */
  #openChannels = 0;
  #user = '';
  #failed = false;
  #closed = false;
  #sessionCount = 0;
  #failures = 0;

  constructor(client: ssh2.Connection, options: ConnectionOptions) {
    this.#client = client;
    this.#options = options;
    this.#log = options.logger;
    this.#forwards = new RemoteForwards(client, {
      log: this.#log,
      max: options.limits.maxForwards,
      anyHost: options.limits.forwardAnyHost,
    });
    client.on('authentication', (ctx) => this.#authenticate(ctx));
    client.on('ready', () => this.#ready());
    // ssh2 may go on reporting what it had already read after the first
    // error (one line per 64 KB of a too-large packet): the first says why.
    client.on('error', (err) => {
      if (this.#failed) this.#log.debug(`connection error: ${err.message}`);
      else this.#log.info(`connection error: ${explainConnectionError(err.message)}`);
      this.#failed = true;
    });
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
      // "none" is how every client asks which methods exist: not a failure.
      if (ctx.method === 'none') ctx.reject(['publickey']);
      else this.#refuse(ctx, `method ${ctx.method} is not offered`);
      return;
    }
    const print = `${ctx.key.algo} ${fingerprint(ctx.key.data)}`;
    let key: ssh2.ParsedKey | undefined;
    let withOptions: AuthorizedKeys['withOptions'];
    try {
      const authorized = readAuthorizedKeys(this.#options.keyFile);
      key = findAuthorizedKey(authorized.keys, ctx.key.data);
      withOptions = authorized.withOptions;
    } catch (err) {
      this.#refuse(ctx, messageOf(err), 'error');
      return;
    }
    if (!key) {
      const optioned = withOptions.filter((k) => findAuthorizedKey([k.key], ctx.key.data));
      const why = optioned.length ? `: ${optionsRefusal(optioned)}` : '';
      this.#refuse(ctx, `key ${print} is not authorized${why}`);
      return;
    }
    // Without a signature the client only asks whether this key would do.
    if (!ctx.signature) {
      ctx.accept();
      return;
    }
    if (key.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) !== true) {
      this.#refuse(ctx, `bad signature for key ${print}`);
      return;
    }
    this.#user = ctx.username;
    // Commands run as cpud's own user whatever name the client gives.
    const runsAs = ctx.username === RUNS_AS ? '' : `; commands run as "${RUNS_AS}", cpud's user`;
    this.#log.info(`login accepted for "${ctx.username}" from ${this.#options.peer.address}: key ${print}${runsAs}`);
    this.#options.onAuthenticated();
    ctx.accept();
  }

  // Failures are answered after a pause and counted; past MaxAuthTries the
  // connection is closed, as sshd closes it.
  #refuse(ctx: ssh2.AuthContext, why: string, level: 'info' | 'error' = 'info'): void {
    const { address } = this.#options.peer;
    this.#log[level](`login refused for "${ctx.username}" from ${address}: ${why}`);
    const { maxAuthTries, failureDelayMs } = this.#options.limits;
    const tooMany = ++this.#failures >= maxAuthTries;
    const delay = failureDelayMs * (0.5 + Math.random());
    setTimeout(() => {
      if (this.#closed) return;
      if (!tooMany) {
        ctx.reject(['publickey']);
        return;
      }
      this.#log.info(`connection from ${address} closed: ${this.#failures} failed login attempts`);
      this.#client.end();
    }, delay);
  }

  #ready(): void {
    const client = this.#client;
    client.on('session', (accept, reject) => {
      if (this.#openChannels >= this.#options.limits.maxSessions) {
        this.#log.info(`session refused: ${this.#openChannels} sessions open, the most one connection may have`);
        reject();
        return;
      }
      this.#openSession(accept());
    });
    const anyHost = this.#options.limits.forwardAnyHost;
    client.on('tcpip', (accept, reject, info) => openDirectTcpip(accept, reject, info, { log: this.#log, anyHost }));
    client.on('request', (accept, reject, name, info) => {
      if (name === 'tcpip-forward') this.#forwards.add(accept, reject, info as ssh2.TcpipBindInfo);
      else if (name === 'cancel-tcpip-forward') this.#forwards.cancel(accept, reject, info as ssh2.TcpipBindInfo);
      else reject?.();
    });
  }

  #openSession(channel: ssh2.Session): void {
    // Counted down in the parser's own turn: a client may close one channel
    // and open the next in a single read.
    this.#openChannels++;
    channel.once('close', () => this.#openChannels--);
    keepRequestsAfterEof(channel);
    const { peer, local } = this.#options;
    const id = `s${++this.#sessionCount}`;
    const session = new Session(channel, {
      ...this.#options.session,
      logger: this.#log.child(id),
      connection: `${peer.address} ${peer.port} ${local.address} ${local.port}`,
      user: this.#user,
      limits: this.#options.limits,
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

// ssh2 ends a connection whose peer sends a packet over 35,000 bytes (RFC
// 4253's minimum), which people meet as one long env value or command line.
// It says "Bad packet length" for a length it cannot read as well, and
// gives the number only sometimes.
const MAX_PACKET = 35_000;

function explainConnectionError(message: string): string {
  const match = /^Bad packet length(?:: (\d+))?$/.exec(message);
  if (!match) return message;
  const length = match[1] === undefined ? undefined : Number(match[1]);
  if (length !== undefined && length <= MAX_PACKET) return message;
  const size = length === undefined ? 'a packet too large or malformed' : 'a packet over 35,000 bytes';
  return `${message} (${size}; ssh2 takes none over 35,000 bytes: an env value or command line over ~34 KB?)`;
}
