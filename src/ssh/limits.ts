/**
 * The daemon's defences, with sshd's defaults where sshd has one
 * (sshd_config(5): LoginGraceTime 120, MaxStartups 10:30:100,
 * MaxAuthTries 6, MaxSessions 10).
 */
export interface Limits {
  /** Time a connection has to authenticate (LoginGraceTime). */
  loginGraceMs: number;
  /** Unauthenticated connections: drop start%..100% between `start` and `full`. */
  startups: { start: number; rate: number; full: number };
  /** Failed authentication attempts before the connection is closed. */
  maxAuthTries: number;
  /** Pause before answering a failed attempt, against key guessing at speed. */
  failureDelayMs: number;
  /** Open session channels per connection (MaxSessions). */
  maxSessions: number;
  /** tcpip-forward listeners per connection. */
  maxForwards: number;
  /** env requests per session. */
  maxEnvCount: number;
  /**
   * Bytes of one `NAME=value` variable. Linux refuses a single environment
   * string over 128 KiB (MAX_ARG_STRLEN) at exec, so longer ones are refused
   * at the request, with a reason, not later with E2BIG.
   */
  maxEnvBytes: number;
  /** CPU_FSTAB travels to the helper in a file, not in the environment. */
  maxFstabBytes: number;
  /** Bytes of every variable of a session together (Linux: ARG_MAX, 2 MiB typical). */
  maxEnvTotalBytes: number;
  /** Forwards may bind any address and dial any host, not only loopback. */
  forwardAnyHost: boolean;
}

export const DEFAULT_LIMITS: Limits = {
  loginGraceMs: 120_000,
  startups: { start: 10, rate: 30, full: 100 },
  maxAuthTries: 6,
  failureDelayMs: 100,
  maxSessions: 10,
  maxForwards: 16,
  maxEnvCount: 1024,
  maxEnvBytes: 128 * 1024 - 1,
  maxFstabBytes: 1024 * 1024,
  maxEnvTotalBytes: 1024 * 1024,
  forwardAnyHost: false,
};

/**
 * sshd's random early drop: below `start` unauthenticated connections all
 * are served; from there the chance of refusal grows linearly from `rate`%
 * to 100% at `full`.
 */
export function shouldDropStartup(unauthenticated: number, startups: Limits['startups'], random = Math.random()): boolean {
  const { start, rate, full } = startups;
  if (unauthenticated < start) return false;
  if (unauthenticated >= full) return true;
  const percent = rate + ((100 - rate) * (unauthenticated - start)) / (full - start);
  return random * 100 < percent;
}

/** Parses sshd's `start:rate:full` form (or a single number: start = full). */
export function parseStartups(text: string): Limits['startups'] | undefined {
  const parts = text.split(':').map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (parts.some(Number.isNaN)) return undefined;
  if (parts.length === 1) return { start: parts[0], rate: 100, full: parts[0] };
  if (parts.length !== 3) return undefined;
  const [start, rate, full] = parts;
  if (start < 1 || rate > 100 || full < start) return undefined;
  return { start, rate, full };
}
