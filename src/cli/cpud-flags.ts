/**
 * cpud's flags: the names of PROTOCOL.md, Go spellings, and the Go daemon's
 * aliases. `parseCpudFlags` returns typed options or throws a coded error.
 */
import { CpudError } from '../errors.js';
import { parseGoDuration } from './go-duration.js';
import type { Limits } from '../ssh/limits.js';
import type { FlagSpec } from './go-flags.js';
import { DISCOVERY_FLAGS, discoveryFrom, type DiscoveryFlags } from './discovery-flags.js';
import { LIMIT_FLAGS, limitsFrom } from './limit-flags.js';
import { parseFlags, helpText, type ParseFlagsOptions } from './parse-flags.js';

export const CPUD_FLAGS: readonly FlagSpec[] = [
  { name: 'd', type: 'boolean', description: 'debug log: protocol detail, one line per event' },
  { name: 'version', type: 'boolean', description: 'print the version and exit' },
  { name: 'dbg9p', type: 'boolean', description: 'log 9P mount options and outcome' },
  {
    name: 'hostkey',
    type: 'string',
    valueName: 'FILE',
    aliases: ['hk'],
    description:
      'host key, OpenSSH private key (default: /etc/cpud/ssh_host_ed25519_key as root, ' +
      'else in the state folder; made on first start)',
  },
  {
    name: 'key',
    type: 'string',
    valueName: 'FILE',
    aliases: ['pk'],
    description:
      'authorized client keys, authorized_keys format, read at each login ' +
      '(default: $HOME/.ssh/cpu_rsa.pub)',
  },
  {
    name: 'network',
    type: 'string',
    valueName: 'NET',
    aliases: ['net'],
    default: 'tcp',
    description: 'tcp, tcp4, tcp6 or unix (then -p is a socket path)',
  },
  {
    name: 'p',
    type: 'string',
    valueName: 'PORT',
    aliases: ['sp'],
    default: '17010',
    description: 'port to listen on (0 picks a free one), or socket path with -network unix',
  },
  {
    name: 'addr',
    type: 'string',
    valueName: 'ADDRESS',
    description: 'listen only on this address (default: every address)',
  },
  {
    name: 'remote',
    type: 'boolean',
    description: 'internal: the per-command namespace builder, started by cpud itself',
  },
  {
    name: 'srv',
    type: 'string',
    valueName: 'PROGRAM',
    description:
      'hand each connection to PROGRAM on stdin/stdout, inetd style (e.g. "/usr/sbin/sshd -i"; ' +
      'split on spaces) instead of the built-in SSH server',
  },
  {
    name: 'init',
    type: 'boolean',
    description:
      'run the init role (reap orphans, restart the daemon if it dies) even when not PID 1; ' +
      'the machine set-up is done only as PID 1',
  },
  {
    name: 'sleepBeforeServing',
    type: 'string',
    valueName: 'DURATION',
    default: '0s',
    description:
      'wait this long (Go duration: 500ms, 2s, 1m) before serving, e.g. for a slow network at boot',
  },
  {
    name: 'syslog',
    type: 'boolean',
    description:
      'log to syslog (/dev/log) instead of stderr, as a daemon started by an init script does',
  },
  {
    name: 'keygen',
    type: 'boolean',
    description:
      'make the host key (-hostkey, or the default) if it is missing, print its fingerprint, ' +
      'and exit; an existing key is never replaced (for install scripts, like ssh-keygen -A)',
  },
  {
    name: 'demo',
    type: 'boolean',
    description:
      'quick start: make a demo client key pair in the state folder if -key is missing, ' +
      'and print the ssh command that connects',
  },
  {
    name: 'state',
    type: 'string',
    valueName: 'DIR',
    description: 'state folder (default: /var/lib/cpud as root, else ~/.local/state/cpud)',
  },
  // The defences' flags live with their parser, and come last in -h.
  ...LIMIT_FLAGS,
  ...DISCOVERY_FLAGS,
];

export interface CpudFlags {
  debug: boolean;
  dbg9p: boolean;
  hostKey?: string;
  keyFile?: string;
  network: 'tcp' | 'tcp4' | 'tcp6' | 'unix';
  port: string;
  address?: string;
  demo: boolean;
  keygen: boolean;
  stateDir?: string;
  /** `-srv`: the program that serves each connection instead of the built-in server. */
  srv?: string;
  init: boolean;
  sleepBeforeServingMs: number;
  syslog: boolean;
  limits: Limits;
  discovery: DiscoveryFlags;
}

const PROGRAM: ParseFlagsOptions = {
  program: 'cpud',
  summary: "cpud: the daemon side of cpu; runs commands that see the caller's files over 9P",
  usage: '[flags]',
  positionals: false,
};

const NETWORKS = ['tcp', 'tcp4', 'tcp6', 'unix'] as const;

export function parseCpudFlags(argv: readonly string[]): CpudFlags {
  const { values } = parseFlags(argv, CPUD_FLAGS, PROGRAM);

  const network = String(values.network);
  if (!(NETWORKS as readonly string[]).includes(network)) {
    throw flagError(`flag "-network": "${network}" is not one of ${NETWORKS.join(', ')}`);
  }
  const port = String(values.p);
  if (network !== 'unix' && !isPort(port)) {
    throw flagError(`flag "-p": "${port}" is not a port number (0-65535)`);
  }
  const srv = values.srv as string | undefined;
  if (srv !== undefined && !srv.trim()) throw flagError('flag "-srv": the program is empty');
  const sleep = parseGoDuration(String(values.sleepBeforeServing));
  if (sleep === undefined || sleep < 0) {
    throw flagError(
      `flag "-sleepBeforeServing": "${values.sleepBeforeServing}" is not a duration such as 2s`,
    );
  }
  return {
    debug: values.d === true,
    dbg9p: values.dbg9p === true,
    hostKey: values.hostkey as string | undefined,
    keyFile: values.key as string | undefined,
    network: network as CpudFlags['network'],
    port,
    // -demo is for trying cpud out: loopback only (and so never advertised)
    // unless -addr says otherwise.
    address: (values.addr as string | undefined) ?? (values.demo === true ? '127.0.0.1' : undefined),
    demo: values.demo === true,
    keygen: values.keygen === true,
    stateDir: values.state as string | undefined,
    srv,
    init: values.init === true,
    sleepBeforeServingMs: sleep,
    syslog: values.syslog === true,
    limits: limitsFrom(values),
    discovery: discoveryFrom(values),
  };
}

export function cpudHelp(): string {
  return helpText(CPUD_FLAGS, PROGRAM);
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535;
}

function flagError(message: string): CpudError {
  return new CpudError('CPUD_ERR_CFG_FLAG', message);
}
