/**
 * The four `~/.ssh/config` keys cpu honours for a host: HostName, User, Port
 * and IdentityFile, with OpenSSH's rules (first value wins, `Host` patterns
 * with `*`, `?` and `!`, keys in any case). Parsing is the `ssh-config`
 * package's; `Match exec` is never run: a config file is no reason for cpu
 * to start a shell. `Include` is not followed.
 */
import { readFileSync } from 'node:fs';
import SSHConfig from 'ssh-config';
import { CpudError, messageOf, systemCodeOf } from '../errors.js';

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: string;
  /** The first IdentityFile, `~` and `%` tokens expanded. */
  identityFile?: string;
}

export interface LookupOptions {
  home: string;
  /** The local user name, for the `%u` token. */
  localUser: string;
}

/** Reads and looks up `path`; a missing file means no settings. */
export function readSshConfig(path: string, host: string, options: LookupOptions): SshHostConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (systemCodeOf(err) === 'ENOENT') return {};
    throw new CpudError('CPUD_ERR_CFG_KEYFILE', `cannot read "${path}": ${messageOf(err)}`, {
      cause: err,
    });
  }
  return lookupSshConfig(text, host, options);
}

export function lookupSshConfig(text: string, host: string, options: LookupOptions): SshHostConfig {
  const computed = SSHConfig.parse(text).compute(host, { ignoreCase: true, matchExec: false });
  const first = (key: string): string | undefined => {
    const value = computed[key];
    const text = Array.isArray(value) ? value[0] : value;
    return text === undefined || text === '' ? undefined : text;
  };

  const hostName = first('hostname')?.replace(/%h/g, host);
  const user = first('user');
  const identity = first('identityfile');
  return {
    hostName,
    user,
    port: first('port'),
    identityFile:
      identity === undefined
        ? undefined
        : expandTokens(identity, {
            ...options,
            host: hostName ?? host,
            user: user ?? options.localUser,
          }),
  };
}

// ssh_config(5) TOKENS, the ones that make sense before connecting.
function expandTokens(
  path: string,
  context: LookupOptions & { host: string; user: string },
): string {
  const tilde = path === '~' || path.startsWith('~/') ? context.home + path.slice(1) : path;
  return tilde.replace(/%([%dhur])/g, (_, token: string) => {
    if (token === 'd') return context.home;
    if (token === 'h') return context.host;
    if (token === 'u') return context.localUser;
    if (token === 'r') return context.user;
    return '%';
  });
}
