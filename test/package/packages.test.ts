/**
 * `npm run package`: the .deb and the .rpm, built with Debian's own tools
 * and rpmbuild, hold the runtime tree and nothing of the tests, pass
 * lintian and rpmlint, and the .deb installs here, serves an SSH session
 * through socket activation as its unit would, and purges without a trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateEd25519 } from '../../src/ssh/generate-key.js';
import { freePort, launch, waitForPort } from '../helpers/activation.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';
import { runSsh } from '../helpers/ssh.js';
import { buildPackages, debPaths, run, type BuiltPackages } from './build-packages.js';
import {
  dpkgStatus,
  guardHost,
  installDeb,
  leftovers,
  unitCommand,
  type HostGuard,
} from './host-install.js';

const BUILD = { timeout: 300_000 };
const STEP = { timeout: 60_000 };

/** What both packages must ship, whatever the unit directory. */
function runtimeFiles(pkgs: BuiltPackages): string[] {
  const files = [
    '/usr/sbin/cpud',
    '/usr/lib/cpud/package.json',
    '/usr/lib/cpud/bin/cpud',
    '/usr/lib/cpud/dist/src/cli/cpud.js',
    '/usr/lib/cpud/native/build/Release/cpud_native.node',
    '/usr/lib/cpud/native/build/Release/cpud-exec',
    '/usr/lib/cpud/node_modules/ssh2/package.json',
    '/usr/lib/cpud/node_modules/node-pty/build/Release/pty.node',
    '/usr/lib/cpud/node_modules/commander/package.json',
  ];
  if (pkgs.withClient) files.push('/usr/bin/cpu', '/usr/lib/cpud/bin/cpu');
  return files;
}

/** Nothing built for tests, benchmarks or other platforms, no build leftovers. */
function assertNoStrays(paths: string[]): void {
  const strays = paths.filter((p) =>
    /\/dist\/(test|bench)\b|\/typescript\/|@types|\/prebuilds\/|\/obj\.target\/|\.map$|\.ts$/.test(
      p,
    ),
  );
  assert.deepEqual(strays, []);
}

describe('cpud packages', () => {
  let pkgs: BuiltPackages;
  before(() => {
    pkgs = buildPackages();
  }, BUILD);

  it('the .deb holds the runtime, launchers, units, init script, man pages, /etc/cpud 0700', () => {
    const entries = debPaths(pkgs.deb);
    const expected = [
      ...runtimeFiles(pkgs),
      // bookworm's debhelper installs units under /lib (trixie's under /usr/lib).
      '/lib/systemd/system/cpud.socket',
      '/lib/systemd/system/cpud@.service',
      '/lib/systemd/system/cpud.service',
      '/etc/init.d/cpud',
      '/etc/default/cpud',
      '/usr/share/doc/cpud/examples/cpud.conf',
      '/usr/share/man/man8/cpud.8.gz',
      ...(pkgs.withClient ? ['/usr/share/man/man1/cpu.1.gz'] : []),
    ];
    assert.deepEqual(
      expected.filter((p) => !entries.has(p)),
      [],
    );
    assert.equal(entries.get('/etc/cpud'), 'drwx------');
    assert.equal(entries.get('/usr/sbin/cpud'), '-rwxr-xr-x');
    assertNoStrays([...entries.keys()]);
  });

  it('the .deb has the version of package.json and depends on nodejs (>= 20), util-linux', () => {
    const field = (name: string): string => run('dpkg-deb', ['-f', pkgs.deb, name]).trim();
    assert.equal(field('Package'), 'cpud');
    assert.equal(field('Version'), pkgs.version);
    assert.equal(field('Architecture'), pkgs.debArch);
    assert.match(field('Depends'), /(^|, )nodejs \(>= 20\)(,|$)/);
    assert.match(field('Depends'), /(^|, )util-linux( \([^)]*\))?(,|$)/);
    assert.match(run('dpkg-deb', ['-I', pkgs.deb, 'conffiles']), /^\/etc\/default\/cpud$/m);
  });

  it('the units pass systemd-analyze verify where the .deb puts them', STEP, () => {
    const root = mkdtempSync(join(tmpdir(), 'cpud-deb-root-'));
    try {
      run('dpkg-deb', ['-x', pkgs.deb, root]);
      // The package as the root: the targets and slices the units name, and
      // /bin/kill (procps), which cpud.service's ExecReload= runs.
      run('sh', [
        '-c',
        `cp -a /lib/systemd/system/*.target /lib/systemd/system/*.slice ${root}/lib/systemd/system`,
      ]);
      run('install', ['-D', '/bin/kill', join(root, 'bin/kill')]);
      // A template is checked through an instance (names with ":" fail on 252).
      const units = ['cpud.socket', 'cpud.service', 'cpud@1.service'];
      const result = spawnSync(
        'systemd-analyze',
        ['verify', '--man=no', `--root=${root}`, ...units],
        {
          encoding: 'utf8',
        },
      );
      const output = `${result.stdout}${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.doesNotMatch(output, /Unknown key|Unknown section|Failed/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lintian reports no error and no warning without an override', () => {
    const output = run('lintian', ['--fail-on', 'error', '--tag-display-limit', '0', pkgs.deb]);
    assert.deepEqual(
      output.split('\n').filter((l) => /^[EW]: /.test(l)),
      [],
    );
  });

  it('the .rpm holds the same runtime, its units, the sysconfig file, root-only /etc/cpud', () => {
    const paths = run('rpm', ['-qlp', pkgs.rpm]).trim().split('\n');
    const expected = [
      ...runtimeFiles(pkgs),
      '/usr/lib/systemd/system/cpud.socket',
      '/usr/lib/systemd/system/cpud@.service',
      '/usr/lib/systemd/system/cpud.service',
      '/usr/lib/systemd/system-preset/80-cpud.preset',
      '/etc/sysconfig/cpud',
      '/etc/cpud',
      '/usr/share/man/man8/cpud.8.gz',
    ];
    assert.deepEqual(
      expected.filter((p) => !paths.includes(p)),
      [],
    );
    assertNoStrays(paths);
    const info = run('rpm', ['-qip', pkgs.rpm]);
    assert.match(info, new RegExp(`^Version\\s*: ${pkgs.version.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(info, /^Release\s*: 1$/m);
    assert.match(info, new RegExp(`^Architecture: ${pkgs.rpmArch}$`, 'm'));
    const requires = run('rpm', ['-qpR', pkgs.rpm]);
    assert.match(requires, /^nodejs >= 20$/m);
    assert.match(requires, /^util-linux$/m);
  });

  it('the .rpm scriptlets make the host key and drive systemd, no macro unexpanded', () => {
    const scripts = run('rpm', ['-qp', '--scripts', pkgs.rpm]);
    assert.doesNotMatch(scripts, /%\{?systemd_/);
    assert.match(
      scripts,
      /postinstall scriptlet[\s\S]*cpud -keygen[\s\S]*preset cpud\.socket cpud\.service/,
    );
    assert.match(scripts, /preuninstall scriptlet[\s\S]*disable --now cpud\.socket cpud\.service/);
    assert.match(scripts, /postuninstall scriptlet[\s\S]*try-restart cpud\.service/);
    assert.doesNotMatch(scripts, /restart cpud@|restart cpud\.socket/);
  });

  it('rpmlint reports no error and no warning without a filter', () => {
    const rc = join(REPO, 'rpm', 'cpud.rpmlintrc');
    const output = run('rpmlint', ['-r', rc, pkgs.rpm]);
    assert.match(output, / 0 errors, 0 warnings/);
  });

  it("the .rpm's files unpack into a scratch root where the bundled cpud runs", STEP, () => {
    const root = mkdtempSync(join(tmpdir(), 'cpud-rpm-root-'));
    try {
      run('sh', ['-c', `rpm2cpio "${pkgs.rpm}" | cpio -idm --quiet`], { cwd: root });
      assert.equal(statSync(join(root, 'usr/sbin/cpud')).mode & 0o777, 0o755);
      assert.match(readFileSync(join(root, 'usr/sbin/cpud'), 'utf8'), /^exec \/usr\/bin\/node /m);
      assert.match(readFileSync(join(root, 'etc/sysconfig/cpud'), 'utf8'), /^CPUD_OPTS=/m);
      // The unpacked tree is complete: its own node_modules load and cpud answers -h.
      const help = run('node', [join(root, 'usr/lib/cpud/bin/cpud'), '-h']);
      assert.match(help, /^Usage: cpud/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('cpud .deb installed on this machine', () => {
  let pkgs: BuiltPackages;
  let guard: HostGuard;
  let listed: string[] = [];
  const client = mkdtempSync(join(tmpdir(), 'cpud-pkg-client-'));

  before(() => {
    pkgs = buildPackages();
    guard = guardHost();
  }, BUILD);
  after(() => {
    if (dpkgStatus('cpud') !== 'not-installed') spawnPurge();
    guard?.restore();
    rmSync(client, { recursive: true, force: true });
  });

  it('installs with dpkg and makes a root-only host key', STEP, (t) => {
    const { why } = installDeb(pkgs.deb);
    t.diagnostic(why);
    assert.equal(dpkgStatus('cpud'), 'ii');
    listed = run('dpkg', ['-L', 'cpud']).trim().split('\n');
    assert.equal(statSync('/etc/cpud').mode & 0o777, 0o700);
    assert.equal(statSync('/etc/cpud/ssh_host_ed25519_key').mode & 0o777, 0o600);
    // deb-systemd-helper enables the socket even without systemd running;
    // the daemon unit, which binds the same port, stays disabled.
    const wants = '/etc/systemd/system/sockets.target.wants/cpud.socket';
    assert.equal(readlinkSync(wants), '/lib/systemd/system/cpud.socket');
    assert.equal(existsSync('/etc/systemd/system/multi-user.target.wants/cpud.service'), false);
  });

  it(
    "serves an ssh session through systemd-socket-activate with cpud@.service's command",
    STEP,
    async () => {
      const pair = generateEd25519('package-test');
      writeFileSync('/etc/cpud/authorized_keys', `${pair.public}\n`, { mode: 0o600 });
      const clientKey = join(client, 'key');
      writeFileSync(clientKey, pair.private, { mode: 0o600 });
      const knownHosts = join(client, 'known_hosts');
      writeFileSync(knownHosts, `* ${readFileSync('/etc/cpud/ssh_host_ed25519_key.pub', 'utf8')}`);

      const { argv, env } = unitCommand('/lib/systemd/system/cpud@.service', '/etc/default/cpud');
      assert.equal(argv[0], '/usr/sbin/cpud');
      const port = await freePort();
      // --accept --inetd: one process per connection on stdin/stdout, as the
      // unit's Accept=yes socket with StandardInput=socket.
      const envArgs = env.flatMap((e) => ['-E', e]);
      const tool = launch('systemd-socket-activate', [
        '-l',
        `127.0.0.1:${port}`,
        '-a',
        '--inetd',
        ...envArgs,
        ...argv,
      ]);
      try {
        await waitForPort(port);
        const target = { port, keys: { clientKey, knownHosts } } as unknown as TestDaemon;
        const result = await runSsh(target, ['sh', '-c', "'echo packaged; exit 3'"]);
        assert.equal(result.code, 3, `${result.stderr}\n${tool.output()}`);
        assert.equal(result.stdout.toString(), 'packaged\n');
      } finally {
        await tool.stop();
      }
    },
  );

  it(
    'remove keeps the host key, a new install never replaces it, purge leaves nothing',
    STEP,
    () => {
      const key = readFileSync('/etc/cpud/ssh_host_ed25519_key', 'utf8');
      run('dpkg', ['--remove', 'cpud']);
      assert.equal(
        readFileSync('/etc/cpud/ssh_host_ed25519_key', 'utf8'),
        key,
        'remove must keep the host key',
      );
      installDeb(pkgs.deb);
      assert.equal(
        readFileSync('/etc/cpud/ssh_host_ed25519_key', 'utf8'),
        key,
        'install must not replace it',
      );
      run('dpkg', ['--purge', 'cpud']);
      assert.equal(dpkgStatus('cpud'), 'not-installed');
      assert.deepEqual(leftovers(listed), []);
    },
  );
});

function spawnPurge(): void {
  try {
    run('dpkg', ['--purge', 'cpud']);
  } catch {
    // The test that failed already says why; the guard restores the rest.
  }
}
