/**
 * cpud's advertisement as a browser nobody here wrote sees it: avahi-browse,
 * with its own avahi-daemon and a private D-Bus, in a second network
 * namespace on a veth link to cpud's. Also the goodbye: avahi drops the
 * service at once when cpud stops, instead of when its TTLs run out.
 * Needs root, iproute2, avahi-daemon, avahi-utils, dbus.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const tag = process.pid % 100000;
const NS_A = `cpdC${tag}`;
const NS_B = `cpdD${tag}`;
const INSTANCE = `avahi${tag}-cpud`;

function sh(argv: string[]): void {
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${argv.join(' ')}: ${run.stderr || run.error}`);
}

function makeNamespaces(): string {
  const veth = `cpdw${tag}`;
  for (const ns of [NS_A, NS_B]) sh(['ip', 'netns', 'add', ns]);
  sh(['ip', 'link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`]);
  sh(['ip', 'link', 'set', `${veth}a`, 'netns', NS_A]);
  sh(['ip', 'link', 'set', `${veth}b`, 'netns', NS_B]);
  sh(['ip', '-n', NS_A, 'addr', 'add', '10.231.0.1/24', 'dev', `${veth}a`]);
  sh(['ip', '-n', NS_B, 'addr', 'add', '10.231.0.2/24', 'dev', `${veth}b`]);
  for (const [ns, dev] of [[NS_A, `${veth}a`], [NS_B, `${veth}b`]]) {
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  }
  return `${veth}b`;
}

function removeNamespaces(): void {
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}

/** Collects a child's output and resolves when it matches. */
function watch(child: ChildProcess): (pattern: RegExp, ms: number) => Promise<string> {
  let seen = '';
  const wakes = new Set<() => void>();
  const take = (chunk: Buffer): void => {
    seen += chunk.toString();
    for (const wake of wakes) wake();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return (pattern, ms) =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const line = seen.split('\n').find((l) => pattern.test(l));
        if (line === undefined) return;
        wakes.delete(check);
        clearTimeout(timer);
        resolve(line);
      };
      const timer = setTimeout(() => {
        wakes.delete(check);
        reject(new Error(`never saw ${pattern} in:\n${seen}`));
      }, ms);
      wakes.add(check);
      check();
    });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('avahi-browse sees cpud in another network namespace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpud-avahi-'));
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(dir, 'bus')}` };
  let bus: ChildProcess | undefined;
  let avahi: ChildProcess | undefined;
  let daemon: TestDaemon | undefined;

  before(async () => {
    for (const [tool, pkg] of [
      ['ip', 'iproute2'],
      ['avahi-daemon', 'avahi-daemon'],
      ['avahi-browse', 'avahi-utils'],
      ['dbus-daemon', 'dbus'],
    ]) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
        assert.fail(`${tool} is missing: install the Debian package ${pkg}`);
      }
    }
    removeNamespaces();
    const iface = makeNamespaces();
    // A bus of our own: avahi-browse talks to avahi-daemon over D-Bus only.
    writeFileSync(
      join(dir, 'bus.conf'),
      `<busconfig><type>system</type><listen>unix:path=${join(dir, 'bus')}</listen>` +
        '<auth>EXTERNAL</auth><policy context="default"><allow user="root"/>' +
        '<allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>' +
        '</policy></busconfig>',
    );
    const busArgs = [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--print-address'];
    bus = spawn('dbus-daemon', busArgs);
    await watch(bus)(/unix:path=/, 5000);
    writeFileSync(
      join(dir, 'avahi.conf'),
      `[server]\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${iface}\nenable-dbus=yes\n` +
        '[wide-area]\nenable-wide-area=no\n[publish]\ndisable-publishing=yes\n',
    );
    // ip netns exec gives a mount namespace of its own: the tmpfs keeps
    // avahi's pid file away from any avahi-daemon of the host.
    avahi = spawn(
      'ip',
      ['netns', 'exec', NS_B, 'sh', '-c',
        'mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon && ' +
        `exec avahi-daemon -f ${join(dir, 'avahi.conf')} --no-chroot --no-drop-root --no-rlimits`],
      { env },
    );
    await watch(avahi)(/Server startup complete/, 10_000);
    daemon = await startDaemon({
      wrap: ['ip', 'netns', 'exec', NS_A],
      args: ['-addr', '10.231.0.1', '-dsInstance', INSTANCE, '-dsTxt', 'rack=7'],
    });
  });

  after(async () => {
    await daemon?.stop();
    await stop(avahi);
    await stop(bus);
    removeNamespaces();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves the instance with its address, port and TXT records', async () => {
    const argv = ['netns', 'exec', NS_B, 'avahi-browse', '-rpt', '_ncpu._tcp'];
    const browse = spawn('ip', argv, { env });
    const line = await watch(browse)(new RegExp(`^=;.*;${INSTANCE};_ncpu\\._tcp;local;`), 10_000);
    await stop(browse);
    const fields = line.split(';');
    assert.equal(fields[7], '10.231.0.1');
    assert.equal(Number(fields[8]), daemon!.port);
    for (const key of ['arch', 'os', 'cores', 'mem.avail', 'mem.total', 'cpu.pcnt', 'tenants']) {
      assert.match(fields[9], new RegExp(`"${key.replace('.', '\\.')}=[^"]+"`), key);
    }
    assert.match(fields[9], /"tenants=0"/);
    assert.match(fields[9], /"rack=7"/);
  });

  it('sees the service removed within two seconds of cpud stopping (goodbye)', async () => {
    const argv = ['netns', 'exec', NS_B, 'avahi-browse', '-p', '_ncpu._tcp'];
    const browse = spawn('ip', argv, { env });
    const seen = watch(browse);
    await seen(new RegExp(`^\\+;.*;${INSTANCE};`), 10_000);
    const stopped = Date.now();
    await daemon!.stop();
    daemon = undefined;
    await seen(new RegExp(`^-;.*;${INSTANCE};`), 2000);
    await stop(browse);
    assert.ok(Date.now() - stopped < 2000);
  });
});
