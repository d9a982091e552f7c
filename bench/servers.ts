/**
 * The servers under test, each on a loopback port of its own: cpud as a
 * daemon (root: commands get a private namespace), cpud behind
 * systemd-socket-activate --accept (one process per connection), cpud as
 * nobody (no namespace), OpenSSH's sshd and dropbear.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchKeys } from './bench-keys.js';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CPUD_BIN = join(REPO, 'bin', 'cpud');

export type ServerId = 'cpud' | 'cpud-socket' | 'cpud-nons' | 'sshd' | 'dropbear';

export interface ServerSpec {
  id: ServerId;
  label: string;
  /** Whether the stream figures apply (they need a shell for the user). */
  streams: boolean;
  start(keys: BenchKeys, port: number): Promise<ServerProcess>;
}

export interface StartCpudOptions {
  /** Node flags before the script, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

export function startCpud(
  keys: BenchKeys,
  port: number,
  options: StartCpudOptions = {},
): Promise<ServerProcess> {
  const args = [...(options.nodeArgs ?? []), CPUD_BIN, ...cpudFlags(keys.hostKey, keys.authorized)];
  return startServerProcess(process.execPath, [...args, '-p', String(port), '-addr', '127.0.0.1'], {
    port,
  });
}

// The same limits as the sshd below: cpud's defaults (sshd's, 10:30:100 and
// 10) would drop part of a 32-session burst.
function cpudFlags(hostKey: string, keyFile: string): string[] {
  return ['-hostkey', hostKey, '-key', keyFile, '-maxStartups', '200', '-maxSessions', '200'];
}

// The environment a unit would give: node must be on PATH for bin/cpud.
function serviceEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = `${dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`;
  return { PATH: path, LANG: 'C.UTF-8', ...extra };
}

const cpudDaemon: ServerSpec = {
  id: 'cpud',
  label: 'cpud',
  streams: true,
  start: (keys, port) => startCpud(keys, port),
};

const cpudSocket: ServerSpec = {
  id: 'cpud-socket',
  label: 'cpud (socket-activated)',
  streams: true,
  start: (keys, port) =>
    startServerProcess(
      'systemd-socket-activate',
      [
        '-l',
        `127.0.0.1:${port}`,
        '--accept',
        '-E',
        'CPUD_SESSION=1',
        CPUD_BIN,
        ...cpudFlags(keys.hostKey, keys.authorized),
      ],
      { port, env: serviceEnv({ HOME: '/root' }) },
    ),
};

// setpriv drops to nobody before node starts, so cpud sees a non-root uid
// and runs commands without a namespace: the "namespace off" comparison.
const cpudNobody: ServerSpec = {
  id: 'cpud-nons',
  label: 'cpud (nobody, no namespace)',
  // nobody's shell is nologin, and cpud runs shell syntax with the
  // daemon user's shell: the stream commands cannot run there.
  streams: false,
  start: (keys, port) =>
    startServerProcess(
      'setpriv',
      [
        '--reuid',
        '65534',
        '--regid',
        '65534',
        '--clear-groups',
        '--',
        process.execPath,
        CPUD_BIN,
        ...cpudFlags(keys.nobodyHostKey, keys.nobodyAuthorized),
        '-p',
        String(port),
        '-addr',
        '127.0.0.1',
      ],
      { port, env: serviceEnv({ HOME: keys.nobodyTmp, TMPDIR: keys.nobodyTmp }) },
    ),
};

const sshd: ServerSpec = {
  id: 'sshd',
  label: 'sshd',
  streams: true,
  start: (keys, port) => {
    // sshd refuses to start without its privilege-separation directory,
    // which Debian creates only when the ssh service runs.
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const config = join(keys.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${keys.hostKey}`,
        `AuthorizedKeysFile ${keys.authorized}`,
        'UsePAM no',
        'StrictModes no',
        'PidFile none',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        // The defaults (10:30:100 and 10) would drop part of a 32-session burst.
        'MaxStartups 200',
        'MaxSessions 200',
        'UseDNS no',
        '',
      ].join('\n'),
    );
    return startServerProcess('/usr/sbin/sshd', ['-D', '-e', '-f', config], { port });
  },
};

const dropbear: ServerSpec = {
  id: 'dropbear',
  label: 'dropbear',
  streams: true,
  // Keys come from the bench user's home (see bench-user.ts); -s: no passwords.
  start: (keys, port) =>
    startServerProcess(
      '/usr/sbin/dropbear',
      ['-F', '-E', '-s', '-p', `127.0.0.1:${port}`, '-r', keys.dropbearHostKey],
      { port },
    ),
};

export const SERVERS: ServerSpec[] = [cpudDaemon, cpudSocket, cpudNobody, sshd, dropbear];

export async function portFor(): Promise<number> {
  return freePort();
}
