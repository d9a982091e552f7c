/**
 * A multicast DNS responder for one DNS-SD service (RFC 6762, RFC 6763):
 * answers questions about it, announces it, re-announces when its TXT
 * changes, and says goodbye (TTL 0, section 10.1) when closed. It never
 * throws at its owner: every network failure is one warning, then debug.
 */
import type { RemoteInfo } from 'node:dgram';
import type { Answer } from 'dns-packet';
import makeMdns from 'multicast-dns';
import type { Logger } from '../log/logger.js';
import { messageOf } from '../errors.js';
import {
  allRecords,
  answerQuestion,
  serviceRecords,
  type ServiceIdentity,
  type ServiceRecords,
} from './mdns-records.js';
import type { TxtRecord } from './txt-record.js';

const MDNS_PORT = 5353;
// RFC 6762 section 8.3: at least two announcements, one second apart.
const ANNOUNCE_GAP_MS = 1000;
// Section 6.7: answers to legacy unicast queries carry TTLs of at most 10 s.
const LEGACY_TTL = 10;

export interface AdvertiserOptions {
  identity: ServiceIdentity;
  txt: TxtRecord;
  log: Logger;
  /** UDP port; tests only (multicast DNS is 5353). */
  port?: number;
}

export class Advertiser {
  readonly #identity: ServiceIdentity;
  readonly #log: Logger;
  readonly #mdns: makeMdns.MulticastDNS;
  #records: ServiceRecords;
  #warned = false;
  #closed: Promise<void> | undefined;
  #repeat: NodeJS.Timeout | undefined;

  constructor(options: AdvertiserOptions) {
    this.#identity = options.identity;
    this.#log = options.log;
    this.#records = serviceRecords(options.identity, options.txt);
    this.#mdns = makeMdns({
      port: options.port ?? MDNS_PORT,
      // Bound to the wildcard: a socket bound to a unicast address gets no multicast.
      bind: '0.0.0.0',
      interface: options.identity.address,
      reuseAddr: true,
      loopback: true,
    });
    this.#mdns.on('error', (err: Error) => this.#warn(err));
    this.#mdns.on('warning', (err: Error) => this.#warn(err));
    this.#mdns.on('query', (query, rinfo) => this.#answer(query, rinfo));
    this.#mdns.on('ready', () => this.#announce());
  }

  /** The service's full name, such as `box-cpud._ncpu._tcp.local`. */
  get name(): string {
    return this.#records.srv.name;
  }

  /** New TXT facts: replace the record in every cache (RFC 6762 section 8.4). */
  update(txt: TxtRecord): void {
    if (this.#closed) return;
    this.#records = serviceRecords(this.#identity, txt);
    this.#announce();
  }

  /** Goodbye packets for every record, then the socket is closed. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      clearTimeout(this.#repeat);
      const goodbye = allRecords(this.#records).map((r) => ({ ...r, ttl: 0 }));
      this.#mdns.respond({ answers: goodbye }, (err) => {
        if (err) this.#warn(err);
        else this.#log.debug(`DNS-SD: goodbye sent for ${this.name}`);
        this.#mdns.destroy(() => resolve());
      });
    });
    return this.#closed;
  }

  /** Closes the socket without a goodbye: caches keep the service until its TTLs run out. */
  destroy(): void {
    clearTimeout(this.#repeat);
    this.#closed ??= new Promise<void>((resolve) => this.#mdns.destroy(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #announce(): void {
    clearTimeout(this.#repeat);
    const send = (again: boolean): void => {
      if (this.#closed) return;
      this.#mdns.respond({ answers: allRecords(this.#records) }, (err) => {
        if (err) this.#warn(err);
      });
      if (again) {
        this.#repeat = setTimeout(() => send(false), ANNOUNCE_GAP_MS);
        this.#repeat.unref();
      }
    };
    send(true);
  }

  #answer(query: makeMdns.QueryPacket, rinfo: RemoteInfo): void {
    if (this.#closed) return;
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    for (const question of query.questions) {
      const found = answerQuestion(this.#records, question);
      answers.push(...found.answers);
      additionals.push(...found.additionals);
    }
    if (!answers.length) return;

    const send = (err: Error | null): void => {
      if (err) this.#warn(err);
    };
    if (rinfo.port === MDNS_PORT) {
      const extra = additionals.filter((a) => !answers.includes(a));
      this.#mdns.respond({ answers, additionals: extra }, send);
      return;
    }
    // A legacy resolver (dig, nslookup) asked from its own port: it wants an
    // ordinary DNS answer, unicast, with its id and question (RFC 6762 section 6.7).
    const legacy = (r: Answer): Answer => {
      const ttl = Math.min((r as { ttl?: number }).ttl ?? LEGACY_TTL, LEGACY_TTL);
      return { ...r, ttl, flush: false } as Answer;
    };
    this.#mdns.respond(
      {
        id: query.id,
        questions: query.questions,
        answers: answers.map(legacy),
        additionals: additionals.filter((a) => !answers.includes(a)).map(legacy),
      },
      { port: rinfo.port, address: rinfo.address },
      send,
    );
  }

  #warn(err: Error): void {
    const line = `DNS-SD: advertising on ${this.#identity.address} failed: ${messageOf(err)}`;
    if (this.#warned) {
      this.#log.debug(line);
      return;
    }
    this.#warned = true;
    this.#log.warn(`${line}; cpud goes on serving without it`);
  }
}
