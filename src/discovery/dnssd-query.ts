/**
 * The `dnssd:` host of the cpu client, as u-root's client spells it:
 * `dnssd://[domain]/[_service._proto][/instance]?key=value&...&sort=k1,k2`.
 * Domain defaults to `local`, service to `_ncpu._tcp`. Every other query key
 * is a condition on the TXT record of the same (case-insensitive) key
 * (RFC 6763 section 6.4): `v` must equal, `<N` and `>N` compare as numbers,
 * `!v` must differ, `*` takes anything. Like u-root's client, `arch` and
 * `os` default to this machine's own: the command runs against this
 * machine's /bin and /lib, bound over 9P.
 */
import { CpudError } from '../errors.js';
import { parseGoDuration } from '../cli/go-duration.js';
import { goArch, goOs } from './go-names.js';

export type Condition =
  | { op: 'eq'; value: string }
  | { op: 'ne'; value: string }
  | { op: 'lt' | 'gt'; value: number }
  | { op: 'any' };

export interface SortKey {
  key: string;
  descending: boolean;
}

export interface DnssdQuery {
  domain: string;
  service: string;
  instance?: string;
  /** TXT key (lower case) to the conditions its value must meet. */
  conditions: Map<string, Condition[]>;
  sort: SortKey[];
  /** From `timeout=` (a Go duration), if given. */
  timeoutMs?: number;
}

export const DEFAULT_DOMAIN = 'local';
export const DEFAULT_SERVICE = '_ncpu._tcp';

/** True for the host words the client resolves through DNS-SD. */
export function isDnssdHost(host: string): boolean {
  return /^dnssd:/i.test(host);
}

/** Parses a `dnssd:` URI; throws CPUD_ERR_MDNS_QUERY naming the bad part. */
export function parseDnssdQuery(uri: string): DnssdQuery {
  let url: URL;
  try {
    url = new URL(uri);
  } catch (err) {
    throw queryError(`"${uri}" is not a dnssd: URI`, err);
  }
  if (url.protocol.toLowerCase() !== 'dnssd:') throw queryError(`"${uri}" is not a dnssd: URI`);

  const [service, instance, ...extra] = url.pathname.split('/').filter(Boolean);
  if (extra.length) throw queryError(`"${uri}": the path is /_service._proto/instance at most`);
  if (service !== undefined && !isServiceType(service)) {
    throw queryError(`"${uri}": "${service}" is not a service type such as _ncpu._tcp`);
  }
  const query: DnssdQuery = {
    domain: url.hostname.toLowerCase() || DEFAULT_DOMAIN,
    service: service ?? DEFAULT_SERVICE,
    instance: instance === undefined ? undefined : decodeURIComponent(instance),
    conditions: new Map(),
    sort: [],
  };

  for (const [rawKey, value] of url.searchParams) {
    const key = rawKey.toLowerCase();
    if (key === 'sort') query.sort.push(...parseSort(value, uri));
    else if (key === 'timeout') query.timeoutMs = parseTimeout(value, uri);
    else if (!key) throw queryError(`"${uri}": a condition has no key`);
    else query.conditions.set(key, [...(query.conditions.get(key) ?? []), condition(value, uri)]);
  }
  if (!query.conditions.has('arch')) query.conditions.set('arch', [{ op: 'eq', value: goArch() }]);
  if (!query.conditions.has('os')) query.conditions.set('os', [{ op: 'eq', value: goOs() }]);
  return query;
}

export function isServiceType(text: string): boolean {
  // RFC 6763 section 7: an underscore, up to 15 letters, digits and hyphens, then _tcp or _udp.
  return /^_[A-Za-z0-9-]{1,15}\._(tcp|udp)$/.test(text);
}

function condition(value: string, uri: string): Condition {
  if (value === '*') return { op: 'any' };
  if (value.startsWith('!')) return { op: 'ne', value: value.slice(1) };
  if (value.startsWith('<') || value.startsWith('>')) {
    const n = Number(value.slice(1));
    if (value.length < 2 || !Number.isFinite(n)) {
      throw queryError(`"${uri}": "${value}" compares with something that is not a number`);
    }
    return { op: value[0] === '<' ? 'lt' : 'gt', value: n };
  }
  return { op: 'eq', value };
}

function parseSort(value: string, uri: string): SortKey[] {
  return value.split(',').map((word) => {
    const descending = word.startsWith('-');
    const key = (descending ? word.slice(1) : word).trim().toLowerCase();
    if (!key) throw queryError(`"${uri}": "sort=${value}" names an empty key`);
    return { key, descending };
  });
}

function parseTimeout(value: string, uri: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined || ms <= 0) {
    throw queryError(`"${uri}": "timeout=${value}" is not a duration such as 3s`);
  }
  return ms;
}

function queryError(message: string, cause?: unknown): CpudError {
  return new CpudError('CPUD_ERR_MDNS_QUERY', message, { cause });
}
