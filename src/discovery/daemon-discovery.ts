/**
 * What the daemon does to be found once it listens: `-register`, and the
 * DNS-SD advertisement with live TXT facts. The session count is polled
 * (one integer read a second) rather than hooked, so that neither backend
 * needs to know about discovery; a change is announced within a second,
 * which also keeps to RFC 6762's one-multicast-a-second pace (section 6).
 */
import type { AddressInfo, Server } from 'node:net';
import type { DiscoveryFlags } from '../cli/discovery-flags.js';
import type { Logger } from '../log/logger.js';
import { Advertiser } from './advertiser.js';
import { pickMulticastInterface } from './multicast-interface.js';
import { registerWith } from './register.js';
import { SystemStats } from './system-stats.js';
import type { TxtRecord } from './txt-record.js';

const SESSIONS_POLL_MS = 1000;
const REFRESH_MS = 60_000;

export interface DaemonDiscoveryOptions {
  /** The daemon's listeners; the first TCP one is advertised. */
  servers: readonly Server[];
  /** Sessions running now. */
  sessions: () => number;
  log: Logger;
}

export class DaemonDiscovery {
  readonly #flags: DiscoveryFlags;
  readonly #options: DaemonDiscoveryOptions;
  readonly #stats = new SystemStats();
  #advertiser: Advertiser | undefined;
  #timers: NodeJS.Timeout[] = [];
  #tenants = 0;

  private constructor(flags: DiscoveryFlags, options: DaemonDiscoveryOptions) {
    this.#flags = flags;
    this.#options = options;
  }

  /** Starts registration and advertisement in the background; never throws. */
  static start(flags: DiscoveryFlags, options: DaemonDiscoveryOptions): DaemonDiscovery {
    const discovery = new DaemonDiscovery(flags, options);
    if (flags.register) {
      void registerWith(flags.register, { timeoutMs: flags.registerTimeoutMs, log: options.log });
    }
    if (flags.enabled) discovery.#advertise();
    return discovery;
  }

  /** Withdraws the advertisement with goodbye packets. Idempotent. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#advertiser?.close();
  }

  destroy(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#advertiser?.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #advertise(): void {
    const { log } = this.#options;
    const listening = this.#options.servers
      .map((s) => s.address())
      .find((a): a is AddressInfo => typeof a === 'object' && a !== null);
    if (!listening) {
      log.debug('DNS-SD: not advertised: no TCP listener');
      return;
    }
    const pick = pickMulticastInterface({
      name: this.#flags.interface,
      listenAddress: listening.address,
    });
    if ('reason' in pick) {
      const loopbackOnly = /loopback only/.test(pick.reason);
      (loopbackOnly ? log.info : log.warn).call(log, `DNS-SD: not advertised: ${pick.reason}`);
      return;
    }

    this.#tenants = this.#options.sessions();
    this.#advertiser = new Advertiser({
      identity: {
        instance: this.#flags.instance,
        service: this.#flags.service,
        domain: this.#flags.domain,
        port: listening.port,
        address: pick.address,
      },
      txt: this.#txt(),
      log,
    });
    log.info(
      `DNS-SD: advertising ${this.#advertiser.name} on ${pick.name} (${pick.address}) ` +
        `port ${listening.port}`,
    );
    const poll = setInterval(() => {
      const now = this.#options.sessions();
      if (now !== this.#tenants) this.#refresh(now);
    }, SESSIONS_POLL_MS);
    const refresh = setInterval(() => this.#refresh(this.#options.sessions()), REFRESH_MS);
    for (const timer of [poll, refresh]) timer.unref();
    this.#timers.push(poll, refresh);
  }

  #refresh(tenants: number): void {
    this.#tenants = tenants;
    const txt = this.#txt();
    this.#options.log.debug(`DNS-SD: TXT now ${JSON.stringify(txt)}`);
    this.#advertiser?.update(txt);
  }

  #txt(): TxtRecord {
    // -dsTxt may restate the fixed facts (arch, cores); the measured ones always win.
    return {
      ...SystemStats.fixed(),
      ...this.#flags.txt,
      ...this.#stats.sample(),
      tenants: String(this.#tenants),
    };
  }
}
