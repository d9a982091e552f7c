/**
 * Serves the local tree to the remote command (PROTOCOL.md, client steps 2
 * and 3): a `tcpip-forward` on the daemon's loopback, port 0, whose
 * `forwarded-tcpip` channels each carry one 9P connection once they have
 * shown the session's nonce. IPv4 first, then ::1, as u-root's client does:
 * the daemon's host may lack either.
 */
import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { serveNinep, type NinepConnection } from '../ninep/serve.js';
import { nonceMatches, readNonce } from './nonce.js';

export interface NinepExportOptions {
  root: string;
  nonce: string;
  nonceTimeoutMs: number;
  log: Logger;
  /** -dbg9p: one line per 9P message. */
  trace: boolean;
}

const BIND_ADDRESSES = ['127.0.0.1', '::1'];

export class NinepExport {
  #client: ssh2.Client;
  #options: NinepExportOptions;
  #connections = new Set<NinepConnection>();
  #channels = new Set<Duplex>();
  #closed = false;
  #count = 0;

  private constructor(client: ssh2.Client, options: NinepExportOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Asks for the forward and resolves with it; `port` is what `-port9p=` names. */
  static async start(
    client: ssh2.Client,
    options: NinepExportOptions,
  ): Promise<{ port: number; exporter: NinepExport }> {
    const exporter = new NinepExport(client, options);
    client.on('tcp connection', (info, accept, reject) =>
      exporter.#onConnection(info, accept, reject),
    );

    let lastError: unknown;
    for (const address of BIND_ADDRESSES) {
      try {
        const port = await forwardIn(client, address);
        options.log.debug(`9P: the host forwards ${address} port ${port} to us`);
        return { port, exporter };
      } catch (err) {
        lastError = err;
        options.log.debug(`9P: tcpip-forward on ${address} refused: ${messageOf(err)}`);
      }
    }
    throw new CpudError(
      'CPUD_ERR_SSH_FORWARD',
      `the host refused to forward a loopback port for 9P: ${messageOf(lastError)} ` +
        '(run with -9p=false to do without the local files)',
      { cause: lastError },
    );
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#connections) connection.close();
    for (const channel of this.#channels) channel.destroy();
  }

  #onConnection(
    info: ssh2.TcpConnectionDetails,
    accept: () => ssh2.ClientChannel,
    reject: () => void,
  ): void {
    if (this.#closed) {
      reject();
      return;
    }
    const id = `9p${++this.#count}`;
    const log = this.#options.log.child(id);
    const channel = accept();
    this.#channels.add(channel);
    channel.on('error', (err: Error) => log.debug(`channel error: ${err.message}`));
    channel.on('close', () => this.#channels.delete(channel));
    log.debug(`forwarded connection from ${info.srcIP} port ${info.srcPort}`);
    this.#admit(channel, log).catch((err) => {
      log.debug(`cannot serve: ${messageOf(err)}`);
      channel.destroy();
    });
  }

  async #admit(channel: ssh2.ClientChannel, log: Logger): Promise<void> {
    const received = await readNonce(channel, this.#options.nonceTimeoutMs);
    if (!received || !nonceMatches(this.#options.nonce, received)) {
      // Never log the nonce or what was sent instead: only that it failed.
      log.debug(`closed: ${received ? 'wrong nonce' : 'no nonce in time'}`);
      channel.destroy();
      return;
    }
    if (this.#closed) {
      channel.destroy();
      return;
    }

    log.debug('nonce accepted, serving 9P');
    const trace = this.#options.trace ? (line: string) => log.info(line) : undefined;
    const connection = serveNinep(channel, { root: this.#options.root, trace });
    this.#connections.add(connection);
    channel.resume();
    await connection.closed;
    this.#connections.delete(connection);
    log.debug('9P connection closed');
  }
}

function forwardIn(client: ssh2.Client, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.forwardIn(address, 0, (err, port) => (err ? reject(err) : resolve(port)));
  });
}
