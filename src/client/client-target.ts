/**
 * Where and as whom to connect: the command line first, then the host's
 * entry in ~/.ssh/config, then cpu's defaults. Mirrors u-root's client,
 * including one quirk kept for compatibility: a `Port 22` from the config
 * file means an sshd, not a cpud, and is replaced by cpu's 17010.
 */
import { join } from 'node:path';
import type { CpuFlags, CpuNetwork } from '../cli/cpu-flags.js';
import { readSshConfig } from './ssh-config.js';

export const DEFAULT_PORT = 17010;

export interface ClientTarget {
  /** As typed: the name used in messages and for the config lookup. */
  host: string;
  /** What is dialled (HostName from the config, else host). */
  address: string;
  port: number;
  network: CpuNetwork;
  user: string;
  keyFile: string;
}

export interface TargetContext {
  home: string;
  localUser: string;
  /** Default: <home>/.ssh/config. */
  sshConfigPath?: string;
}

export function resolveTarget(flags: CpuFlags, context: TargetContext): ClientTarget {
  const config = readSshConfig(
    context.sshConfigPath ?? join(context.home, '.ssh', 'config'),
    flags.host,
    {
      home: context.home,
      localUser: context.localUser,
    },
  );

  const configPort =
    config.port !== undefined && config.port !== '22' ? Number(config.port) : undefined;
  const port = flags.port !== undefined ? Number(flags.port) : (configPort ?? DEFAULT_PORT);
  return {
    host: flags.host,
    address: flags.network === 'unix' ? flags.host : (config.hostName ?? flags.host),
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_PORT,
    network: flags.network,
    user: flags.user ?? config.user ?? context.localUser,
    keyFile: expandHome(
      flags.keyFile ?? config.identityFile ?? join(context.home, '.ssh', 'cpu_rsa'),
      context.home,
    ),
  };
}

// The shell expands ~ only at the start of a word: `-key=~/k` arrives as typed.
function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}
