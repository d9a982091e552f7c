/**
 * cpud under a real inetd (Debian's openbsd-inetd), from the line shipped in
 * inetd/cpud.conf. inetd puts the connection on fds 0, 1 and 2, so a single
 * log line written to stderr would land inside the SSH stream: with `-d`
 * cpud logs a lot, and all of it must reach syslog instead.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { CPUD_BIN, REPO } from '../helpers/paths.js';
import {
  freePort,
  launch,
  receiveDatagrams,
  requireCommand,
  sshTo,
  waitForPort,
  type DatagramReceiver,
  type Launched,
} from '../helpers/activation.js';

const INETD = '/usr/sbin/inetd';

/** The shipped line, uncommented, on a loopback test port, with test keys and syslog socket. */
function testInetdLine(port: number, keys: TestKeys, syslog: string): string {
  const shipped = readFileSync(join(REPO, 'inetd', 'cpud.conf'), 'utf8')
    .split('\n')
    .find((line) => /^#17010\s/.test(line));
  assert.ok(shipped, 'inetd/cpud.conf has a commented 17010 line');
  return shipped
    .slice(1)
    .replace(/^17010/, `127.0.0.1:${port}`)
    .replace('env CPUD_SESSION=1', `env CPUD_SESSION=1 CPUD_SYSLOG_SOCKET=${syslog}`)
    .replace('/usr/sbin/cpud', `${CPUD_BIN} -d -hostkey ${keys.hostKey}`)
    .replace('/etc/cpud/authorized_keys', keys.authorized);
}

describe('openbsd-inetd', () => {
  let keys: TestKeys;
  let syslog: DatagramReceiver;
  let inetd: Launched;
  let port: number;

  before(async () => {
    requireCommand(INETD, 'openbsd-inetd');
    requireCommand('ssh', 'openssh-client');
    keys = makeTestKeys();
    syslog = await receiveDatagrams(join(keys.dir, 'syslog.sock'));
    port = await freePort();
    const config = join(keys.dir, 'inetd.conf');
    writeFileSync(config, `${testInetdLine(port, keys, syslog.path)}\n`);
    // -d: foreground with debug output; -i: never daemonize.
    inetd = launch(INETD, ['-d', '-i', config]);
    await waitForPort(port);
  });

  after(async () => {
    await inetd?.stop();
    await syslog?.close();
    keys?.cleanup();
  });

  it('serves a session and its exit status', { timeout: 60_000 }, async () => {
    const result = await sshTo(port, keys, ['sh', '-c', "'echo served; exit 7'"]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 7);
    assert.equal(result.stdout.toString(), 'served\n');
  });

  it(
    'keeps the SSH stream clean while cpud logs: every byte arrives intact',
    { timeout: 60_000 },
    async () => {
      const input = Buffer.alloc(1 << 20);
      for (let i = 0; i < input.length; i++) input[i] = (i * 7919) & 0xff;
      const result = await sshTo(port, keys, ['sha256sum'], { input });
      assert.equal(result.stderr, '', 'ssh saw no corrupt packet');
      assert.equal(result.code, 0);
      const expected = createHash('sha256').update(input).digest('hex');
      assert.equal(result.stdout.toString().split(' ')[0], expected);

      const back = await sshTo(port, keys, ['head', '-c', '1048576', '/dev/zero']);
      assert.equal(back.stderr, '');
      assert.equal(back.stdout.length, 1 << 20);
    },
  );

  it('sends its log lines to syslog, debug detail included', { timeout: 30_000 }, async () => {
    await syslog.waitFor(/^<30>.* cpud\[\d+\]: c1: login accepted/);
    await syslog.waitFor(/^<31>.* cpud\[\d+\]: .*one connection on fd 0; logging to syslog/);
    await syslog.waitFor(/c1 s1: command ended: status 7/);
  });
});
