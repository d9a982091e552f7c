import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';
import { pidsMatching, waitUntil } from '../helpers/wait.js';

// The client sends its working directory as PWD; one under /tmp (a CI
// checkout may be there) does not exist in the command's private /tmp.
const LOCAL_CWD = '/usr/share';

const CPU_BIN = join(REPO, 'bin', 'cpu');

/** script(1) (util-linux) gives cpu a terminal; it reports the inner shell's status with -e. */
function inScript(command: string): {
  child: ReturnType<typeof spawn>;
  output: () => string;
  closed: Promise<number | null>;
} {
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: LOCAL_CWD,
    env: { ...process.env, TERM: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString('latin1')));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString('latin1')));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => text, closed };
}

function requireTool(name: string, pkg: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
  assert.ok(found, `${name} is missing: apt-get install ${pkg}`);
}

describe('cpu with a terminal', () => {
  let daemon: TestDaemon;
  let cpu: string;
  before(async () => {
    requireTool('script', 'bsdutils');
    daemon = await startDaemon();
    cpu = `${CPU_BIN} -key ${daemon.keys.clientKey} -p ${daemon.port} -9p=false 127.0.0.1`;
  });
  after(async () => {
    await daemon.stop();
  });

  it('gets a remote pty (term ansi, echo on) and passes the exit status', async () => {
    const session = inScript(
      `${cpu} sh -c 'tty; echo TERM=$TERM; stty -a; exit 5'; echo "status=$?"`,
    );
    assert.equal(await session.closed, 0);
    const out = session.output();
    assert.match(out, /^\/dev\/pts\/\d+\r\n/);
    assert.match(out, /TERM=ansi\r\n/);
    assert.match(out, /[ ;]echo /);
    assert.match(out, /status=5/);
    // Raw mode without output processing: no "\r" added in front of the remote "\r\n".
    assert.doesNotMatch(out, /\r\r\n/);
  });

  it('gives the terminal back as it was (cooked, echo, output processing)', async () => {
    const session = inScript(`${cpu} true; stty -a`);
    await session.closed;
    const out = session.output();
    assert.match(out, /(^|\s)icanon\b/);
    assert.match(out, /(^|\s)echo\b/);
    assert.match(out, /(^|\s)opost\b/);
  });

  it('gives the terminal back when the connection drops mid-session', async () => {
    const doomed = await startDaemon();
    // A killed daemon cannot hang up its commands: this marker finds the one left behind.
    const marker = `59.${process.pid}`;
    const session = inScript(
      `${CPU_BIN} -key ${doomed.keys.clientKey} -p ${doomed.port} -9p=false 127.0.0.1 ` +
        `sh -c 'echo ready; exec sleep ${marker}'; echo "status=$?"; stty -a`,
    );
    await waitUntil(
      () => session.output().includes('ready'),
      'the remote command to start',
      15_000,
    );
    await doomed.stop('SIGKILL');
    await session.closed;
    const out = session.output();
    for (const pid of pidsMatching(`sleep ${marker}`)) process.kill(pid, 'SIGKILL');
    assert.match(out, /cpu: the connection to the host was lost/);
    assert.match(out, /status=255/);
    assert.match(out, /(^|\s)icanon\b/);
    assert.match(out, /(^|\s)echo\b/);
  });

  it('closes the session on ~. after a newline, with status 255', async () => {
    const session = inScript(`${cpu} sh -c 'echo ready; exec sleep 60'; echo "status=$?"`);
    await waitUntil(
      () => session.output().includes('ready'),
      'the remote command to start',
      15_000,
    );
    const started = Date.now();
    session.child.stdin!.write('\r~.');
    await session.closed;
    assert.match(session.output(), /status=255/);
    assert.ok(Date.now() - started < 5000, 'cpu took too long to leave after ~.');
    session.child.stdin!.end();
  });

  it('sends ^C as a byte to the remote pty, where it interrupts the command', async () => {
    const session = inScript(`${cpu} sh -c 'echo ready; exec sleep 60'; echo "status=$?"`);
    await waitUntil(
      () => session.output().includes('ready'),
      'the remote command to start',
      15_000,
    );
    session.child.stdin!.write('\x03');
    await session.closed;
    assert.match(session.output(), /status=130/);
    session.child.stdin!.end();
  });
});

describe('cpu follows the terminal size (tmux)', () => {
  let daemon: TestDaemon;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', `cpu-test-${process.pid}`, ...args], { encoding: 'utf8' });
  before(async () => {
    requireTool('tmux', 'tmux');
    daemon = await startDaemon();
  });
  after(async () => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone with its last session.
    }
    await daemon.stop();
  });

  it('sends the size at start and each window change', async () => {
    const cpu = `${CPU_BIN} -key ${daemon.keys.clientKey} -p ${daemon.port} -9p=false 127.0.0.1`;
    tmux(
      'new-session',
      '-d',
      '-s',
      'w',
      '-x',
      '100',
      '-y',
      '30',
      `${cpu} sh -c 'stty size; read x; stty size; read y'; sleep 60`,
    );
    const screen = (): string => tmux('capture-pane', '-p', '-t', 'w');
    await waitUntil(() => /30 100/.test(screen()), 'the first size', 15_000);
    tmux('resize-window', '-t', 'w', '-x', '120', '-y', '40');
    await new Promise((resolve) => setTimeout(resolve, 300));
    tmux('send-keys', '-t', 'w', 'Enter');
    await waitUntil(() => /40 120/.test(screen()), 'the new size', 10_000);
    tmux('send-keys', '-t', 'w', 'Enter');
    tmux('kill-session', '-t', 'w');
  });
});
