/**
 * One host key for every server (so one known_hosts line serves all) and one
 * client key. ssh-keygen makes both; dropbear gets the host key converted to
 * its own format. The folder is readable by others because the "namespace
 * off" cpud runs as nobody and must reach its key files.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchKeys {
  dir: string;
  hostKey: string;
  dropbearHostKey: string;
  clientKey: string;
  /** The client's public key line, `type base64`, without a comment. */
  clientPublic: string;
  authorized: string;
  knownHosts: string;
  /** Copies owned by nobody, for the unprivileged cpud. */
  nobodyHostKey: string;
  nobodyAuthorized: string;
  /** A folder nobody may write: its TMPDIR, where cpud puts hand-over files. */
  nobodyTmp: string;
  cleanup(): void;
}

export function makeBenchKeys(): BenchKeys {
  const dir = mkdtempSync(join(tmpdir(), 'cpud-bench-'));
  chmodSync(dir, 0o755);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench-host', '-f', hostKey]);
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'bench-client',
    '-f',
    clientKey,
  ]);
  const dropbearHostKey = join(dir, 'host_ed25519.dropbear');
  execFileSync('dropbearconvert', ['openssh', 'dropbear', hostKey, dropbearHostKey], {
    stdio: 'ignore',
  });

  const hostPublic = words(readFileSync(`${hostKey}.pub`, 'utf8'));
  const clientPublic = words(readFileSync(`${clientKey}.pub`, 'utf8'));
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `${clientPublic} bench-client\n`, { mode: 0o644 });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `* ${hostPublic}\n`, { mode: 0o644 });

  const nobodyHostKey = join(dir, 'host_ed25519.nobody');
  copyFileSync(hostKey, nobodyHostKey);
  chmodSync(nobodyHostKey, 0o600);
  chownSync(nobodyHostKey, 65534, 65534);
  const nobodyTmp = join(dir, 'nobody-tmp');
  mkdirSync(nobodyTmp, { mode: 0o700 });
  chownSync(nobodyTmp, 65534, 65534);

  return {
    dir,
    hostKey,
    dropbearHostKey,
    clientKey,
    clientPublic,
    authorized,
    knownHosts,
    nobodyHostKey,
    nobodyAuthorized: authorized,
    nobodyTmp,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function words(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}
