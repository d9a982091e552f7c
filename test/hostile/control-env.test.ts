/**
 * A command's environment never carries the daemon's control variables:
 * not those the daemon itself was started with (socket activation,
 * notification, role), nor the same names sent by the client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type ssh2 from 'ssh2';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { collect, connectClient, exec } from '../helpers/ssh2-client.js';

const CONTROL = {
  LISTEN_FDS: '2',
  LISTEN_PID: '1',
  LISTEN_FDNAMES: 'a:b',
  NOTIFY_SOCKET: '/nonexistent/notify',
  WATCHDOG_USEC: '1000000000',
  WATCHDOG_PID: '1',
  // Set but empty: the daemon role stays, the variable is still there.
  CPUD_SESSION: '',
};
const SESSION = { CPUNONCE: '0123456789abcdef0123456789abcdef', CPU_FSTAB: '# none\n', LC_GLENDA_CPU_FSTAB: '# none\n' };

function names(envOutput: string): string[] {
  return envOutput.split(/\r?\n/).map((line) => line.split('=')[0]);
}

describe('control variables', () => {
  let daemon: TestDaemon;
  let client: ssh2.Client;
  before(async () => {
    daemon = await startDaemon({ env: CONTROL });
    client = await connectClient(daemon);
  });
  after(async () => {
    client.end();
    await daemon.stop();
  });

  for (const pty of [false, true]) {
    it(`never reach a command's environment (${pty ? 'pty' : 'pipes'})`, async () => {
      const env = { ...CONTROL, ...SESSION, CPUD_SESSION: '1', KEPT_BY_CLIENT: 'yes' };
      const options: ssh2.ExecOptions = pty ? { env, pty: { rows: 24, cols: 80 } } : { env };
      const outcome = await collect(await exec(client, 'env', options));
      assert.equal(outcome.code, 0);
      const seen = names(outcome.stdout);
      assert.ok(seen.includes('KEPT_BY_CLIENT'), 'the client variables reach the command');
      for (const name of [...Object.keys(CONTROL), ...Object.keys(SESSION)]) {
        assert.ok(!seen.includes(name), `${name} reached the command`);
      }
    });
  }
});
