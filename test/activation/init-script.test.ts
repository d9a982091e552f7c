/**
 * init.d/cpud, the script for hosts without systemd: start puts the daemon
 * in the background with a pid file and its log in syslog; status, a real
 * session, stop; and nothing is left running afterwards.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { CPUD_BIN, REPO } from '../helpers/paths.js';
import {
  freePort,
  processesMatching,
  receiveDatagrams,
  requireCommand,
  sshTo,
  waitForPort,
  type DatagramReceiver,
} from '../helpers/activation.js';

const SCRIPT = join(REPO, 'init.d', 'cpud');

describe('init.d/cpud', () => {
  let keys: TestKeys;
  let syslog: DatagramReceiver;
  let port: number;
  let env: NodeJS.ProcessEnv;

  const run = (action: string): { status: number | null; stdout: string } => {
    const result = spawnSync('sh', [SCRIPT, action], { env, encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, stdout: result.stdout + result.stderr };
  };

  before(async () => {
    requireCommand('ssh', 'openssh-client');
    keys = makeTestKeys();
    syslog = await receiveDatagrams(join(keys.dir, 'syslog.sock'));
    port = await freePort();
    env = {
      ...process.env,
      CPUD_DEFAULTS: join(keys.dir, 'no-defaults'),
      CPUD: CPUD_BIN,
      CPUD_KEYS: keys.authorized,
      CPUD_OPTS: `-p ${port} -addr 127.0.0.1 -hostkey ${keys.hostKey}`,
      PIDFILE: join(keys.dir, 'cpud.pid'),
      CPUD_SYSLOG_SOCKET: syslog.path,
    };
  });

  after(async () => {
    run('stop');
    for (const pid of processesMatching(`-p ${port} -addr 127.0.0.1`)) process.kill(pid, 'SIGKILL');
    await syslog?.close();
    keys?.cleanup();
  });

  it(
    'starts, reports status, serves a session, stops, and leaves no process',
    { timeout: 90_000 },
    async () => {
      const started = run('start');
      assert.equal(started.status, 0, started.stdout);
      assert.ok(existsSync(env.PIDFILE!), 'pid file written');

      const status = run('status');
      assert.equal(status.status, 0, status.stdout);
      assert.match(status.stdout, /cpud is running \(pid \d+\)/);

      await waitForPort(port);
      const result = await sshTo(port, keys, ['sh', '-c', "'echo via-init-script; exit 4'"]);
      assert.equal(result.code, 4, result.stderr);
      assert.equal(result.stdout.toString(), 'via-init-script\n');
      await syslog.waitFor(/cpud\[\d+\]: daemon listening on 127\.0\.0\.1:\d+/);
      await syslog.waitFor(/command ended: status 4/);

      const stopped = run('stop');
      assert.equal(stopped.status, 0, stopped.stdout);
      assert.equal(existsSync(env.PIDFILE!), false, 'pid file removed');
      assert.equal(run('status').status, 3);
      assert.deepEqual(processesMatching(`-p ${port} -addr 127.0.0.1`), []);
      await syslog.waitFor(/SIGTERM: ending 0 sessions and exiting/);
    },
  );
});
