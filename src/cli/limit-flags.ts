/**
 * The flags of cpud's defences, named after sshd_config(5) where sshd has
 * the same knob, with sshd's defaults.
 */
import { CpudError } from '../errors.js';
import { DEFAULT_LIMITS, parseStartups, type Limits } from '../ssh/limits.js';
import type { FlagSpec } from './go-flags.js';
import { parseGoDuration } from './go-duration.js';
import type { FlagValues } from './parse-flags.js';

// Go's flag package refuses ints out of range; counts past 2^31-1 are typos.
const MAX_COUNT = 2 ** 31 - 1;

export const LIMIT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'loginGraceTime',
    type: 'string',
    valueName: 'DURATION',
    default: '2m',
    description: 'time a connection has to log in (sshd LoginGraceTime); 0: no limit',
  },
  {
    name: 'maxStartups',
    type: 'string',
    valueName: 'START:RATE:FULL',
    default: '10:30:100',
    description: 'connections not yet logged in: from START, drop RATE% rising to 100% at FULL',
  },
  {
    name: 'maxAuthTries',
    type: 'number',
    valueName: 'N',
    default: DEFAULT_LIMITS.maxAuthTries,
    description: 'failed login attempts before the connection is closed',
  },
  {
    name: 'maxSessions',
    type: 'number',
    valueName: 'N',
    default: DEFAULT_LIMITS.maxSessions,
    description: 'sessions open at once on one connection',
  },
  {
    name: 'maxForwards',
    type: 'number',
    valueName: 'N',
    default: DEFAULT_LIMITS.maxForwards,
    description: 'tcpip-forward listeners of one connection',
  },
  {
    name: 'forwardAnyHost',
    type: 'boolean',
    description:
      'let clients bind forwards on any address and dial any host (default: loopback only)',
  },
];

export function limitsFrom(values: FlagValues): Limits {
  const grace = parseGoDuration(String(values.loginGraceTime));
  if (grace === undefined || grace < 0) {
    throw flagError(`flag "-loginGraceTime": "${values.loginGraceTime}" is not a duration such as 2m`);
  }
  const startups = parseStartups(String(values.maxStartups));
  if (!startups) {
    throw flagError(`flag "-maxStartups": "${values.maxStartups}" is not START:RATE:FULL such as 10:30:100`);
  }
  for (const name of ['maxAuthTries', 'maxSessions', 'maxForwards']) {
    const n = values[name] as number;
    if (!Number.isInteger(n) || n < 1) throw flagError(`flag "-${name}": "${n}" must be 1 or more`);
    if (n > MAX_COUNT) throw flagError(`flag "-${name}": "${values[name]}" is out of range (at most ${MAX_COUNT})`);
  }
  return {
    ...DEFAULT_LIMITS,
    // setTimeout cannot wait longer than 2^31-1 ms: 0 ("no limit") becomes that.
    loginGraceMs: grace === 0 ? 2 ** 31 - 1 : grace,
    startups,
    maxAuthTries: values.maxAuthTries as number,
    maxSessions: values.maxSessions as number,
    maxForwards: values.maxForwards as number,
    forwardAnyHost: values.forwardAnyHost === true,
  };
}

function flagError(message: string): CpudError {
  return new CpudError('CPUD_ERR_CFG_FLAG', message);
}
