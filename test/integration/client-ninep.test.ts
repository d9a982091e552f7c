import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';
import { waitUntil } from '../helpers/wait.js';

// The client sends its working directory as PWD; one under /tmp (a CI
// checkout may be there) does not exist in the command's private /tmp.
const LOCAL_CWD = '/usr/share';

const CPU_BIN = join(REPO, 'bin', 'cpu');

interface Running {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  code: Promise<number | null>;
}

function startCpu(args: string[]): Running {
  const child = spawn(CPU_BIN, args, { cwd: LOCAL_CWD, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, stderr: () => stderr, stdout: () => stdout, code };
}

function kernelHas9p(): boolean {
  return /\t9p$/m.test(readFileSync('/proc/filesystems', 'utf8'));
}

describe('cpu with 9P against our cpud (as root: private namespace per command)', () => {
  let daemon: TestDaemon;
  let root: string;
  before(async () => {
    assert.equal(
      process.getuid?.(),
      0,
      'these tests need root: cpud builds a mount namespace per command',
    );
    daemon = await startDaemon();
    root = mkdtempSync(join(tmpdir(), 'cpu-root-'));
    writeFileSync(join(root, 'from-the-laptop'), 'hello\n');
  });
  after(async () => {
    await daemon.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends the nonce over the forward; the mount outcome reaches the user', async () => {
    const run = startCpu([
      '-d',
      '-key',
      daemon.keys.clientKey,
      '-p',
      String(daemon.port),
      '-root',
      root,
      '127.0.0.1',
      'ls',
      '/tmp/cpu',
    ]);
    const code = await run.code;
    assert.match(run.stderr(), /cpu: debug: exec "-port9p=\d+ 'ls' '\/tmp\/cpu'"/);
    assert.match(run.stderr(), /cpu: debug: 9p1: nonce accepted, serving 9P/);
    if (kernelHas9p()) {
      assert.equal(code, 0, run.stderr());
      assert.match(run.stdout(), /from-the-laptop/);
    } else {
      // This kernel has no 9P: the daemon says so on the session's stderr and exits 1.
      assert.match(
        run.stderr(),
        /^cpud: cannot mount the client's files on \/tmp\/cpu: this kernel has no 9p file system/m,
      );
      assert.equal(code, 1);
    }
  });

  it('closes, unanswered, a forwarded connection with a wrong nonce or none in time', async () => {
    const run = startCpu([
      '-d',
      '-timeout9p',
      '10ms',
      '-key',
      daemon.keys.clientKey,
      '-p',
      String(daemon.port),
      '-root',
      root,
      '127.0.0.1',
      'true',
    ]);
    await waitUntil(
      () => /forwards 127\.0\.0\.1 port \d+/.test(run.stderr()),
      'the 9P forward',
      15_000,
    );
    const port = Number(/forwards 127\.0\.0\.1 port (\d+)/.exec(run.stderr())![1]);

    // Anyone on the daemon's host can dial the port: a wrong nonce, then a Tversion.
    // Both dial at once, before cpud has even started the command's helper.
    // The silent one must time out before the session ends, and on a kernel
    // without 9P the session ends as soon as the helper's mount fails (its own
    // nonce, written at once, may miss a 10 ms window too: nothing here minds).
    const intruder = connect(port, '127.0.0.1');
    await once(intruder, 'connect');
    const received: Buffer[] = [];
    intruder.on('data', (b: Buffer) => received.push(b));
    intruder.on('error', () => {});
    const tversion = Buffer.from('1300000064ffff00000100060039503230303000', 'hex');
    intruder.write(Buffer.concat([Buffer.alloc(32, 'a'), tversion]));
    const silent = connect(port, '127.0.0.1');
    silent.on('error', () => {});

    await Promise.all([once(intruder, 'close'), once(silent, 'close')]);
    assert.equal(Buffer.concat(received).length, 0);
    await run.code;
    assert.match(run.stderr(), /cpu: debug: 9p\d: closed: wrong nonce/);
    assert.match(run.stderr(), /cpu: debug: 9p\d: closed: no nonce in time/);
    // The nonce itself is never logged.
    assert.doesNotMatch(run.stderr(), /[0-9a-f]{32}/);
  });
});
