/**
 * Installing the .deb on the test machine itself, and undoing every trace:
 * a cpud run as root elsewhere (other tests, `npm start`) may already have
 * made /etc/cpud or /var/lib/cpud, so they are set aside first and put back
 * after the purge, and no service may start (policy-rc.d, as in a chroot).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { run } from './build-packages.js';

/** Host paths the package creates or its scripts make, besides `dpkg -L`. */
export const STATE_PATHS = ['/etc/cpud', '/var/lib/cpud'];
const POLICY = '/usr/sbin/policy-rc.d';

export interface HostGuard {
  /** Puts back what was set aside; idempotent. */
  restore(): void;
}

/** Moves existing state aside and forbids service starts until restore(). */
export function guardHost(): HostGuard {
  const backup = mkdtempSync('/var/tmp/cpud-package-test-');
  const moved: string[] = [];
  for (const path of STATE_PATHS) {
    if (!existsSync(path)) continue;
    renameSync(path, join(backup, path.replaceAll('/', '_')));
    moved.push(path);
  }
  // invoke-rc.d asks policy-rc.d; 101 means "do not start". Without it the
  // init script's postinst would start a cpud daemon on this machine, which
  // has no systemd as PID 1 (so deb-systemd-invoke already does nothing).
  const ownPolicy = !existsSync(POLICY);
  if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });

  let restored = false;
  return {
    restore: () => {
      if (restored) return;
      restored = true;
      if (ownPolicy) rmSync(POLICY, { force: true });
      for (const path of moved) {
        rmSync(path, { recursive: true, force: true });
        renameSync(join(backup, path.replaceAll('/', '_')), path);
      }
      rmSync(backup, { recursive: true, force: true });
    },
  };
}

/** The installed nodejs version, when dpkg knows one. */
function dpkgNodeVersion(): string | undefined {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status} ${Version}', 'nodejs'], {
    encoding: 'utf8',
  });
  const match = /^install ok installed (\S+)$/.exec(query.stdout ?? '');
  return match?.[1];
}

/**
 * Installs the .deb. With a Debian-packaged nodejs >= 20 (NodeSource's,
 * or backports) plain `dpkg -i` works. A node installed outside dpkg (nvm,
 * a tarball) cannot satisfy "nodejs (>= 20)" for dpkg even though
 * /usr/bin/node runs, and only then is that one dependency forced.
 */
export function installDeb(deb: string): { forcedDepends: boolean; why: string } {
  if (!existsSync('/usr/bin/node'))
    throw new Error('/usr/bin/node is missing: the launchers exec it');
  const version = dpkgNodeVersion();
  const satisfied =
    version !== undefined &&
    spawnSync('dpkg', ['--compare-versions', version, 'ge', '20']).status === 0;
  if (satisfied) {
    run('dpkg', ['-i', deb]);
    return { forcedDepends: false, why: `dpkg's nodejs ${version} satisfies nodejs (>= 20)` };
  }
  run('dpkg', ['-i', '--force-depends', deb]);
  return {
    forcedDepends: true,
    why: `nodejs is not a dpkg package here (${version ?? 'none'}); /usr/bin/node stands in`,
  };
}

export function dpkgStatus(name: string): string {
  const query = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', name], {
    encoding: 'utf8',
  });
  const status = query.status === 0 ? query.stdout.trim() : '';
  // Purged packages either vanish from the database or stay as "pn"/"un".
  return status === '' || /^[up]n/.test(status) ? 'not-installed' : status;
}

/**
 * What is still on disk after a purge: the package's files and symlinks,
 * its own folders, the state paths, and the links maintainer scripts made
 * (systemd enablement, deb-systemd-helper state, rc?.d links).
 */
export function leftovers(listed: string[]): string[] {
  const own = listed.filter((path) => path.includes('cpud') || !isSharedFolder(path));
  const made = [
    '/etc/systemd/system/sockets.target.wants/cpud.socket',
    '/var/lib/systemd/deb-systemd-helper-enabled/cpud.socket.dsh-also',
    '/var/lib/systemd/deb-systemd-helper-enabled/sockets.target.wants/cpud.socket',
    '/var/lib/systemd/deb-systemd-helper-masked/cpud.socket',
    ...STATE_PATHS,
  ];
  const rcLinks = ['0', '1', '2', '3', '4', '5', '6', 'S'].flatMap((level) => {
    const dir = `/etc/rc${level}.d`;
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => n.endsWith('cpud'))
          .map((n) => join(dir, n))
      : [];
  });
  return [...own, ...made, ...rcLinks].filter((path) => existsSync(path) || isDanglingLink(path));
}

function isSharedFolder(path: string): boolean {
  return spawnSync('test', ['-d', path]).status === 0 && !path.includes('cpud');
}

function isDanglingLink(path: string): boolean {
  return spawnSync('test', ['-L', path]).status === 0;
}

/** A unit's ExecStart= (without the "-") with $CPUD_OPTS expanded, and its Environment=. */
export function unitCommand(
  unitPath: string,
  defaultsPath: string,
): { argv: string[]; env: string[] } {
  const text = readFileSync(unitPath, 'utf8');
  const exec = /^ExecStart=-?(.+)$/m.exec(text)?.[1];
  if (!exec) throw new Error(`${unitPath} has no ExecStart=`);
  const env = [...text.matchAll(/^Environment=(.+)$/gm)].map((m) => m[1]);
  // $VAR splits on spaces in systemd (systemd.service(5), "Command lines").
  const opts = run('sh', ['-c', `. ${defaultsPath}; printf '%s' "$CPUD_OPTS"`])
    .split(/\s+/)
    .filter(Boolean);
  const argv = exec.split(/\s+/).flatMap((word) => (word === '$CPUD_OPTS' ? opts : [word]));
  return { argv, env };
}
