import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXEC_HELPER } from '../../src/session/helper-command.js';

function execHelper(args: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) {
  const result = spawnSync(EXEC_HELPER, args, { encoding: 'utf8', env });
  return { pid: result.pid, code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('cpud-exec, the program that becomes each command', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cpud-exec-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('becomes the command: same pid, its status and its signal', () => {
    const self = execHelper(['--', 'sh', '-c', 'echo $$']);
    assert.equal(self.stdout, `${self.pid}\n`, 'the command has the pid cpud-exec was started with');
    assert.equal(execHelper(['--', 'sh', '-c', 'exit 7']).code, 7);
    assert.equal(execHelper(['--', 'sh', '-c', 'kill -TERM $$']).signal, 'SIGTERM');
  });

  it('finds the program in the PATH of its environment and passes argv0', () => {
    const bin = join(scratch, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'hello'), '#!/bin/sh\necho "hello from $0"\n');
    chmodSync(join(bin, 'hello'), 0o755);
    assert.equal(execHelper(['--', 'hello'], { PATH: bin }).stdout, `hello from ${bin}/hello\n`);
    assert.equal(execHelper(['-a', '-sh', '--', '/bin/sh', '-c', 'echo $0']).stdout, '-sh\n');
  });

  it('says why a program cannot run, with the shell statuses 127 and 126', () => {
    const missing = execHelper(['--', 'no-such-program-here']);
    assert.equal(missing.code, 127);
    assert.equal(missing.stderr, 'cpud: cannot run "no-such-program-here": no such file or directory\n');
    const plain = join(scratch, 'not-executable');
    writeFileSync(plain, 'echo no\n');
    const denied = execHelper(['--', plain]);
    assert.equal(denied.code, 126);
    assert.equal(denied.stderr, `cpud: cannot run "${plain}": permission denied\n`);
  });

  it('enters $PWD, else warns and enters home, else /', () => {
    assert.equal(execHelper(['-w', '/usr/share', '-H', scratch, '--', 'pwd']).stdout, '/usr/share\n');
    const home = execHelper(['-w', '/no/such/dir', '-H', scratch, '--', 'pwd']);
    assert.equal(home.stdout, `${scratch}\n`);
    assert.equal(home.stderr, `cpud: working directory "/no/such/dir" does not exist here; starting in "${scratch}"\n`);
    const root = execHelper(['-w', '/no/such/dir', '-H', '/no/home', '--', 'pwd']);
    assert.equal(root.stdout, '/\n');
    assert.match(root.stderr, /starting in "\/"/);
    assert.equal(execHelper(['--', 'pwd']).stdout, '/\n', 'no $PWD: home or /, silently');
  });

  it('closes every descriptor above 2 that it inherited', () => {
    const result = spawnSync(EXEC_HELPER, ['--', 'sh', '-c', 'ls /proc/$$/fd'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    assert.equal(result.stdout.split('\n').filter(Boolean).sort().join(' '), '0 1 2');
  });

  it('with -n, makes a private namespace: own /tmp, the host on /tmp/local, host mounts untouched', () => {
    assert.equal(process.getuid?.(), 0, 'the namespace needs root');
    const before = readFileSync('/proc/self/mountinfo', 'utf8');
    const marker = join('/var/tmp', `cpud-exec-${process.pid}`);
    writeFileSync(marker, 'host\n');
    const result = execHelper(['-n', '--', 'sh', '-c', `ls /tmp; cat /tmp/local${marker}; touch /tmp/mine`]);
    rmSync(marker);
    assert.equal(result.stdout, 'cpu\nlocal\nmerge\nroot\nhost\n', result.stderr);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8'), before);
  });

  it('with -n -k, keeps a folder under /tmp, which -u takes away again', () => {
    const kept = mkdtempSync('/tmp/cpud-kept-');
    writeFileSync(join(kept, 'f'), 'kept\n');
    // Run from the kept folder, as the -remote helper of a checkout there does.
    copyFileSync(EXEC_HELPER, join(kept, 'cpud-exec'));
    chmodSync(join(kept, 'cpud-exec'), 0o755);
    const script = `cat ${kept}/f; ${kept}/cpud-exec -u ${kept} -- ls /tmp`;
    const result = execHelper(['-n', '-k', kept, '--', 'sh', '-c', script]);
    rmSync(kept, { recursive: true });
    assert.equal(result.stdout, 'kept\ncpu\nlocal\nmerge\nroot\n', result.stderr);
  });

  it('takes -k only with -n, -k and -u only under /tmp, and -u only in its own namespace', () => {
    for (const args of [['-k', '/tmp/x'], ['-n', '-k', '/var/tmp'], ['-u', '/etc']]) {
      const result = execHelper([...args, '--', 'true']);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /-k goes with -n, and -k and -u take a folder under \/tmp/);
    }
    const outside = execHelper(['-u', '/tmp/anything', '--', 'true']);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /refusing to detach \/tmp\/anything outside a private mount namespace/);
  });

  it('refuses to run without a command, naming its usage', () => {
    const result = execHelper(['-n']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no command given \(usage: cpud-exec/);
  });
});
