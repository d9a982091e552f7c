/**
 * The daemon's sd_notify(3) messages, received on a NOTIFY_SOCKET the test
 * makes (python3: Node has no unix datagram sockets): READY=1 once it
 * listens, STATUS= with the number of sessions, WATCHDOG=1 when
 * WATCHDOG_USEC asks for it, and STOPPING=1 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { runSsh } from '../helpers/ssh.js';
import { receiveDatagrams } from '../helpers/activation.js';

describe('systemd notification', () => {
  it('sends READY=1, STATUS=, WATCHDOG=1 and STOPPING=1', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpud-notify-'));
    const socket = await receiveDatagrams(join(dir, 'notify.sock'));
    const daemon = await startDaemon({
      args: ['-d'],
      env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '300000' },
    });
    try {
      await socket.waitFor(/^READY=1$/);
      await socket.waitFor(/^STATUS=serving 0 sessions$/);
      await socket.waitFor(/^WATCHDOG=1$/);
      assert.ok(
        daemon.logs.some((l) => /notify: via (sd-notify|systemd-notify)/.test(l)),
        daemon.logs.join('\n'),
      );

      const session = runSsh(daemon, ['sleep', '5']);
      await socket.waitFor(/^STATUS=serving 1 sessions$/, 15_000);
      assert.equal((await session).code, 0);

      assert.equal(await daemon.stop('SIGTERM'), 0);
      await socket.waitFor(/^STOPPING=1$/);
      const order = socket.messages();
      assert.ok(order.indexOf('READY=1') < order.indexOf('STOPPING=1'));
    } finally {
      await daemon.stop();
      await socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
