import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { collect, connectClient, exec, runOnce as run } from '../helpers/ssh2-client.js';
import { descendantsOf } from '../helpers/wait.js';

function mountTable(): string {
  // Mount ids and the mounts themselves must match exactly.
  return readFileSync('/proc/self/mountinfo', 'utf8');
}

describe('per-command private namespace (as root)', () => {
  let daemon: TestDaemon;
  before(async () => {
    assert.equal(process.getuid?.(), 0, 'namespace tests need root');
    daemon = await startDaemon();
  });
  after(async () => {
    await daemon.stop();
  });

  it('gives each command its own /tmp, unseen by the host and by another session', async () => {
    const name = `cpud-ns-${process.pid}`;
    const first = await connectClient(daemon);
    const holder = await exec(first, `echo secret > /tmp/${name}; echo made; sleep 30`);
    const held = collect(holder);
    await new Promise<void>((resolve) => holder.once('data', () => resolve()));
    assert.equal(existsSync(`/tmp/${name}`), false, 'the host must not see it');
    const second = await run(daemon, `ls /tmp/${name} 2>&1; ls -d /tmp/cpu /tmp/local /tmp/merge /tmp/root`);
    assert.match(second.stdout, /No such file/);
    assert.match(second.stdout, /\/tmp\/cpu\n\/tmp\/local\n\/tmp\/merge\n\/tmp\/root\n/);
    holder.signal('KILL');
    await held;
    first.end();
  });

  it('shows the host root on /tmp/local', async () => {
    const marker = join('/var/tmp', `cpud-local-${process.pid}`);
    writeFileSync(marker, 'host file');
    const result = await run(daemon, `cat /tmp/local${marker}`);
    rmSync(marker);
    assert.equal(result.stdout, 'host file');
  });

  it('applies CPU_FSTAB lines (bind and tmpfs), reports a bad line, and still runs', async () => {
    const src = `/var/tmp/cpud-bind-${process.pid}`;
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'f'), 'bound\n');
    const fstab = [
      '# a comment',
      `${src} /mnt none defaults,bind 0 0`,
      '/nonexistent-src /opt none bind 0 0',
      'tmpfs /srv tmpfs size=1m 0 0',
      'tmpfs /no/such/mountpoint tmpfs size=1m 0 0',
      'garbage line here',
    ].join('\n');
    const result = await run(daemon, 'cat /mnt/f; grep " /srv " /proc/self/mounts | cut -d" " -f3', {
      CPU_FSTAB: fstab,
    });
    rmSync(src, { recursive: true });
    assert.equal(result.stdout, 'bound\ntmpfs\n');
    assert.match(result.stderr, /CPU_FSTAB line 3 \(\/nonexistent-src on \/opt\): .*(No such file|does not exist)/i);
    assert.match(result.stderr, /CPU_FSTAB line 5 \(tmpfs on \/no\/such\/mountpoint\): .*does not exist/i);
    assert.match(result.stderr, /CPU_FSTAB line 6: fewer than the four fields "what where type options"; skipped/);
    assert.equal(result.code, 0);
  });

  it('keeps CPUNONCE, CPU_FSTAB and LC_GLENDA_CPU_FSTAB out of the command', async () => {
    const result = await run(daemon, 'env', {
      CPUNONCE: '0123456789abcdef0123456789abcdef',
      CPU_FSTAB: '# empty',
      LC_GLENDA_CPU_FSTAB: '# empty',
      KEEP_ME: 'yes',
    });
    assert.match(result.stdout, /^KEEP_ME=yes$/m);
    assert.doesNotMatch(result.stdout, /CPUNONCE|CPU_FSTAB|LC_GLENDA/);
  });

  it('starts in $PWD, and warns and falls back when it does not exist', async () => {
    assert.equal((await run(daemon, 'pwd', { PWD: '/usr/share' })).stdout, '/usr/share\n');
    const missing = await run(daemon, 'pwd', { PWD: '/no/such/dir' });
    assert.match(missing.stderr, /working directory "\/no\/such\/dir" does not exist here/);
    assert.equal(missing.code, 0);
  });

  it('runs a plain command in place of its starter: the daemon is its parent', async () => {
    const plain = await run(daemon, 'echo $PPID');
    assert.equal(Number(plain.stdout.trim()), daemon.proc.pid, 'no helper process between daemon and command');
    const imported = await run(daemon, 'echo $PPID', { CPU_FSTAB: 'tmpfs /srv tmpfs size=1m 0 0' });
    assert.notEqual(Number(imported.stdout.trim()), daemon.proc.pid, 'an import runs behind cpud -remote');
  });

  it('enters a $PWD that exists only after the CPU_FSTAB binds', async () => {
    const src = `/var/tmp/cpud-pwd-${process.pid}`;
    mkdirSync(join(src, 'inner'), { recursive: true });
    const result = await run(daemon, 'pwd', { PWD: '/mnt/inner', CPU_FSTAB: `${src} /mnt none bind 0 0` });
    rmSync(src, { recursive: true });
    assert.equal(result.stdout, '/mnt/inner\n', result.stderr);
  });

  it('sends the nonce over the forwarded 9P channel, then fails the mount with a clear message', async () => {
    const client = await connectClient(daemon);
    const port = await new Promise<number>((resolve, reject) =>
      client.forwardIn('127.0.0.1', 0, (err, p) => (err ? reject(err) : resolve(p))),
    );
    const nonce = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const received = new Promise<string>((resolve) => {
      client.on('tcp connection', (_info, accept) => {
        const stream = accept();
        let got = '';
        stream.on('data', (d: Buffer) => {
          got += d.toString();
          // The kernel would speak 9P now; this machine has no 9P, so hang up.
          if (got.length >= 32) {
            resolve(got);
            stream.close();
          }
        });
      });
    });
    const channel = await exec(client, `-port9p=${port} 'echo' 'must not run'`, { env: { CPUNONCE: nonce } });
    const result = await collect(channel);
    assert.equal(await received, nonce);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /cannot mount the client's files on \/tmp\/cpu: this kernel has no 9p file system/);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line, got: ${result.stderr}`);
    client.end();
  });

  it('traces the 9P mount options and outcome when debug is asked for', async () => {
    const client = await connectClient(daemon);
    const port = await new Promise<number>((resolve, reject) =>
      client.forwardIn('127.0.0.1', 0, (err, p) => (err ? reject(err) : resolve(p))),
    );
    client.on('tcp connection', (_info, accept) => {
      const stream = accept();
      stream.once('data', () => stream.close());
    });
    const nonce = '00112233445566778899aabbccddeeff';
    const channel = await exec(client, `-port9p=${port} -d 'true'`, { env: { CPUNONCE: nonce, USER: 'glenda' } });
    const result = await collect(channel);
    client.end();
    assert.match(
      result.stderr,
      /9p: mount -t 9p -o version=9p2000\.L,trans=fd,rfdno=3,wfdno=3,uname=glenda,msize=65536,noxattr,nodev,nosuid localhost \/tmp\/cpu/,
    );
    assert.match(result.stderr, /9p: mount failed: /);
    assert.equal(result.code, 1);
  });

  it('leaves the host mount table exactly as it was after 100 sessions, and no process', async () => {
    const before = mountTable();
    const fstab = 'tmpfs /mnt tmpfs size=1m 0 0\n';
    // Ten at a time over one connection, as a busy client would.
    const client = await connectClient(daemon);
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) =>
          collect(await exec(client, `exit ${i}`, { env: { CPU_FSTAB: fstab } })),
        ),
      );
      results.forEach((r, i) => assert.equal(r.code, i));
    }
    client.end();
    assert.equal(mountTable(), before);
    assert.deepEqual(descendantsOf(daemon.proc.pid!), []);
  });
});
