/**
 * cpud as PID 1 of a new PID, mount and UTS namespace, as it runs as /init
 * of a boot image: it sets the machine up, serves sessions through its
 * daemon child, reaps the orphans sessions leave behind, and never takes a
 * session's exit status from the code that waits for it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { CPUD_BIN, REPO } from '../helpers/paths.js';
import { freePort, launch, requireCommand, sshTo, type Launched } from '../helpers/activation.js';

const ORPHANS = 50;
const SESSIONS = 20;
const BATCH = 5;

describe('cpud as PID 1', () => {
  let keys: TestKeys;
  let keyDir: string;
  let port: number;
  let init: Launched;

  before(async () => {
    requireCommand('unshare', 'util-linux');
    requireCommand('ssh', 'openssh-client');
    keys = makeTestKeys();
    // Not under /tmp: PID 1 mounts a fresh tmpfs on /tmp where none is mounted.
    keyDir = mkdtempSync('/var/tmp/cpud-pid1-');
    for (const name of ['host_key', 'authorized_keys'])
      copyFileSync(join(keys.dir, name), join(keyDir, name));
    port = await freePort();
    // PID 1 mounts a tmpfs on /tmp when /tmp is no mount point. A checkout
    // under /tmp (as CI's may be) would vanish: bind /tmp on itself first,
    // in the new namespace, and exec cpud so that it stays PID 1.
    const prelude = REPO.startsWith('/tmp/') ? 'mount --bind /tmp /tmp && ' : '';
    init = launch('unshare', [
      '--pid',
      '--fork',
      '--mount',
      '--mount-proc',
      '--uts',
      '--kill-child',
      'sh',
      '-c',
      `${prelude}exec "$0" "$@"`,
      CPUD_BIN,
      '-d',
      '-p',
      String(port),
      '-addr',
      '127.0.0.1',
      '-hostkey',
      join(keyDir, 'host_key'),
      '-key',
      join(keyDir, 'authorized_keys'),
    ]);
    await init.waitForOutput(/daemon listening on 127\.0\.0\.1:/, 60_000);
  });

  after(async () => {
    await init?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    keys?.cleanup();
  });

  it(
    'sets the machine up as PID 1 and runs the daemon as its child',
    { timeout: 60_000 },
    async () => {
      assert.match(init.output(), /cpud\[1\]: info: init: PID 1; mounted /);
      assert.match(init.output(), /cpud\[1\]: info: init: daemon started \(pid \d+\)/);
      const result = await sshTo(port, keys, [
        'sh',
        '-c',
        '\'cat /proc/1/cmdline | tr "\\\\0" " "; exit 3\'',
      ]);
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stdout.toString(), /bin\/cpud -d -p/);
    },
  );

  it(
    `reaps ${ORPHANS} orphans while ${SESSIONS} sessions keep their exit statuses`,
    { timeout: 240_000 },
    async () => {
      // Each (sleep &) subshell exits at once: its sleep is re-parented to PID 1
      // and dies within 0-5 s, while the sessions below run.
      const orphans =
        `for i in $(seq ${ORPHANS}); do (sleep $((i % 5)).$((i % 10)) &); done; exit 7`;
      const first = await sshTo(port, keys, ['sh', '-c', `'${orphans}'`]);
      assert.equal(first.code, 7, first.stderr);

      const codes: number[] = [];
      for (let start = 1; start <= SESSIONS; start += BATCH) {
        const batch = Array.from({ length: BATCH }, (_, i) => start + i);
        const results = await Promise.all(
          batch.map((code) =>
            sshTo(port, keys, ['sh', '-c', `'(sleep 0.2 &); (sleep 0.4 &); exit ${code}'`]),
          ),
        );
        codes.push(...results.map((r) => r.code ?? -1));
      }
      assert.deepEqual(
        codes,
        Array.from({ length: SESSIONS }, (_, i) => i + 1),
      );

      // Everything sleeps at most 5 s; then no zombie may be left in the namespace.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const ps = await sshTo(port, keys, ['ps', '-eo', 'stat=,pid=,ppid=,comm=']);
      assert.equal(ps.code, 0, ps.stderr);
      const zombies = ps.stdout
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('Z'));
      assert.deepEqual(zombies, []);
      const reaped = init.output().match(/cpud\[1\]: debug: reaped orphan \d+/g) ?? [];
      assert.ok(reaped.length >= ORPHANS + 2 * SESSIONS, `reaped ${reaped.length}`);
      assert.doesNotMatch(init.output(), /daemon ended with/);
    },
  );
});
