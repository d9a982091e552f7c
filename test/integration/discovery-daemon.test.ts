/**
 * Advertising is optional (STYLE.md, practice 7): where it cannot work,
 * cpud warns once and serves all the same. No multicast is sent here: the
 * daemons listen on loopback, or live in a namespace with loopback only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';

const CPU_BIN = join(REPO, 'bin', 'cpu');
const NS = `cpdE${process.pid % 100000}`;

function runCpu(args: string[], prefix: string[] = []): { code: number | null; stdout: string } {
  const argv = [...prefix, CPU_BIN, ...args];
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout };
}

describe('cpud serves when it cannot advertise', () => {
  after(() => void spawnSync('ip', ['netns', 'del', NS]));

  it('warns once about an interface that does not exist, and serves', async () => {
    const daemon = await startDaemon({ args: ['-dsInterface', 'nosuch0'] });
    try {
      const warning = await daemon.waitForLog(/DNS-SD/);
      assert.match(warning, /warn: DNS-SD: not advertised: interface "nosuch0" does not exist/);
      const base = ['-key', daemon.keys.clientKey, '-p', String(daemon.port), '-9p=false'];
      const result = runCpu([...base, '127.0.0.1', '/bin/echo', 'served']);
      assert.equal(result.stdout, 'served\n');
      assert.equal(daemon.logs.filter((l) => /DNS-SD/.test(l)).length, 1);
    } finally {
      await daemon.stop();
    }
  });

  it('says once that a loopback-only daemon is not advertised', async () => {
    const daemon = await startDaemon();
    try {
      const line = await daemon.waitForLog(/DNS-SD/);
      assert.match(line, /info: DNS-SD: not advertised: cpud listens on loopback only/);
    } finally {
      await daemon.stop();
    }
  });

  it('warns once on a network without multicast (loopback only), and serves', async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    assert.equal(spawnSync('ip', ['netns', 'add', NS]).status, 0, 'ip netns add (iproute2)');
    spawnSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    const daemon = await startDaemon({
      wrap: ['ip', 'netns', 'exec', NS],
      args: ['-addr', '0.0.0.0'],
    });
    try {
      const warning = await daemon.waitForLog(/DNS-SD/);
      assert.match(warning, /warn: DNS-SD: not advertised: no interface is up with an IPv4/);
      const base = ['-key', daemon.keys.clientKey, '-p', String(daemon.port), '-9p=false'];
      const inNs = ['ip', 'netns', 'exec', NS];
      const result = runCpu([...base, '127.0.0.1', '/bin/echo', 'served'], inNs);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'served\n');
    } finally {
      await daemon.stop();
    }
  });
});
