import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';
import { runSsh } from '../helpers/ssh.js';

describe('daemon runs commands for the OpenSSH client', () => {
  let daemon: TestDaemon;
  before(async () => {
    // Launchers leave descriptors open; commands must still see none.
    daemon = await startDaemon({ inheritExtraFd: true });
  });
  after(async () => {
    await daemon.stop();
  });

  for (const status of [0, 3, 255]) {
    it(`passes exit status ${status} through`, async () => {
      const result = await runSsh(daemon, [`exit ${status}`]);
      assert.equal(result.code, status, result.stderr);
    });
  }

  it('keeps stdout and stderr apart', async () => {
    const result = await runSsh(daemon, ['echo out; echo err >&2; echo out2']);
    assert.equal(result.stdout.toString(), 'out\nout2\n');
    assert.equal(result.stderr, 'err\n');
    assert.equal(result.code, 0);
  });

  it('gives the command pipes for stdout and stderr, as sshd does, not sockets', async () => {
    const result = await runSsh(daemon, ['stat -L -c %F /proc/self/fd/1 /proc/self/fd/2']);
    assert.equal(result.stdout.toString(), 'fifo\nfifo\n', result.stderr);
  });

  it('waits for output a background child still writes before sending the status', async () => {
    const result = await runSsh(daemon, ['(sleep 0.5; echo late) & echo early']);
    assert.equal(result.stdout.toString(), 'early\nlate\n');
    assert.equal(result.code, 0);
  });

  it('pipes 50 MB through stdin and back with the same checksum', async () => {
    const input = randomBytes(50 * 1024 * 1024);
    const result = await runSsh(daemon, ['cat'], { input });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, input.length);
    const sum = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    assert.equal(sum(result.stdout), sum(input));
  });

  it('delivers all output before the exit status', async () => {
    const result = await runSsh(daemon, ['head -c 3000000 /dev/zero; exit 7']);
    assert.equal(result.stdout.length, 3_000_000);
    assert.equal(result.code, 7);
  });

  it('gives a pty on ssh -tt whose tty is a /dev/pts name', async () => {
    const result = await runSsh(daemon, ['tty'], { extra: ['-tt'] });
    assert.match(result.stdout.toString(), /^\/dev\/pts\/\d+\r?\n/);
    assert.equal(result.code, 0);
  });

  it('passes environment sent with SetEnv', async () => {
    const result = await runSsh(daemon, ['printenv CPUD_TEST_VAR'], { extra: ['-o', 'SetEnv=CPUD_TEST_VAR="hello world"'] });
    assert.equal(result.stdout.toString(), 'hello world\n');
  });

  it('logs why a packet too large for ssh2 ended a connection, and serves on', async () => {
    const big = await runSsh(daemon, ['true'], { extra: ['-o', `SetEnv=CPUD_BIG=${'a'.repeat(40_000)}`] });
    assert.equal(big.code, 255);
    await daemon.waitForLog(/connection error: Bad packet length(: \d+)? \(a packet .*; ssh2 takes none over 35,000 bytes/);
    assert.equal((await runSsh(daemon, ['echo still here'])).stdout.toString(), 'still here\n');
  });

  it('logs the head of a long command line, with its length', async () => {
    const command = `true ${'x'.repeat(20_000)}`;
    assert.equal((await runSsh(daemon, [command])).code, 0);
    const line = await daemon.waitForLog(/command started: "true x+"\.\.\. \(20005 characters\)/);
    assert.ok(line.length < 400, `a ${line.length}-character log line`);
  });

  it('says once why a connection ended, however much of a huge packet was sent', async () => {
    // The cpu client sends a -fstab file as one env request: 2 MB here.
    const fstab = join(daemon.keys.dir, 'huge-fstab');
    writeFileSync(fstab, '#'.repeat(2_000_000));
    const cpu = spawn(join(REPO, 'bin', 'cpu'), [
      '-9p=false', '-key', daemon.keys.clientKey, '-p', String(daemon.port), '-fstab', fstab, '127.0.0.1', 'true',
    ], { cwd: '/', stdio: ['ignore', 'ignore', 'ignore'] });
    const [status] = (await once(cpu, 'close')) as [number | null];
    assert.equal(status, 255);
    const first = await daemon.waitForLog(/c\d+: connection error: Bad packet length: 2000\d+ \(a packet over 35,000 bytes/);
    const id = /(c\d+): connection error/.exec(first)![1];
    assert.equal((await runSsh(daemon, ['echo still here'])).stdout.toString(), 'still here\n');
    assert.equal(daemon.logs.filter((l) => l.includes(`${id}: connection error`)).length, 1);
  });

  it('runs a u-root style exec string with a quote inside an argument', async () => {
    const result = await runSsh(daemon, [`'printf' '%s|' 'it'"'"'s' 'a b' '$HOME'`]);
    assert.equal(result.stdout.toString(), "it's|a b|$HOME|");
    assert.equal(result.code, 0);
  });

  it('runs shell syntax through the shell as sshd does', async () => {
    const result = await runSsh(daemon, ['echo a b | wc -w; FOO=x; echo $FOO']);
    assert.equal(result.stdout.toString().replace(/ +/g, ''), '2\nx\n');
  });

  it('reports a missing program with status 127 and its name', async () => {
    const result = await runSsh(daemon, [`'no-such-program-xyz'`]);
    assert.equal(result.code, 127);
    assert.match(result.stderr, /no-such-program-xyz/);
  });

  it('reports a bad exec string on stderr with status 2', async () => {
    const result = await runSsh(daemon, [`echo 'unterminated`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unterminated single quote/);
    await daemon.waitForLog(/s\d+: exec refused: .*unterminated single quote/);
  });

  it('gives the command no descriptor above 2, with pipes and with a pty', async () => {
    // The shell's own descriptors: no pipeline, whose pipe would show.
    const list = `'sh' '-c' 'ls /proc/$$/fd'`;
    const words = async (extra: string[]): Promise<string> =>
      (await runSsh(daemon, [list], { extra })).stdout.toString().split(/\s+/).filter(Boolean).join(' ');
    assert.equal(await words([]), '0 1 2');
    assert.equal(await words(['-tt']), '0 1 2');
  });

  it('keeps the client PATH folders that exist here, and falls back to the default', async () => {
    const printPath = [`'sh' '-c' 'echo $PATH'`];
    const mixed = await runSsh(daemon, printPath, { extra: ['-o', 'SetEnv=PATH=/no/such:/usr/bin:/bin'] });
    assert.equal(mixed.stdout.toString(), '/usr/bin:/bin\n');
    const foreign = await runSsh(daemon, printPath, { extra: ['-o', 'SetEnv=PATH=/opt/homebrew/bin'] });
    assert.equal(foreign.stdout.toString(), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  });

  it('logs the login with the key fingerprint and the command with its status', async () => {
    await runSsh(daemon, ['exit 4']);
    await daemon.waitForLog(/login accepted for "\S+" from 127\.0\.0\.1: key ssh-ed25519 SHA256:/);
    await daemon.waitForLog(/command ended: status 4/);
  });
});

describe('daemon debug log (-d)', () => {
  it('names the variables a client sends, never their values', async () => {
    const daemon = await startDaemon({ args: ['-d'] });
    const secret = randomBytes(12).toString('hex');
    const result = await runSsh(daemon, ['printenv CPUD_SECRET'], { extra: ['-o', `SetEnv=CPUD_SECRET=${secret}`] });
    assert.equal(result.stdout.toString(), `${secret}\n`);
    await daemon.waitForLog(/ssh: .*CHANNEL_REQUEST \(r:\d+, env: CPUD_SECRET=\.\.\.\)/);
    await daemon.stop();
    assert.equal(daemon.logs.filter((line) => line.includes(secret)).length, 0);
  });
});
