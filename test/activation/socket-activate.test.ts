/**
 * cpud behind systemd-socket-activate, which does what systemd's socket
 * units do: Accept=yes with the connection on fd 3 (LISTEN_FDS=1), Accept=yes
 * with the connection on stdin/stdout (--inetd, as StandardInput=socket),
 * and Accept=no with the listener on fd 3 for the daemon.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { CPUD_BIN } from '../helpers/paths.js';
import {
  freePort,
  launch,
  requireCommand,
  sshTo,
  waitForPort,
  type Launched,
} from '../helpers/activation.js';

const TIMEOUT = { timeout: 120_000 };

async function activate(
  keys: TestKeys,
  mode: string[],
  env: Record<string, string>,
): Promise<{ port: number; tool: Launched }> {
  const port = await freePort();
  const cpud = [CPUD_BIN, '-hostkey', keys.hostKey, '-key', keys.authorized];
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
  const tool = launch('systemd-socket-activate', [
    '-l',
    `127.0.0.1:${port}`,
    ...mode,
    ...envArgs,
    ...cpud,
  ]);
  await waitForPort(port);
  return { port, tool };
}

/** Several sessions one after another, then two at once; each keeps its exit status. */
async function sessionsWork(port: number, keys: TestKeys): Promise<void> {
  for (const code of [0, 3, 42]) {
    const result = await sshTo(port, keys, ['echo', 'hello;', 'exit', String(code)]);
    assert.equal(result.code, code, result.stderr);
    assert.equal(result.stdout.toString(), 'hello\n');
  }
  const both = await Promise.all([
    sshTo(port, keys, ['sh', '-c', "'sleep 1; echo one; exit 5'"]),
    sshTo(port, keys, ['sh', '-c', "'sleep 1; echo two; exit 6'"]),
  ]);
  assert.deepEqual(
    both.map((r) => [r.code, r.stdout.toString()]),
    [
      [5, 'one\n'],
      [6, 'two\n'],
    ],
  );
}

/** The cpud pids that accepted a login: one per connection in the Accept=yes modes. */
function loggingPids(output: string): Set<string> {
  return new Set([...output.matchAll(/cpud\[(\d+)\]: info: c\d+: login accepted/g)].map((m) => m[1]));
}

describe('systemd socket activation', () => {
  let keys: TestKeys;
  before(() => {
    requireCommand('systemd-socket-activate', 'systemd');
    requireCommand('ssh', 'openssh-client');
    keys = makeTestKeys();
  });
  after(() => keys.cleanup());

  it('Accept=yes with fd 3 (LISTEN_FDS=1) starts one cpud per connection', TIMEOUT, async () => {
    const { port, tool } = await activate(keys, ['--accept'], { CPUD_SESSION: '1' });
    try {
      await sessionsWork(port, keys);
      assert.equal(loggingPids(tool.output()).size, 5, tool.output());
      assert.doesNotMatch(tool.output(), /error|daemon listening/);
    } finally {
      await tool.stop();
    }
  });

  it(
    'Accept=yes with the connection on stdin/stdout (--inetd) starts one cpud per connection',
    TIMEOUT,
    async () => {
      const { port, tool } = await activate(keys, ['--accept', '--inetd'], { CPUD_SESSION: '1' });
      try {
        await sessionsWork(port, keys);
        assert.equal(loggingPids(tool.output()).size, 5, tool.output());
      } finally {
        await tool.stop();
      }
    },
  );

  it('each one-connection cpud exits when its SSH connection ends', TIMEOUT, async () => {
    const { port, tool } = await activate(keys, ['--accept'], { CPUD_SESSION: '1' });
    try {
      await sshTo(port, keys, ['true']);
      await tool.waitForOutput(/Child \d+ died with code 0/, 15_000);
    } finally {
      await tool.stop();
    }
  });

  it('Accept=no hands the daemon its listener (LISTEN_FDS, LISTEN_FDNAMES)', TIMEOUT, async () => {
    const { port, tool } = await activate(keys, ['--fdname=cpud.socket'], {});
    try {
      await tool.waitForOutput(/daemon listening on 127\.0\.0\.1:\d+ \(fd 3, cpud\.socket\)/);
      await sessionsWork(port, keys);
      assert.equal(loggingPids(tool.output()).size, 1, 'one daemon served every connection');
    } finally {
      await tool.stop();
    }
  });
});
