/**
 * The flags of `cpu`, the client, named as u-root's client names them, and
 * the `cpu [flags] host [command args...]` shape: flags stop at the host.
 * `parseCpuFlags` returns typed options or throws a coded error.
 */
import { DEFAULT_NAMESPACE } from '../client/namespace-fstab.js';
import { CpudError } from '../errors.js';
import { parseGoDuration } from './go-duration.js';
import type { FlagSpec } from './go-flags.js';
import { helpText, parseFlags, type ParseFlagsOptions } from './parse-flags.js';

export const CPU_FLAGS: readonly FlagSpec[] = [
  { name: 'd', type: 'boolean', description: 'debug: one line per step of the session on stderr' },
  { name: 'version', type: 'boolean', description: 'print the version and exit' },
  {
    name: 'dbg9p',
    type: 'boolean',
    description: 'log every 9P message the local file server handles',
  },
  {
    name: 'key',
    type: 'string',
    valueName: 'FILE',
    description: 'private key (default: IdentityFile from ~/.ssh/config, else ~/.ssh/cpu_rsa)',
  },
  {
    name: 'hostkey',
    type: 'string',
    valueName: 'FILE',
    description: "pin the host's key: FILE holds its OpenSSH public key line",
  },
  {
    name: 'p',
    type: 'string',
    valueName: 'PORT',
    aliases: ['sp', 'port'],
    description: 'port of cpud (default: Port from ~/.ssh/config unless 22, else 17010)',
  },
  {
    name: 'namespace',
    type: 'string',
    valueName: 'LIST',
    default: DEFAULT_NAMESPACE,
    description:
      'colon-separated paths of this machine bound over the same paths on the host ' +
      "(where=what binds this machine's what at the host's where); none for none",
  },
  {
    name: '9p',
    type: 'boolean',
    default: true,
    description: 'serve -root to the host over 9P; -9p=false also drops the nonce and -namespace',
  },
  {
    name: 'root',
    type: 'string',
    valueName: 'DIR',
    default: '/',
    description: 'local tree served over 9P',
  },
  {
    name: 'fstab',
    type: 'string',
    valueName: 'FILE',
    description: 'fstab(5) lines appended to the ones -namespace makes',
  },
  {
    name: 'timeout9p',
    type: 'string',
    valueName: 'DURATION',
    default: '5s',
    description:
      'how long a forwarded 9P connection has to send its nonce (Go duration: 500ms, 2s)',
  },
  {
    name: 'net',
    type: 'string',
    valueName: 'NET',
    aliases: ['network'],
    default: 'tcp',
    description: 'tcp, tcp4, tcp6, or unix (then host is the socket path)',
  },
  {
    name: 'list',
    type: 'boolean',
    description:
      'with a dnssd: host (dnssd://?arch=arm64&sort=tenants): print the matching servers and exit',
  },
];

const NETWORKS = ['tcp', 'tcp4', 'tcp6', 'unix'] as const;
export type CpuNetwork = (typeof NETWORKS)[number];

export interface CpuFlags {
  debug: boolean;
  dbg9p: boolean;
  keyFile?: string;
  hostKeyFile?: string;
  /** `-p` as typed; undefined lets ~/.ssh/config or the default decide. */
  port?: string;
  namespace: string;
  ninep: boolean;
  root: string;
  fstabFile?: string;
  timeout9pMs: number;
  network: CpuNetwork;
  /** The host as typed, without `user@`. */
  host: string;
  /** From `user@host`. */
  user?: string;
  /** The command and its arguments; empty runs a shell. */
  argv: string[];
  /** `-list`: print the servers a dnssd: host matches instead of running anything. */
  list?: boolean;
}

const PROGRAM: ParseFlagsOptions = {
  program: 'cpu',
  summary: "cpu: run a command on a host running cpud; it sees this machine's files over 9P",
  usage: '[flags] [user@]host [command [args...]]',
  positionals: true,
};

export function parseCpuFlags(argv: readonly string[]): CpuFlags {
  const { values, positionals } = parseFlags(argv, CPU_FLAGS, PROGRAM);

  const [target, ...command] = positionals;
  if (!target)
    throw flagError('no host given: usage is cpu [flags] [user@]host [command [args...]]');
  const at = target.lastIndexOf('@');
  const user = at > 0 ? target.slice(0, at) : undefined;
  const host = (at >= 0 ? target.slice(at + 1) : target).replace(/^\[(.*)\]$/, '$1');
  if (!host) throw flagError(`"${target}" names no host`);

  const network = String(values.net);
  if (!(NETWORKS as readonly string[]).includes(network)) {
    throw flagError(`flag "-net": "${network}" is not one of ${NETWORKS.join(', ')}`);
  }
  const port = values.p as string | undefined;
  if (port !== undefined && network !== 'unix' && !isPort(port)) {
    throw flagError(`flag "-p": "${port}" is not a port number (1-65535)`);
  }
  const timeout = parseGoDuration(String(values.timeout9p));
  if (timeout === undefined || timeout <= 0) {
    throw flagError(`flag "-timeout9p": "${values.timeout9p}" is not a duration such as 2s`);
  }
  return {
    debug: values.d === true,
    dbg9p: values.dbg9p === true,
    keyFile: values.key as string | undefined,
    hostKeyFile: values.hostkey as string | undefined,
    port,
    namespace: String(values.namespace),
    ninep: values['9p'] !== false,
    root: String(values.root),
    fstabFile: values.fstab as string | undefined,
    timeout9pMs: timeout,
    network: network as CpuNetwork,
    host,
    user,
    argv: command,
    ...(values.list === true ? { list: true } : {}),
  };
}

export function cpuHelp(): string {
  return helpText(CPU_FLAGS, PROGRAM);
}

function isPort(text: string): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535;
}

function flagError(message: string): CpudError {
  return new CpudError('CPUD_ERR_CFG_FLAG', message);
}
