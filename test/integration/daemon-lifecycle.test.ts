import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { makeTestKeys } from '../helpers/keys.js';
import { CPUD_BIN, REPO } from '../helpers/paths.js';
import { runSsh, spawnSsh } from '../helpers/ssh.js';
import { connectClient } from '../helpers/ssh2-client.js';
import { pidsMatching, waitUntil } from '../helpers/wait.js';
import ssh2 from 'ssh2';

function startFails(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const result = spawnSync(CPUD_BIN, ['-p', '0', '-addr', '127.0.0.1', ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    env: { ...process.env, ...env },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('daemon start-up checks', () => {
  it('refuses to start when the key file is missing, naming it', () => {
    const keys = makeTestKeys();
    const missing = join(keys.dir, 'nope');
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', missing]);
    assert.equal(status, 1);
    assert.match(stderr, new RegExp(`cannot read key file "${missing}": no such file`));
    keys.cleanup();
  });

  it('refuses to start when the key file holds no key', () => {
    const keys = makeTestKeys();
    const empty = join(keys.dir, 'empty');
    writeFileSync(empty, '# nothing here\n');
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', empty]);
    assert.equal(status, 1);
    assert.match(stderr, /holds no usable key/);
    keys.cleanup();
  });

  it('with -syslog and no syslog socket, says so on stderr, and the error it dies of too', () => {
    const keys = makeTestKeys();
    const missing = join(keys.dir, 'nope');
    const socket = join(keys.dir, 'no-syslog.sock');
    const { status, stderr } = startFails(['-syslog', '-hostkey', keys.hostKey, '-key', missing], {
      CPUD_SYSLOG_SOCKET: socket,
    });
    assert.equal(status, 1);
    assert.match(stderr, new RegExp(`-syslog: no syslog socket at ${socket}; log lines will be lost`));
    assert.match(stderr, new RegExp(`cannot read key file "${missing}": no such file`));
    keys.cleanup();
  });

  it('refuses, as root, a runtime folder under /tmp, which each command namespace replaces', () => {
    assert.equal(process.getuid?.(), 0, 'this check is made as root');
    const keys = makeTestKeys();
    const runtime = `/tmp/cpud-runtime-${process.pid}`;
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', keys.authorized], {
      RUNTIME_DIRECTORY: runtime,
    });
    assert.equal(status, 1);
    assert.match(stderr, /runtime folder "\/tmp\/cpud-runtime-\d+" is under \/tmp.*\[CPUD_ERR_CFG_LISTEN\]/);
    keys.cleanup();
  });

  it('tells how to make a missing -hostkey, and cpud -keygen makes it', () => {
    const keys = makeTestKeys();
    const path = join(keys.dir, 'new_host_key');
    const { status, stderr } = startFails(['-hostkey', path, '-key', keys.authorized]);
    assert.equal(status, 1);
    assert.match(stderr, new RegExp(`no such file \\(make one with "cpud -keygen -hostkey ${path}"\\)`));
    const keygen = spawnSync(CPUD_BIN, ['-keygen', '-hostkey', path], { encoding: 'utf8' });
    assert.equal(keygen.status, 0, keygen.stderr);
    assert.match(keygen.stdout, new RegExp(`created ${path}: ssh-ed25519 SHA256:`));
    keys.cleanup();
  });

  it('refuses a host key others can read, and one it cannot parse', () => {
    const keys = makeTestKeys();
    chmodSync(keys.hostKey, 0o644);
    assert.match(startFails(['-hostkey', keys.hostKey, '-key', keys.authorized]).stderr, /mode 0644, expected 0600/);
    const junk = join(keys.dir, 'junk');
    writeFileSync(junk, 'not a key', { mode: 0o600 });
    const bad = startFails(['-hostkey', junk, '-key', keys.authorized]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, new RegExp(`cannot read host key "${junk}"`));
    keys.cleanup();
  });

  it('makes a host key with -keygen once, and never replaces it', () => {
    const keys = makeTestKeys();
    const path = join(keys.dir, 'new_host_key');
    const first = spawnSync(CPUD_BIN, ['-keygen', '-hostkey', path], { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^created .*: ssh-ed25519 SHA256:/);
    const before = readFileSync(path, 'utf8');
    const second = spawnSync(CPUD_BIN, ['-keygen', '-hostkey', path], { encoding: 'utf8' });
    assert.match(second.stdout, /^kept /);
    assert.equal(readFileSync(path, 'utf8'), before);
    keys.cleanup();
  });

  it('never replaces a file that is not a socket with -network unix', () => {
    const keys = makeTestKeys();
    const precious = join(keys.dir, 'precious');
    writeFileSync(precious, 'keep me');
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', keys.authorized, '-network', 'unix', '-p', precious]);
    assert.equal(status, 1);
    assert.match(stderr, /the path exists and is not a socket/);
    assert.equal(readFileSync(precious, 'utf8'), 'keep me');
    keys.cleanup();
  });

  it('fails at once, naming the folder, when the state folder cannot be made', () => {
    const { status, stderr } = startFails(['-demo', '-state', '/proc/cpud-no-such-folder']);
    assert.equal(status, 1);
    assert.match(stderr, /cannot make folder "\/proc\/cpud-no-such-folder"/);
  });

  it('exits 2 with usage on an unknown flag', () => {
    const { status, stderr } = startFails(['-nosuchflag']);
    assert.equal(status, 2);
    assert.match(stderr, /unknown flag "-nosuchflag"/);
    assert.match(stderr, /-hostkey FILE/);
  });

  it('exits 2 naming a stray argument', () => {
    const { status, stderr } = startFails(['-hostkey', 'x', 'stray-word']);
    assert.equal(status, 2);
    assert.match(stderr, /^cpud: unexpected argument "stray-word" \(cpud takes flags only\)$/m);
  });

  it('exits 2 on a count out of range', () => {
    const { status, stderr } = startFails(['-maxSessions', '99999999999999999999']);
    assert.equal(status, 2);
    assert.match(stderr, /flag "-maxSessions": "\d+" is out of range \(at most 2147483647\)/);
  });

  it('prints the version of package.json on -version, for cpud and cpu', () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const [bin, name] of [[CPUD_BIN, 'cpud'], [join(REPO, 'bin', 'cpu'), 'cpu']] as const) {
      const result = spawnSync(bin, ['-version'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `${name} ${version} (node ${process.version})\n`);
    }
  });

  it('lists every flag with its default on -h', () => {
    const result = spawnSync(CPUD_BIN, ['-h'], { encoding: 'utf8' });
    assert.equal(result.status, 0);
    for (const flag of ['-d', '-dbg9p', '-hostkey', '-key', '-network', '-p', '-remote']) {
      assert.match(result.stdout, new RegExp(`\\n  ${flag}\\b`));
    }
    assert.match(result.stdout, /default: "17010"/);
  });

  it('serves a daemon on a unix socket with -network unix', async () => {
    const keys = makeTestKeys();
    const path = join(keys.dir, 'cpud.sock');
    const daemon = await startDaemon({ keys, args: ['-network', 'unix', '-p', path] });
    await daemon.waitForLog(new RegExp(`listening on unix:${path}`));
    const client = new ssh2.Client();
    const output = await new Promise<string>((resolve, reject) => {
      client.on('ready', () => client.exec('echo via unix', (err, ch) => {
        if (err) return reject(err);
        let out = '';
        ch.on('data', (d: Buffer) => (out += d)).on('close', () => resolve(out));
      }));
      client.on('error', reject);
      // ssh2 speaks over any stream: here a unix socket we dial ourselves.
      client.connect({ sock: connect(path), privateKey: readFileSync(keys.clientKey), username: 'u' });
    });
    client.end();
    assert.equal(output, 'via unix\n');
    await daemon.stop();
    keys.cleanup();
  });
});

describe('daemon listen errors', () => {
  it('refuses a unix socket path longer than Linux takes, rather than cut it', () => {
    const keys = makeTestKeys();
    const path = join(keys.dir, 'a'.repeat(120));
    const result = spawnSync(
      CPUD_BIN,
      ['-network', 'unix', '-p', path, '-hostkey', keys.hostKey, '-key', keys.authorized],
      { encoding: 'utf8', timeout: 10_000 },
    );
    keys.cleanup();
    assert.equal(result.status, 1);
    assert.match(result.stderr, /the path is \d+ bytes; Linux takes at most 107/);
  });

  it('names the missing folder of a unix socket', () => {
    const keys = makeTestKeys();
    const path = join(keys.dir, 'no-such-folder', 'cpud.sock');
    const result = spawnSync(
      CPUD_BIN,
      ['-network', 'unix', '-p', path, '-hostkey', keys.hostKey, '-key', keys.authorized],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`unix socket "${path}": folder "${join(keys.dir, 'no-such-folder')}" does not exist`));
    keys.cleanup();
  });
});

describe('daemon authentication', () => {
  it('refuses a key that is not in the key file and logs its fingerprint', async () => {
    const daemon = await startDaemon();
    const result = await runSsh(daemon, ['true'], { key: daemon.keys.strangerKey });
    assert.equal(result.code, 255);
    assert.match(result.stderr, /Permission denied \(publickey\)/);
    await daemon.waitForLog(/login refused for "\S+" from 127\.0\.0\.1: key ssh-ed25519 SHA256:\S+ is not authorized/);
    await daemon.stop();
  });

  it('logs a hostile user name as one escaped, capped line', async () => {
    const daemon = await startDaemon();
    const name = `root\ncpud[1]: info: forged \x1b[31mred${'n'.repeat(5000)}`;
    await assert.rejects(connectClient(daemon, daemon.keys.strangerKey, name));
    const line = await daemon.waitForLog(/login refused for "root/);
    assert.match(line, /login refused for "root cpud\[1\]: info: forged \\x1b\[31mredn+\.\.\. \(\d+ characters\)$/);
    assert.ok(line.length < 2100, `a ${line.length}-character line`);
    assert.equal(daemon.logs.filter((l) => l.includes('forged')).length, 1);
    await daemon.stop();
  });

  it('reads the key file again at each login', async () => {
    const daemon = await startDaemon();
    assert.equal((await runSsh(daemon, ['true'], { key: daemon.keys.strangerKey })).code, 255);
    const stranger = ssh2.utils.parseKey(readFileSync(daemon.keys.strangerKey)) as ssh2.ParsedKey;
    appendFileSync(daemon.keys.authorized, `${stranger.type} ${stranger.getPublicSSH().toString('base64')}\n`);
    assert.equal((await runSsh(daemon, ['true'], { key: daemon.keys.strangerKey })).code, 0);
    await daemon.stop();
  });

  it('refuses a key whose line has options it cannot enforce, naming the line', async () => {
    const daemon = await startDaemon();
    const stranger = ssh2.utils.parseKey(readFileSync(daemon.keys.strangerKey)) as ssh2.ParsedKey;
    const blob = stranger.getPublicSSH().toString('base64');
    appendFileSync(daemon.keys.authorized, `from="10.0.0.1",no-pty ${stranger.type} ${blob}\n`);
    assert.equal((await runSsh(daemon, ['true'], { key: daemon.keys.strangerKey })).code, 255);
    await daemon.waitForLog(/is not authorized: line 3 starts with options .*which cpud does not enforce/);
    assert.equal((await runSsh(daemon, ['true'])).code, 0, 'the plain key on line 2 still works');
    await daemon.stop();
  });

  it('warns at start of keys with options, and refuses a file of nothing else', () => {
    const keys = makeTestKeys();
    const client = readFileSync(keys.authorized, 'utf8').split('\n')[1]!;
    const optioned = join(keys.dir, 'optioned');
    writeFileSync(optioned, `command="echo forced" ${client}\n`);
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', optioned]);
    assert.equal(status, 1);
    assert.match(stderr, /holds no key cpud can let in: line 1 starts with options/);
    keys.cleanup();
  });

  it('refuses a key file that group or others can write', async () => {
    const keys = makeTestKeys();
    chmodSync(keys.authorized, 0o666);
    const { status, stderr } = startFails(['-hostkey', keys.hostKey, '-key', keys.authorized]);
    assert.equal(status, 1);
    assert.match(stderr, /is refused: group or others may write it \(mode 0666\): run "chmod go-w/);
    keys.cleanup();
  });

  it('refuses key files another user owns, or in a folder others may write (StrictModes)', () => {
    const keys = makeTestKeys();
    chownSync(keys.authorized, 65534, 65534);
    const owned = startFails(['-hostkey', keys.hostKey, '-key', keys.authorized]);
    assert.equal(owned.status, 1);
    assert.match(owned.stderr, /is refused: it is owned by uid 65534, neither root nor cpud's user/);
    chownSync(keys.authorized, 0, 0);
    chownSync(keys.hostKey, 65534, 65534);
    assert.match(
      startFails(['-hostkey', keys.hostKey, '-key', keys.authorized]).stderr,
      /cannot read host key .*: it is owned by uid 65534/,
    );
    chownSync(keys.hostKey, 0, 0);
    chmodSync(keys.dir, 0o777);
    const open = startFails(['-hostkey', keys.hostKey, '-key', keys.authorized]);
    assert.equal(open.status, 1);
    assert.match(open.stderr, /group or others may write folder ".*" \(mode 0777\)/);
    chmodSync(keys.dir, 0o700);
    keys.cleanup();
  });

  it('accepts a private key file as the key file, using its public half', async () => {
    const keys = makeTestKeys();
    const privateAsKeys = join(keys.dir, 'client_copy');
    writeFileSync(privateAsKeys, keys.clientPrivate, { mode: 0o600 });
    const daemon = await startDaemon({ keys, args: ['-key', privateAsKeys] });
    assert.equal((await runSsh(daemon, ['true'])).code, 0);
    await daemon.stop();
    keys.cleanup();
  });
});

describe('daemon shutdown', () => {
  it('lets a running session finish on SIGHUP, refuses new ones, then exits 0', async () => {
    const daemon = await startDaemon();
    const ssh = spawnSsh(daemon, ['sleep 1.5; echo finished']);
    let out = '';
    ssh.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const sshExit = new Promise<number | null>((resolve) => ssh.on('exit', (code) => resolve(code)));
    await daemon.waitForLog(/command started/);
    daemon.proc.kill('SIGHUP');
    await daemon.waitForLog(/SIGHUP: no new connections; exiting when the running session ends$/);
    assert.notEqual((await runSsh(daemon, ['true'])).code, 0, 'a new connection must be refused');
    assert.equal(await sshExit, 0);
    assert.equal(out, 'finished\n');
    assert.equal(await daemon.stop(), 0);
  });

  it('ends sessions on SIGTERM, reports their status, and exits 0', async () => {
    const daemon = await startDaemon();
    const marker = `${4000 + Math.floor(Math.random() * 999)}.5`;
    const ssh = spawnSsh(daemon, [`sleep ${marker}`]);
    const sshExit = new Promise<number | null>((resolve) => ssh.on('exit', (code) => resolve(code)));
    await waitUntil(() => pidsMatching(`sleep ${marker}`).length === 1, 'the command to start');
    daemon.proc.kill('SIGTERM');
    // The command dies of SIGHUP; OpenSSH's client then exits 255.
    assert.equal(await sshExit, 255);
    assert.equal(await daemon.stop(), 0);
    await waitUntil(() => pidsMatching(`sleep ${marker}`).length === 0, 'the command to be gone', 5000);
  });
});
