/**
 * Commands that import the client's files run behind `cpud -remote`, which
 * is started inside the command's namespace: wherever cpud is installed,
 * the fresh /tmp and the client's CPU_FSTAB must not hide cpud's own files
 * from it, nor show them to the command.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';
import { runOnce as run } from '../helpers/ssh2-client.js';

/** A copy of the built package under `folder`: what a checkout there would hold. */
function copyPackage(folder: string): string {
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, part), join(folder, part), { recursive: true });
  mkdirSync(join(folder, 'native', 'build'), { recursive: true });
  cpSync(join(REPO, 'native', 'build', 'Release'), join(folder, 'native', 'build', 'Release'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(folder, 'node_modules'));
  return join(folder, 'bin', 'cpud');
}

describe('where cpud lies (as root)', () => {
  before(() => assert.equal(process.getuid?.(), 0, 'namespace tests need root'));

  describe('a checkout under /tmp', () => {
    let folder: string;
    let daemon: TestDaemon;
    before(async () => {
      folder = mkdtempSync('/tmp/cpud-checkout-');
      daemon = await startDaemon({ bin: copyPackage(folder) });
    });
    after(async () => {
      await daemon.stop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('runs an importing command, whose /tmp holds only its own folders', async () => {
      const result = await run(daemon, 'ls /tmp; exit 4', { CPU_FSTAB: 'tmpfs /mnt tmpfs size=1m 0 0' });
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, 'cpu\nlocal\nmerge\nroot\n');
      assert.equal(result.code, 4);
    });
  });

  describe('a CPU_FSTAB line over cpud\'s own folder', () => {
    let daemon: TestDaemon;
    before(async () => {
      daemon = await startDaemon();
    });
    after(async () => {
      await daemon.stop();
    });

    it('still starts the command, as the client\'s /usr over /usr/lib/cpud would', async () => {
      const native = join(REPO, 'native');
      // A checkout under /tmp is not in the command's /tmp at all: then ls fails quietly.
      const command = `ls -A ${native} 2>/dev/null; exit 5`;
      const result = await run(daemon, command, { CPU_FSTAB: `tmpfs ${native} tmpfs size=1m 0 0` });
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, '', 'the command sees the empty tmpfs over native/, or nothing');
      assert.equal(result.code, 5);
    });
  });
});
