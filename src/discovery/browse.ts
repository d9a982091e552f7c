/**
 * Browsing for cpud servers with bonjour-service's DNS-SD browser, on a
 * multicast DNS socket of our own (so that the interface is ours to pick
 * and socket errors come to us). Browsing waits until a matching server
 * has been seen and nothing new arrived for a short while, or until the
 * timeout; the query is asked again in case a datagram was lost.
 */
import Bonjour from 'bonjour-service';
import makeMdns from 'multicast-dns';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { DnssdQuery } from './dnssd-query.js';
import { pickMulticastInterface } from './multicast-interface.js';
import { selectServices, type FoundService } from './select-services.js';
import { decodeTxt } from './txt-record.js';

export const DEFAULT_BROWSE_MS = 3000;
const SETTLE_MS = 500;
const REQUERY_MS = [700, 1700];

export interface BrowseOptions {
  timeoutMs?: number;
  log: Logger;
}

export interface BrowseResult {
  /** Servers the query accepts, best first. */
  matches: FoundService[];
  /** Every server of the service type that answered. */
  seen: number;
  timeoutMs: number;
}

export async function browseServices(
  query: DnssdQuery,
  options: BrowseOptions,
): Promise<BrowseResult> {
  const timeoutMs = query.timeoutMs ?? options.timeoutMs ?? DEFAULT_BROWSE_MS;
  if (query.domain !== 'local') {
    // bonjour-service's browser asks in .local only, as multicast DNS is meant to.
    throw new CpudError(
      'CPUD_ERR_MDNS_QUERY',
      `dnssd: domain "${query.domain}" cannot be browsed: multicast DNS browses "local" only`,
    );
  }
  const pick = pickMulticastInterface({});
  if ('reason' in pick) {
    throw new CpudError('CPUD_ERR_MDNS_BROWSE', `dnssd: cannot browse: ${pick.reason}`);
  }
  const [, name, protocol] = /^_(.+)\._(tcp|udp)$/.exec(query.service) ?? [];

  options.log.debug(`dnssd: browsing ${query.service}.local on ${pick.name} (${pick.address})`);
  const mdns = makeMdns({ bind: '0.0.0.0', interface: pick.address, reuseAddr: true });
  let failure: Error | undefined;
  mdns.on('error', (err: Error) => (failure ??= err));
  mdns.on('warning', (err: Error) => options.log.debug(`dnssd: ${messageOf(err)}`));
  const browser = new Bonjour.Browser(mdns, { type: name, protocol: protocol as 'tcp' | 'udp' });
  const timers: NodeJS.Timeout[] = REQUERY_MS.map((ms) => setTimeout(() => browser.update(), ms));

  try {
    const all = await new Promise<FoundService[]>((resolve) => {
      const started = Date.now();
      let lastNew = started;
      const found = (): FoundService[] => browser.services.map(toFound);
      const onChange = (): void => {
        lastNew = Date.now();
      };
      browser.on('up', onChange);
      browser.on('txt-update', onChange);
      const tick = setInterval(() => {
        const now = Date.now();
        const settled = now - lastNew >= SETTLE_MS && selectServices(found(), query).length > 0;
        if (settled || now - started >= timeoutMs || failure) {
          clearInterval(tick);
          resolve(found());
        }
      }, 50);
      timers.push(tick);
    });
    if (failure) {
      throw new CpudError('CPUD_ERR_MDNS_BROWSE', `dnssd: cannot browse: ${messageOf(failure)}`, {
        cause: failure,
      });
    }
    return { matches: selectServices(all, query), seen: all.length, timeoutMs };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    browser.stop();
    await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }
}

function toFound(service: Bonjour.Service): FoundService {
  const raw = (service as { rawTxt?: Buffer[] }).rawTxt ?? [];
  const from = service.referer?.address;
  const ipv4 = (service.addresses ?? []).filter((a) => !a.includes(':'));
  // The answer's source address is on our link; the A record may list others.
  const address = from && (ipv4.includes(from) || !ipv4.length) ? from : (ipv4[0] ?? from ?? '');
  return { instance: service.name, address, port: service.port, txt: decodeTxt(raw) };
}
