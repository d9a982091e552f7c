/**
 * Go's time.ParseDuration, which the Go daemon's duration flags use
 * (`-sleepBeforeServing 2s`, `-registerTO 1m30s`): a sequence of decimal
 * numbers with units ns, us (µs), ms, s, m, h; a bare `0` is allowed.
 * Returns milliseconds, or undefined for text Go would refuse.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text);
  const body = match?.[2] ?? '';
  if (body === '0') return 0;
  if (body === '') return undefined;

  let total = 0;
  let rest = body;
  while (rest) {
    const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]];
    rest = rest.slice(part[0].length);
  }
  return match?.[1] === '-' ? -total : total;
}
