/**
 * Builds the .deb and the .rpm once with scripts/package.sh (what
 * `npm run package` runs) and runs the inspection tools on them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommand } from '../helpers/activation.js';
import { REPO } from '../helpers/paths.js';

export interface BuiltPackages {
  version: string;
  deb: string;
  rpm: string;
  debArch: string;
  rpmArch: string;
  /** Whether the client's launcher (bin/cpu) existed, so /usr/bin/cpu must ship. */
  withClient: boolean;
}

/** Debian package for each tool the package tests drive. */
const TOOLS: Array<[string, string]> = [
  ['dpkg-buildpackage', 'dpkg-dev'],
  ['dh', 'debhelper'],
  ['fakeroot', 'fakeroot'],
  ['lintian', 'lintian'],
  ['rpmbuild', 'rpm'],
  ['rpmlint', 'rpmlint'],
  ['rpm2cpio', 'rpm'],
  ['cpio', 'cpio'],
  ['systemd-socket-activate', 'systemd'],
  ['ssh', 'openssh-client'],
];

/** Runs a command, failing with its output when it exits non-zero. */
export function run(command: string, args: string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4000);
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${output}`,
    );
  }
  return result.stdout;
}

let built: BuiltPackages | undefined;

/** Builds once per test process; later calls return the same packages. */
export function buildPackages(): BuiltPackages {
  built ??= build();
  return built;
}

function build(): BuiltPackages {
  for (const [tool, debianPackage] of TOOLS) requireCommand(tool, debianPackage);
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    version: string;
  };

  run('bash', ['scripts/package.sh']);

  const debArch = run('dpkg-architecture', ['-qDEB_HOST_ARCH']).trim();
  const rpmArch = run('rpm', ['--eval', '%{_arch}']).trim();
  return {
    version,
    deb: join(REPO, 'dist-pkg', `cpud_${version}_${debArch}.deb`),
    rpm: join(REPO, 'dist-pkg', `cpud-${version}-1.${rpmArch}.rpm`),
    debArch,
    rpmArch,
    withClient: spawnSync('test', ['-e', join(REPO, 'bin', 'cpu')]).status === 0,
  };
}

/** Paths of a `dpkg-deb -c` or `rpm -qlp` listing, without the leading "./". */
export function debPaths(deb: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of run('dpkg-deb', ['-c', deb]).split('\n')) {
    const match = /^(\S+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S*?)\/?(?: -> .*)?$/.exec(line);
    if (match) entries.set(match[2] === '/' ? '/' : match[2], match[1]);
  }
  return entries;
}
