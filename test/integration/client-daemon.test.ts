import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';

// The client sends its working directory as PWD; one under /tmp (a CI
// checkout may be there) does not exist in the command's private /tmp.
const LOCAL_CWD = '/usr/share';

const CPU_BIN = join(REPO, 'bin', 'cpu');

interface CpuResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function spawnCpu(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(CPU_BIN, args, {
    cwd: LOCAL_CWD,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<CpuResult> {
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}

function runCpu(
  args: string[],
  options: { input?: Buffer | string; env?: NodeJS.ProcessEnv } = {},
): Promise<CpuResult> {
  const child = spawnCpu(args, options.env);
  const result = finished(child);
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.input ?? '');
  return result;
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
  });
}

describe('cpu against our cpud, 9P off', () => {
  let daemon: TestDaemon;
  let base: string[];
  before(async () => {
    daemon = await startDaemon();
    base = ['-key', daemon.keys.clientKey, '-p', String(daemon.port), '-9p=false'];
  });
  after(async () => {
    await daemon.stop();
  });

  it('prints the output of the command, every argument kept as typed', async () => {
    const result = await runCpu([
      ...base,
      '127.0.0.1',
      'printf',
      '[%s]',
      'a b',
      "it's",
      '$HOME',
      '',
    ]);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.toString(), `[a b][it's][$HOME][]`);
    assert.equal(result.code, 0);
  });

  it('exits with the status of the command', async () => {
    for (const status of [0, 1, 7, 255]) {
      const result = await runCpu([...base, '127.0.0.1', 'sh', '-c', `exit ${status}`]);
      assert.equal(result.code, status);
    }
  });

  it('exits with 128 plus the signal number when a signal kills the command', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'sh', '-c', 'kill -KILL $$']);
    assert.equal(result.code, 137);
  });

  it('passes stderr through apart from stdout', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(result.stdout.toString(), 'out\n');
    assert.equal(result.stderr, 'err\n');
  });

  it('pipes 8 MiB of stdin to the command and its output back, byte for byte', async () => {
    const input = randomBytes(8 * 1024 * 1024);
    const result = await runCpu([...base, '127.0.0.1', 'cat'], { input });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.length, input.length);
    assert.equal(sha(result.stdout), sha(input));
  });

  it('sends EOF when stdin ends, so the command can finish', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'wc', '-l'], { input: 'a\nb\nc\n' });
    assert.equal(result.stdout.toString().trim(), '3');
  });

  it('starts the command in the local working directory, with the local environment', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'sh', '-c', 'pwd; echo "$CPU_TEST_VAR"'], {
      env: { CPU_TEST_VAR: 'from the laptop' },
    });
    assert.equal(result.stdout.toString(), `${LOCAL_CWD}\nfrom the laptop\n`);
  });

  it('runs a shell when no command is given', async () => {
    const result = await runCpu([...base, '127.0.0.1'], {
      input: 'echo shell says hi; exit 3\n',
      env: { SHELL: '/bin/sh' },
    });
    assert.equal(result.stdout.toString(), 'shell says hi\n');
    assert.equal(result.code, 3);
  });

  it('forwards SIGTERM to the command and reports what it does about it', async () => {
    const child = spawnCpu([
      ...base,
      '127.0.0.1',
      'sh',
      '-c',
      'trap "echo caught; exit 42" TERM; echo ready; while :; do sleep 0.1; done',
    ]);
    const result = finished(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    assert.equal(code, 42);
    assert.match(stdout.toString(), /ready\ncaught\n/);
  });

  it('forwards SIGINT, and a command killed by it gives 130', async () => {
    const child = spawnCpu([...base, '127.0.0.1', 'sh', '-c', 'echo ready; exec sleep 60']);
    const result = finished(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGINT');
    assert.equal((await result).code, 130);
  });

  it('closes the session on a second signal, when the command traps the first', async () => {
    const child = spawnCpu([...base, '127.0.0.1', 'sh', '-c', 'trap "" TERM INT; echo ready; sleep 30']);
    const result = finished(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const { code, stderr } = await result;
    assert.equal(code, 255);
    assert.match(stderr, /^cpu: SIGINT again: closing the session$/m);
  });

  it('forwards SIGTERM after its stdin has ended (cpu host cmd </dev/null)', async () => {
    const child = spawnCpu([...base, '127.0.0.1', 'sh', '-c', 'echo ready; exec sleep 60']);
    child.stdin!.end();
    const result = finished(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGTERM');
    assert.equal((await result).code, 143);
  });

  it('pins the host key: the right key passes', async () => {
    const pin = join(daemon.keys.dir, 'host.pub');
    writeFileSync(pin, `${daemon.keys.hostPublic}\n`);
    const result = await runCpu([...base, '-hostkey', pin, '127.0.0.1', 'echo', 'pinned']);
    assert.equal(result.stdout.toString(), 'pinned\n');
  });

  it('honours HostName, Port, User and IdentityFile from ~/.ssh/config', async () => {
    const home = join(daemon.keys.dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host board\n  HostName 127.0.0.1\n  Port ${daemon.port}\n  User glenda\n` +
        `  IdentityFile ${daemon.keys.clientKey}\n`,
    );
    const result = await runCpu(['-9p=false', 'board', 'echo', 'via config'], {
      env: { HOME: home },
    });
    assert.equal(result.stderr, '');
    assert.equal(result.stdout.toString(), 'via config\n');
    await daemon.waitForLog(/login accepted for "glenda" .*; commands run as "root", cpud's user/);
  });
});

describe('cpu explains what went wrong in one line', () => {
  let daemon: TestDaemon;
  let base: string[];
  before(async () => {
    daemon = await startDaemon();
    base = ['-key', daemon.keys.clientKey, '-p', String(daemon.port), '-9p=false'];
  });
  after(async () => {
    await daemon.stop();
  });

  const oneLine = (result: CpuResult, pattern: RegExp): void => {
    assert.equal(result.code, 255);
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
    assert.equal(result.stdout.length, 0);
  };

  it('for an unknown host', async () => {
    oneLine(
      await runCpu([...base, 'no-such-host.invalid', 'true']),
      /^cpu: unknown host "no-such-host.invalid"/,
    );
  });

  it('for a refused connection', async () => {
    const args = ['-key', daemon.keys.clientKey, '-p', '1', '127.0.0.1', 'true'];
    oneLine(await runCpu(args), /^cpu: cannot connect to 127.0.0.1 port 1: connection refused/);
  });

  it('for a key the host does not accept', async () => {
    const args = ['-key', daemon.keys.strangerKey, '-p', String(daemon.port), '127.0.0.1', 'true'];
    oneLine(await runCpu(args), /did not accept the key ".*stranger_key"/);
  });

  it('for a host key that is not the pinned one', async () => {
    const wrong = join(daemon.keys.dir, 'authorized_keys');
    oneLine(
      await runCpu([...base, '-hostkey', wrong, '127.0.0.1', 'true']),
      /^cpu: host key of 127.0.0.1 port \d+ does not match/,
    );
  });

  it('for a missing key file', async () => {
    const args = ['-key', '/nonexistent/key', '-p', String(daemon.port), '127.0.0.1', 'true'];
    oneLine(await runCpu(args), /^cpu: cannot read key "\/nonexistent\/key": no such file$/m);
  });

  it('for a key file that is not a private key', async () => {
    const args = ['-key', daemon.keys.authorized, '-p', String(daemon.port), '127.0.0.1', 'true'];
    oneLine(await runCpu(args), /^cpu: cannot use key/);
  });

  it('for a usage error, with exit status 2', async () => {
    const result = await runCpu(['-p', 'x', 'h']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^cpu: flag "-p": "x" is not a port number/);
  });

  it('for an -fstab file it cannot read, also with exit status 2', async () => {
    const result = await runCpu([...base, '-9p=true', '-fstab', '/no/such/fstab', '127.0.0.1', 'true']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'cpu: flag "-fstab": cannot read "/no/such/fstab": no such file\n');
  });
});

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
