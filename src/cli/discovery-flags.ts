/**
 * cpud's flags for being found: DNS-SD advertisement (the names of the Go
 * daemon, `-dnssd` its alias) and `-register host:port`.
 */
import { hostname } from 'node:os';
import { CpudError } from '../errors.js';
import { isServiceType } from '../discovery/dnssd-query.js';
import { parseTxtPairs, type TxtRecord } from '../discovery/txt-record.js';
import type { FlagSpec } from './go-flags.js';
import { parseGoDuration } from './go-duration.js';
import type { FlagValues } from './parse-flags.js';

export const DISCOVERY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'dsEnabled',
    type: 'boolean',
    default: true,
    aliases: ['dnssd'],
    description: 'advertise this server with DNS-SD over multicast DNS (-dsEnabled=false: do not)',
  },
  {
    name: 'dsInstance',
    type: 'string',
    valueName: 'NAME',
    description: 'DNS-SD instance name (default: <hostname>-cpud)',
  },
  {
    name: 'dsDomain',
    type: 'string',
    valueName: 'DOMAIN',
    default: 'local',
    description: 'DNS-SD domain',
  },
  {
    name: 'dsService',
    type: 'string',
    valueName: 'TYPE',
    default: '_ncpu._tcp',
    description: 'DNS-SD service type',
  },
  {
    name: 'dsInterface',
    type: 'string',
    valueName: 'IFACE',
    description:
      'network interface to advertise on (default: the one holding -addr, else the first ' +
      'with multicast)',
  },
  {
    name: 'dsTxt',
    type: 'string',
    valueName: 'K=V,...',
    description: 'extra TXT pairs to advertise, such as rack=3,gpu=yes',
  },
  {
    name: 'register',
    type: 'string',
    valueName: 'HOST:PORT',
    description: 'after listening, dial HOST:PORT and write "ok" (a failure is only logged)',
  },
  {
    name: 'registerTO',
    type: 'string',
    valueName: 'DURATION',
    default: '5s',
    description: 'how long -register may take (Go duration: 500ms, 5s)',
  },
];

export interface DiscoveryFlags {
  enabled: boolean;
  instance: string;
  domain: string;
  service: string;
  interface?: string;
  txt: TxtRecord;
  register?: { host: string; port: number };
  registerTimeoutMs: number;
}

export function discoveryFrom(values: FlagValues): DiscoveryFlags {
  const service = String(values.dsService);
  if (!isServiceType(service)) {
    throw flagError(`flag "-dsService": "${service}" is not a service type such as _ncpu._tcp`);
  }
  const domain = String(values.dsDomain).replace(/\.$/, '');
  if (!/^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*$/.test(domain)) {
    throw flagError(`flag "-dsDomain": "${values.dsDomain}" is not a domain such as local`);
  }
  const instance = (values.dsInstance as string | undefined) ?? defaultInstance();
  // One DNS label (RFC 1035 section 2.3.4); dots would split it into several.
  if (!instance || Buffer.byteLength(instance) > 63 || instance.includes('.')) {
    throw flagError(`flag "-dsInstance": "${instance}" must be 1-63 bytes without dots`);
  }
  const timeout = parseGoDuration(String(values.registerTO));
  if (timeout === undefined || timeout <= 0) {
    throw flagError(`flag "-registerTO": "${values.registerTO}" is not a duration such as 5s`);
  }
  const register = values.register as string | undefined;
  return {
    enabled: values.dsEnabled !== false,
    instance,
    domain: domain.toLowerCase(),
    service,
    interface: values.dsInterface as string | undefined,
    txt: values.dsTxt === undefined ? {} : parseTxtPairs(String(values.dsTxt)),
    register: register === undefined ? undefined : hostPort(register),
    registerTimeoutMs: timeout,
  };
}

/** `<hostname>-cpud`, with the dots of a full host name made hyphens. */
export function defaultInstance(): string {
  const name = hostname().replace(/\./g, '-') || 'cpud';
  return `${name}-cpud`.slice(0, 63);
}

function hostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw flagError(`flag "-register": "${text}" is not HOST:PORT such as 10.0.0.1:7000`);
  }
  return { host: match[1] ?? match[2], port };
}

function flagError(message: string): CpudError {
  return new CpudError('CPUD_ERR_CFG_FLAG', message);
}
