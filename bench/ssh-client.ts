/**
 * The one real client for every server: OpenSSH's ssh, with the same
 * cipher, MAC, key exchange and host key type everywhere, so that the
 * servers, not the algorithms, are compared. aes128-ctr + hmac-sha2-256 is
 * offered by ssh2, sshd and dropbear 2022.83 alike, and each does AES with
 * the CPU's AES instructions (OpenSSL in ssh/sshd/node, libtomcrypt's C in
 * dropbear).
 */
import type { BenchKeys } from './bench-keys.js';

export const CIPHER = 'aes128-ctr';
export const MAC = 'hmac-sha2-256';
export const KEX = 'curve25519-sha256';
export const HOST_KEY_ALGO = 'ssh-ed25519';

export interface SshTarget {
  port: number;
  user: string;
}

export interface SshOptions {
  /** Local source address (any of 127/8): dropbear limits unauthenticated
   * connections per source IP to 5, which a burst of 32 would hit. */
  bind?: string;
  extra?: string[];
  /** Seconds for TCP connect plus banner exchange (default 15). */
  connectTimeout?: number;
}

export function sshArgs(target: SshTarget, keys: BenchKeys, options: SshOptions = {}): string[] {
  const settings = [
    'IdentitiesOnly=yes',
    `UserKnownHostsFile=${keys.knownHosts}`,
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'LogLevel=ERROR',
    `ConnectTimeout=${options.connectTimeout ?? 15}`,
    'Compression=no',
    `Ciphers=${CIPHER}`,
    `MACs=${MAC}`,
    `KexAlgorithms=${KEX}`,
    `HostKeyAlgorithms=${HOST_KEY_ALGO}`,
  ];
  return [
    ...['-F', '/dev/null', '-i', keys.clientKey],
    ...settings.flatMap((setting) => ['-o', setting]),
    ...(options.bind ? ['-b', options.bind] : []),
    ...(options.extra ?? []),
    ...['-p', String(target.port), '-l', target.user, '127.0.0.1'],
  ];
}
