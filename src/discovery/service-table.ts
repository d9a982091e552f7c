/**
 * `cpu -list dnssd:...`: the matching servers as a table, best first,
 * with the TXT facts people pick by in their own columns and any other
 * pairs (from -dsTxt) at the end.
 */
import type { FoundService } from './select-services.js';

const COLUMNS: ReadonlyArray<[heading: string, key: string]> = [
  ['ARCH', 'arch'],
  ['OS', 'os'],
  ['CORES', 'cores'],
  ['TENANTS', 'tenants'],
  ['CPU%', 'cpu.pcnt'],
  ['MEM.AVAIL', 'mem.avail'],
  ['MEM.TOTAL', 'mem.total'],
];

export function formatServiceTable(services: readonly FoundService[]): string {
  const known = new Set(COLUMNS.map(([, key]) => key));
  const header = ['INSTANCE', 'ADDRESS', 'PORT', ...COLUMNS.map(([h]) => h), 'OTHER'];
  const rows = services.map((s) => [
    s.instance,
    s.address,
    String(s.port),
    ...COLUMNS.map(([, key]) => s.txt[key] ?? '-'),
    Object.entries(s.txt)
      .filter(([key]) => !known.has(key))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join(' ') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ');
  return [header, ...rows].map(line).join('\n') + '\n';
}
