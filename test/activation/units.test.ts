/**
 * The unit files an operator installs, checked by systemd itself. systemd
 * is not PID 1 here, so `systemd-analyze verify` reads copies whose
 * /usr/sbin/cpud is rewritten to this checkout's bin/cpud (verify refuses a
 * command that does not exist). The template is checked through an
 * instance, as systemd would start it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CPUD_BIN, REPO } from '../helpers/paths.js';
import { requireCommand } from '../helpers/activation.js';

const UNITS = join(REPO, 'units');

function unit(name: string): string {
  return readFileSync(join(UNITS, name), 'utf8');
}

describe('unit files', () => {
  it('pass systemd-analyze verify, with no unknown keys or warnings', () => {
    requireCommand('systemd-analyze', 'systemd');
    const dir = mkdtempSync(join(tmpdir(), 'cpud-units-'));
    try {
      for (const name of readdirSync(UNITS)) {
        writeFileSync(join(dir, name), unit(name).replaceAll('/usr/sbin/cpud', CPUD_BIN));
      }
      const names = ['cpud.socket', 'cpud.service', 'cpud@1.service'].map((n) => join(dir, n));
      const run = spawnSync('systemd-analyze', ['verify', '--man=no', ...names], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr.trim(), '', 'no warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cpud.socket accepts on 17010 and conflicts with the standalone daemon', () => {
    const text = unit('cpud.socket');
    for (const line of [
      'ListenStream=17010',
      'Accept=yes',
      'Conflicts=cpud.service',
      'WantedBy=sockets.target',
    ]) {
      assert.match(text, new RegExp(`^${line}$`, 'm'));
    }
  });

  it('cpud@.service serves one connection on stdin and never logs into it', () => {
    const text = unit('cpud@.service');
    for (const line of [
      'Environment=CPUD_SESSION=1',
      'StandardInput=socket',
      'StandardError=journal',
    ]) {
      assert.match(text, new RegExp(`^${line}$`, 'm'));
    }
    assert.match(text, /^ExecStart=-\/usr\/sbin\/cpud -key \/etc\/cpud\/authorized_keys/m);
    assert.doesNotMatch(text, /^\[Install\]/m);
  });

  it('cpud.service is a notify daemon that does not run with the socket', () => {
    const text = unit('cpud.service');
    for (const line of ['Type=notify', 'NotifyAccess=main', 'Conflicts=cpud.socket']) {
      assert.match(text, new RegExp(`^${line}$`, 'm'));
    }
  });
});
