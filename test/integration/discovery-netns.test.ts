/**
 * DNS-SD between two machines: two network namespaces joined by a veth
 * pair, cpud in one, the cpu client (and avahi, a browser nobody here
 * wrote) in the other. Multicast stays on the veth link: no packet leaves
 * these namespaces. Needs root, iproute2, avahi-daemon, avahi-utils, dbus.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { REPO } from '../helpers/paths.js';

const CPU_BIN = join(REPO, 'bin', 'cpu');
const tag = process.pid % 100000;
const NS_A = `cpdA${tag}`;
const NS_B = `cpdB${tag}`;
const ADDR_A = '10.231.0.1';
const INSTANCE = `test${tag}-cpud`;

function sh(argv: string[]): string {
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${argv.join(' ')}: ${run.stderr || run.error}`);
  return run.stdout;
}

function requireTools(tools: string[], packages: string): void {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) assert.fail(`missing ${missing.join(', ')}: install Debian ${packages}`);
}

function makeNamespaces(): void {
  const veth = `cpdv${tag}`;
  sh(['ip', 'netns', 'add', NS_A]);
  sh(['ip', 'netns', 'add', NS_B]);
  sh(['ip', 'link', 'add', `${veth}a`, 'type', 'veth', 'peer', 'name', `${veth}b`]);
  sh(['ip', 'link', 'set', `${veth}a`, 'netns', NS_A]);
  sh(['ip', 'link', 'set', `${veth}b`, 'netns', NS_B]);
  sh(['ip', '-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', `${veth}a`]);
  sh(['ip', '-n', NS_B, 'addr', 'add', '10.231.0.2/24', 'dev', `${veth}b`]);
  for (const [ns, dev] of [[NS_A, `${veth}a`], [NS_B, `${veth}b`]]) {
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  }
}

function removeNamespaces(): void {
  // Deleting a namespace deletes the veth end inside it, and so its peer.
  for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns]);
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function inB(argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', NS_B, ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function finished(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const cpuInB = (args: string[]): Promise<Result> => finished(inB([CPU_BIN, ...args]));

/** The TENANTS column of our server's row in `cpu -list`. */
async function tenants(): Promise<number | undefined> {
  const result = await cpuInB(['-list', `dnssd:///_ncpu._tcp/${INSTANCE}`]);
  const [header, row] = result.stdout.split('\n');
  if (!row) return undefined;
  return Number(row.split(/\s+/)[header.split(/\s+/).indexOf('TENANTS')]);
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A listener inside namespace A for -register: prints its port, then what it got. */
function registrationListener(): Promise<{ port: number; received: Promise<string> }> {
  const script =
    "const s=require('net').createServer(c=>{let d='';c.on('data',x=>d+=x);" +
    "c.on('end',()=>{console.log('got:'+d);process.exit(0)})});" +
    "s.listen(0,'127.0.0.1',()=>console.log('port:'+s.address().port));" +
    'setTimeout(()=>process.exit(1),30000).unref()';
  const child = spawn('ip', ['netns', 'exec', NS_A, process.execPath, '-e', script]);
  const result = finished(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /port:(\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ port: Number(port), received: result.then((r) => r.stdout) });
    });
    child.on('error', reject);
  });
}

describe('DNS-SD between two network namespaces', () => {
  let daemon: TestDaemon;
  let registered: Promise<string>;
  before(async () => {
    requireTools(['ip'], 'iproute2');
    removeNamespaces();
    makeNamespaces();
    const listener = await registrationListener();
    registered = listener.received;
    daemon = await startDaemon({
      wrap: ['ip', 'netns', 'exec', NS_A],
      args: [
        ...['-addr', ADDR_A, '-dsInstance', INSTANCE, '-dsTxt', 'rack=3,role=test'],
        ...['-register', `127.0.0.1:${listener.port}`, '-registerTO', '2s'],
      ],
    });
    await daemon.waitForLog(/DNS-SD: advertising/);
  });
  after(async () => {
    await daemon?.stop();
    removeNamespaces();
  });

  it('writes ok to the -register listener once it listens', async () => {
    assert.match(await registered, /got:ok/);
    await daemon.waitForLog(/registered with 127\.0\.0\.1:\d+/);
  });

  it('cpu -list in the other namespace prints the server with its TXT facts', async () => {
    const result = await cpuInB(['-list', 'dnssd://?rack=3&sort=tenants']);
    assert.equal(result.code, 0, result.stderr);
    const [header, row] = result.stdout.trim().split('\n');
    assert.match(header, /^INSTANCE\s+ADDRESS\s+PORT\s+ARCH\s+OS\s+CORES\s+TENANTS/);
    assert.match(row, new RegExp(`^${INSTANCE}\\s+${ADDR_A}\\s+${daemon.port}\\s`));
    assert.match(row, /\slinux\s/);
    assert.match(row, /rack=3 role=test$/);
  });

  it('cpu dnssd:// runs the command on the server the query picks', async () => {
    const args = ['-key', daemon.keys.clientKey, '-9p=false'];
    const result = await cpuInB([...args, 'dnssd://?role=test&cores=>0', '/bin/echo', 'found']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'found\n');
  });

  it('advertises tenants rising while a session runs and falling after', async () => {
    const args = ['-key', daemon.keys.clientKey, '-9p=false', `dnssd://?rack=3`];
    const session = finished(inB([CPU_BIN, ...args, '/bin/sleep', '6']));
    const before = daemon.logs.filter((l) => /command started: .*sleep/.test(l)).length;
    await until(
      async () => daemon.logs.filter((l) => /command started: .*sleep/.test(l)).length,
      (n) => n > before,
      15_000,
    );
    assert.equal(await until(tenants, (n) => n === 1, 5000), 1);
    assert.equal((await session).code, 0);
    assert.equal(await until(tenants, (n) => n === 0, 5000), 0);
  });

  it('fails with one clear line and status 255 when nothing matches', async () => {
    const started = Date.now();
    const result = await cpuInB(['-list', 'dnssd://?rack=99&timeout=1500ms']);
    assert.equal(result.code, 255);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^cpu: dnssd: no cpud for "dnssd:\/\/\?rack=99&timeout=1500ms" /);
    assert.match(lines[0], /within 1500 ms: \d+ servers? answered, none matched$/);
    assert.ok(Date.now() - started < 5000);
  });
});
