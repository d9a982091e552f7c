import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { makeTestKeys } from '../helpers/keys.js';
import { CPUD_BIN } from '../helpers/paths.js';
import { collect, connectClient, exec } from '../helpers/ssh2-client.js';

const NOBODY = 65534;

describe('cpud without root', () => {
  it('runs commands without a private namespace and says so once at start', async () => {
    const keys = makeTestKeys();
    chownSync(keys.dir, NOBODY, NOBODY);
    for (const name of readdirSync(keys.dir)) chownSync(join(keys.dir, name), NOBODY, NOBODY);
    const daemon = await startDaemon({
      keys,
      wrap: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
    });
    try {
      const warnings = daemon.logs.filter((l) => /without a private namespace: cpud is not running as root/.test(l));
      assert.equal(warnings.length, 1);
      const client = await connectClient(daemon);
      const result = await collect(await exec(client, 'id -u; ls -d /tmp/cpu 2>&1; exit 5', {
        // nobody's login shell is nologin; cpu clients send their own SHELL.
        env: { SHELL: '/bin/sh' },
      }));
      client.end();
      assert.match(result.stdout, /^65534\n.*No such file/s);
      assert.equal(result.code, 5);
      assert.equal(daemon.logs.filter((l) => /private namespace/.test(l)).length, 1);
    } finally {
      await daemon.stop();
      keys.cleanup();
    }
  });

  it('says "permission denied" for a key file it cannot read', () => {
    const keys = makeTestKeys();
    chownSync(keys.dir, NOBODY, NOBODY);
    for (const name of readdirSync(keys.dir)) chownSync(join(keys.dir, name), NOBODY, NOBODY);
    chmodSync(keys.authorized, 0o000);
    const result = spawnSync(
      'setpriv',
      [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', CPUD_BIN, '-p', '0', '-addr', '127.0.0.1',
        '-hostkey', keys.hostKey, '-key', keys.authorized],
      { encoding: 'utf8', timeout: 10_000 },
    );
    keys.cleanup();
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`cannot read key file "${keys.authorized}": permission denied;`));
  });
});
