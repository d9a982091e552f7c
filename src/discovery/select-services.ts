/**
 * Which advertised servers a `dnssd:` query accepts, and in which order:
 * pure functions over what browsing found, so that the rules are tested as
 * case tables. Within one key, plain values are alternatives (u-root's
 * client: `arch=amd64&arch=arm64` takes either) and every `<N`, `>N`, `!v`
 * must hold as well.
 */
import type { Condition, DnssdQuery, SortKey } from './dnssd-query.js';

export interface FoundService {
  /** The instance name, such as `box-cpud`. */
  instance: string;
  /** Where to dial: an address of the server. */
  address: string;
  port: number;
  /** TXT keys in lower case (RFC 6763 section 6.4), values as sent. */
  txt: Record<string, string>;
}

export function matchesQuery(service: FoundService, query: DnssdQuery): boolean {
  if (query.instance !== undefined && service.instance !== query.instance) return false;
  for (const [key, conditions] of query.conditions) {
    if (!meetsAll(service.txt[key], conditions)) return false;
  }
  return true;
}

/** The services the query accepts, best first; ties keep instance-name order. */
export function selectServices(
  services: readonly FoundService[],
  query: DnssdQuery,
): FoundService[] {
  const kept = services.filter((s) => matchesQuery(s, query));
  return kept.sort(
    (a, b) => compareBy(a, b, query.sort) || a.instance.localeCompare(b.instance),
  );
}

function meetsAll(value: string | undefined, conditions: readonly Condition[]): boolean {
  const alternatives = conditions.filter((c) => c.op === 'eq');
  if (alternatives.length && !alternatives.some((c) => c.value === value)) return false;
  return conditions.every((c) => meets(value, c));
}

function meets(value: string | undefined, condition: Condition): boolean {
  switch (condition.op) {
    case 'any':
    case 'eq':
      return true;
    case 'ne':
      // A server without the key does not have the refused value.
      return value !== condition.value;
    case 'lt':
    case 'gt': {
      const n = numberOf(value);
      if (n === undefined) return false;
      return condition.op === 'lt' ? n < condition.value : n > condition.value;
    }
  }
}

function compareBy(a: FoundService, b: FoundService, keys: readonly SortKey[]): number {
  for (const { key, descending } of keys) {
    const order = compareValues(a.txt[key], b.txt[key]);
    if (order === 0) continue;
    // A server without the key comes last either way: it told us nothing.
    if (a.txt[key] === undefined || b.txt[key] === undefined) return order;
    return descending ? -order : order;
  }
  return 0;
}

function compareValues(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x - y;
  return a < b ? -1 : 1;
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
