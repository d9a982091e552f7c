/**
 * `-srv PROGRAM`: cpud fronts another inetd-style SSH server. Each accepted
 * connection goes to `sshd -i` on stdin/stdout, from the daemon and from
 * the one-connection role alike; the client talks to OpenSSH's server.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { CPUD_BIN } from '../helpers/paths.js';
import { runSsh } from '../helpers/ssh.js';
import { freePort, launch, requireCommand, sshTo, waitForPort } from '../helpers/activation.js';

const SSHD = '/usr/sbin/sshd';

function sshdInetd(keys: TestKeys): string {
  return (
    `${SSHD} -i -f /dev/null -h ${keys.hostKey} ` +
    `-o AuthorizedKeysFile=${keys.authorized} -o StrictModes=no`
  );
}

function prepare(): void {
  requireCommand(SSHD, 'openssh-server');
  requireCommand('ssh', 'openssh-client');
  // sshd refuses to start without its privilege separation directory, which
  // only its own service creates.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
}

describe('-srv', () => {
  it('the daemon hands each connection to sshd -i', { timeout: 90_000 }, async () => {
    prepare();
    const keys = makeTestKeys();
    const daemon = await startDaemon({ keys, args: ['-srv', sshdInetd(keys)] });
    try {
      assert.ok(daemon.logs.some((l) => l.includes(`connections go to "${SSHD} -i`)));
      const results = await Promise.all(
        [9, 10].map((code) => runSsh(daemon, ['sh', '-c', `'echo sshd; exit ${code}'`])),
      );
      assert.deepEqual(
        results.map((r) => [r.code, r.stdout.toString()]),
        [
          [9, 'sshd\n'],
          [10, 'sshd\n'],
        ],
      );
      await daemon.waitForLog(/s2: \/usr\/sbin\/sshd for 127\.0\.0\.1:\d+ ended/);
    } finally {
      await daemon.stop();
      keys.cleanup();
    }
  });

  it('refuses at start a program that is not there', async () => {
    const keys = makeTestKeys();
    await assert.rejects(
      startDaemon({ keys, args: ['-srv', '/no/such/sshd -i'] }),
      /flag "-srv": "\/no\/such\/sshd" is not an executable program here/,
    );
    keys.cleanup();
  });

  it('the one-connection role hands its socket to sshd -i', { timeout: 90_000 }, async () => {
    prepare();
    const keys = makeTestKeys();
    const port = await freePort();
    const tool = launch('systemd-socket-activate', [
      '-l',
      `127.0.0.1:${port}`,
      '--accept',
      '-E',
      'CPUD_SESSION=1',
      CPUD_BIN,
      '-srv',
      sshdInetd(keys),
    ]);
    try {
      await waitForPort(port);
      const result = await sshTo(port, keys, ['sh', '-c', "'echo one; exit 11'"]);
      assert.equal(result.code, 11, result.stderr);
      assert.equal(result.stdout.toString(), 'one\n');
    } finally {
      await tool.stop();
      keys.cleanup();
    }
  });
});
