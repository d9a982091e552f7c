/**
 * The whole system, end to end: a Debian kernel in qemu whose PID 1 is
 * cpud (e2e-guest.ts), and our `cpu` client on the host reaching it through
 * qemu's port forward. One boot serves every case, in order.
 *
 * Only the host-only-program case uses the default namespace: under TCG
 * every file the command opens crosses 9P through the guest's SSH stack,
 * so a dynamically linked host program costs tens of seconds. The other
 * cases pass `-namespace none`: the 9P mount on /tmp/cpu and everything
 * else in the session are the same, and the guest's busybox runs them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { bootCpudGuest, GUEST_HOSTNAME, type CpudGuest } from './e2e-guest.js';
import { cpuArgs, runCpu, shellQuote, startCpu, waitForText } from './e2e-client.js';
import type { CpuTarget } from './e2e-client.js';
import { TestTmux } from './e2e-tmux.js';

const BOOT_TIMEOUT_MS = 5 * 60_000;
const NONE = ['-namespace', 'none'];
const STEP_MS = 120_000;
const DEFAULT_NAMESPACE_MS = 300_000;

describe('cpu against cpud as PID 1 in a VM', () => {
  let keys: TestKeys;
  let guest: CpudGuest | undefined;
  let target: CpuTarget;
  let shared: string;
  const hostOnly = `/usr/local/bin/cpu-e2e-host-only-${process.pid}`;
  const tmux = new TestTmux();
  const figures: string[] = [];
  const figure = (t: TestContext, what: string, ms: number): void => {
    const line = `${what}: ${(ms / 1000).toFixed(1)} s`;
    figures.push(line);
    t.diagnostic(line);
  };

  before(async () => {
    TestTmux.require();
    keys = makeTestKeys();
    shared = mkdtempSync(join(tmpdir(), 'cpu-e2e-'));
    const hostPublic = join(keys.dir, 'host_key.pub');
    writeFileSync(hostPublic, `${keys.hostPublic}\n`);
    const guestKeys = {
      hostKey: readFileSync(keys.hostKey, 'utf8'),
      authorized: readFileSync(keys.authorized, 'utf8'),
    };
    guest = await bootCpudGuest(guestKeys, 20 * 60_000);
    target = { port: guest.port, key: keys.clientKey, hostPublic };
    figures.push(
      `initramfs ${(guest.initramfsMs / 1000).toFixed(1)} s`,
      `boot to cpud listening ${(guest.bootMs / 1000).toFixed(1)} s`,
    );
  }, { timeout: BOOT_TIMEOUT_MS });

  after(async () => {
    tmux.close();
    await guest?.vm.stop();
    rmSync(hostOnly, { force: true });
    if (shared) rmSync(shared, { recursive: true, force: true });
    keys?.cleanup();
    if (guest) figures.push(`console log: ${guest.vm.logPath}`);
    for (const line of figures) process.stderr.write(`cpu-e2e: ${line}\n`);
  });

  it('runs a command on cpud as PID 1, with its output, stderr and exit status', async (t) => {
    const result = await runCpu(target, {
      flags: NONE,
      command: [
        'sh', '-c', 'tr "\\0" " " </proc/1/cmdline; echo; hostname; echo to-stderr >&2; exit 7',
      ],
      timeoutMs: STEP_MS,
    });
    figure(t, 'command with status', result.ms);
    assert.equal(result.status, 7, result.stderr);
    const [pid1, hostname] = result.stdout.split('\n');
    assert.match(pid1, /^\/usr\/bin\/node \/opt\/cpud\/bin\/cpud /);
    assert.equal(hostname, GUEST_HOSTNAME, 'PID 1 names the machine from /etc/hostname');
    assert.match(result.stderr, /to-stderr/);
    // cpud's init role, not the prelude, mounted all of these.
    const setUp = /init: PID 1; mounted \/proc \/sys \/dev \/dev\/pts \/dev\/shm \/tmp \/run\n/;
    assert.match(guest!.vm.console, setUp);
  });

  it('shows the host\'s files on /tmp/cpu, both ways', async (t) => {
    writeFileSync(join(shared, 'from-host.txt'), 'written on the host\n');
    const guestDir = `/tmp/cpu${shared}`;
    const result = await runCpu(target, {
      flags: NONE,
      command: [
        'sh', '-c',
        `cat ${guestDir}/from-host.txt && echo written in the VM > ${guestDir}/from-vm.txt`,
      ],
      timeoutMs: STEP_MS,
    });
    figure(t, '/tmp/cpu both ways', result.ms);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'written on the host\n');
    assert.equal(readFileSync(join(shared, 'from-vm.txt'), 'utf8'), 'written in the VM\n');
  });

  it('streams a host file that the command sends from 9P to its output (sendfile)', async (t) => {
    // busybox cat sendfile()s into its stdout. Were that stdout a pipe, the
    // writer would hold the pipe's lock while the 9P read it waits for
    // crosses the daemon, whose read of the same pipe then blocks in the
    // kernel: the daemon hung here, now and then, before socketpairs.
    const size = 2 * 1024 * 1024;
    writeFileSync(join(shared, 'big.bin'), Buffer.alloc(size, 'x'));
    const guestFile = `/tmp/cpu${shared}/big.bin`;
    const rounds = 8;
    const result = await runCpu(target, {
      flags: NONE,
      command: ['sh', '-c', `for i in ${'x '.repeat(rounds)}; do cat ${guestFile}; done`],
      timeoutMs: STEP_MS,
    });
    figure(t, `${rounds} x 2 MiB cat from 9P`, result.ms);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.length, rounds * size);
  });

  it('runs a program that exists only on the host, under the default namespace', async (t) => {
    const program = '#!/bin/sh\necho "host-only program on $(cat /proc/sys/kernel/hostname)"\n';
    writeFileSync(hostOnly, program, { mode: 0o755 });
    const name = hostOnly.slice(hostOnly.lastIndexOf('/') + 1);
    // Found through PATH in the host's /usr bound over the guest's; the
    // guest's own tree (/tmp/local) must not have it.
    const result = await runCpu(target, {
      command: [
        'sh', '-c', `${name}; test -e /tmp/local${hostOnly} && echo in-guest || echo not-in-guest`,
      ],
      timeoutMs: DEFAULT_NAMESPACE_MS,
    });
    figure(t, 'host-only program, default namespace', result.ms);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `host-only program on ${GUEST_HOSTNAME}\nnot-in-guest\n`);
    assert.doesNotMatch(result.stderr, /CPU_FSTAB/, 'every default namespace line binds');
  });

  it('gives an interactive shell a terminal that follows the window size', async (t) => {
    const started = Date.now();
    const command = cpuArgs(target, NONE).map(shellQuote).join(' ');
    tmux.start(
      'shell',
      { columns: 100, rows: 30 },
      `${shellQuote(process.execPath)} ${command}; echo "cpu-status=$?"; sleep 600`,
    );
    const screen = (): string => tmux.screen('shell');
    // Typed until a shell answers: keys sent before the session is up are lost.
    const deadline = Date.now() + STEP_MS;
    while (!/shell-up-42/.test(screen())) {
      assert.ok(Date.now() < deadline, `no shell prompt in time:\n${screen()}`);
      tmux.type('shell', 'echo shell-up-$((6*7))');
      await waitForText(screen, /shell-up-42/, 5000).catch(() => undefined);
    }
    tmux.type('shell', 'stty size');
    await waitForText(screen, /^30 100\s*$/m, 30_000);
    tmux.resize('shell', { columns: 120, rows: 40 });
    // The window change travels apart from the keys: ask again until it lands.
    const resized = Date.now() + 30_000;
    while (!/^40 120\s*$/m.test(screen())) {
      assert.ok(Date.now() < resized, `the new size did not reach the VM:\n${screen()}`);
      tmux.type('shell', 'stty size');
      await waitForText(screen, /^40 120\s*$/m, 5000).catch(() => undefined);
    }
    tmux.type('shell', 'exit 3');
    await waitForText(screen, /cpu-status=3/, 30_000);
    figure(t, 'interactive shell with a resize', Date.now() - started);
  });

  it('keeps two sessions at once in separate namespaces', async (t) => {
    const started = Date.now();
    const first = startCpu(target, {
      flags: NONE,
      command: ['sh', '-c', 'echo one > /tmp/only-first; echo first-ready; read go; ls /tmp'],
    });
    await waitForText(first.stdout, /first-ready/, STEP_MS);
    const second = await runCpu(target, {
      flags: NONE,
      command: ['sh', '-c', 'echo two > /tmp/only-second; ls /tmp'],
      timeoutMs: STEP_MS,
    });
    first.child.stdin!.end('go\n');
    const one = await first.done;
    figure(t, 'two sessions at once', Date.now() - started);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(one.status, 0, one.stderr);
    assert.match(second.stdout, /only-second/);
    assert.doesNotMatch(second.stdout, /only-first/);
    assert.match(one.stdout, /only-first/);
    assert.doesNotMatch(one.stdout, /only-second/);
  });

  it('leaves no process in the VM when the client is killed', async (t) => {
    const started = Date.now();
    const doomed = startCpu(target, {
      flags: NONE,
      command: ['sh', '-c', 'echo doomed-ready; exec sleep 4243'],
    });
    await waitForText(doomed.stdout, /doomed-ready/, STEP_MS);
    doomed.child.kill('SIGKILL');
    await doomed.done;

    let left = '';
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      const ps = await runCpu(target, {
        flags: NONE,
        command: ['ps', '-o', 'pid,args'],
        timeoutMs: STEP_MS,
      });
      assert.equal(ps.status, 0, ps.stderr);
      const lines = ps.stdout.split('\n');
      // The listing's own helper is the one `-remote` allowed.
      left = lines.filter((l) => /sleep 4243|-remote/.test(l)).join('\n');
      if (!/sleep 4243/.test(left) && lines.filter((l) => /-remote/.test(l)).length <= 1) break;
      assert.ok(Date.now() < deadline, `still running in the VM:\n${left}`);
    }
    figure(t, 'killed client cleaned up', Date.now() - started);
    assert.match(guest!.vm.console, /command ended: signal SIG(HUP|KILL)/, 'cpud ended it');
  });
});
