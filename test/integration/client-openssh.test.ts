import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestKeys, type TestKeys } from '../helpers/keys.js';
import { REPO } from '../helpers/paths.js';

// The client sends its working directory as PWD; one under /tmp (a CI
// checkout may be there) does not exist in the command's private /tmp.
const LOCAL_CWD = '/usr/share';

const CPU_BIN = join(REPO, 'bin', 'cpu');
const SSHD = '/usr/sbin/sshd';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCpu(args: string[], input = ''): Promise<Result> {
  const child = spawn(CPU_BIN, args, { cwd: LOCAL_CWD, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin!.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** OpenSSH's sshd on a free loopback port, with its own host key and config. */
async function startSshd(
  keys: TestKeys,
): Promise<{ port: number; hostPublic: string; proc: ChildProcess }> {
  assert.ok(existsSync(SSHD), `${SSHD} is missing: apt-get install openssh-server`);
  // sshd refuses to start without its privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(keys.dir, 'sshd_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const port = await freePort();
  const config = join(keys.dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${keys.authorized}`,
      'UsePAM no',
      'StrictModes no',
      'PidFile none',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AcceptEnv LC_*',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      if (/Server listening on 127\.0\.0\.1 port/.test(log)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`sshd exited with ${code}: ${log}`)));
  });
  return { port, hostPublic: `${hostKey}.pub`, proc };
}

describe('cpu against OpenSSH sshd (-9p=false -namespace none)', () => {
  let keys: TestKeys;
  let sshd: Awaited<ReturnType<typeof startSshd>>;
  let base: string[];
  before(async () => {
    keys = makeTestKeys();
    sshd = await startSshd(keys);
    base = [
      '-9p=false',
      '-namespace',
      'none',
      '-key',
      keys.clientKey,
      '-p',
      String(sshd.port),
      '-hostkey',
      sshd.hostPublic,
    ];
  });
  after(async () => {
    sshd.proc.kill('SIGTERM');
    await once(sshd.proc, 'exit');
    keys.cleanup();
  });

  it('runs a command, arguments kept as typed (sshd runs the string in a shell)', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'printf', '[%s]', 'a b', "it's", '$HOME']);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, `[a b][it's][$HOME]`);
    assert.equal(result.code, 0);
  });

  it('exits with the status of the command', async () => {
    assert.equal((await runCpu([...base, '127.0.0.1', 'sh', '-c', 'exit 7'])).code, 7);
  });

  it('pipes stdin to the command', async () => {
    const result = await runCpu([...base, '127.0.0.1', 'tr', 'a-z', 'A-Z'], 'hello sshd\n');
    assert.equal(result.stdout, 'HELLO SSHD\n');
  });

  it('gets the fstab through as LC_GLENDA_CPU_FSTAB, the copy OpenSSH lets in', async () => {
    const fstab = join(keys.dir, 'extra.fstab');
    writeFileSync(fstab, '/tmp/cpu/opt /opt none defaults,bind 0 0\n');
    const result = await runCpu([
      ...base,
      '-fstab',
      fstab,
      '127.0.0.1',
      'sh',
      '-c',
      'printf %s "$LC_GLENDA_CPU_FSTAB"',
    ]);
    assert.equal(result.stdout, readFileSync(fstab, 'utf8'));
  });

  it('refuses a host whose key is not the pinned one', async () => {
    const args = [
      '-9p=false',
      '-key',
      keys.clientKey,
      '-p',
      String(sshd.port),
      '-hostkey',
      keys.knownHosts,
      '127.0.0.1',
      'true',
    ];
    const result = await runCpu(args);
    assert.equal(result.code, 255);
    assert.match(result.stderr, /^cpu: host key of 127\.0\.0\.1 port \d+ does not match/);
  });
});
