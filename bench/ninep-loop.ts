/**
 * A host-only companion to the VM bench, for quick profiling rounds: one
 * 9P client on loopback, one request in flight at a time as the kernel
 * client does for a single process, against ours (in a child process) and
 * diod, alternated. Figures are round trips a second for the stat pattern
 * (Twalk + Tgetattr + Tclunk per file) and MB/s for 64 KiB Treads.
 * Usage: node dist/bench/ninep-loop.js [rounds] [--profile]
 * The client is Node too, and often the bottleneck: this tells a change's
 * direction and the server's CPU per request, not the kernel client's view.
 */
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { NinepClient } from '../test/helpers/ninep-client.js';
import { formatProfile, summarizeProfile } from './cpuprofile.js';
import { cpuSeconds, startDiodProcess, startNinepProcess } from './ninep-cpu.js';
import { makeBenchTree } from './ninep-tree.js';
import { REPO } from './servers.js';
import { summarize } from './stats.js';

const MSIZE = 65536;

async function client(port: number, aname: string): Promise<{ c: NinepClient; s: Socket }> {
  const s = connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => s.once('connect', resolve).once('error', reject));
  const c = new NinepClient(s);
  await c.call('Tversion', { msize: MSIZE, version: '9P2000.L' });
  await c.call('Tattach', { fid: 0, afid: 0xffffffff, uname: 'root', aname, n_uname: 0 });
  return { c, s };
}

async function statLoop(c: NinepClient, files: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < files; i++) {
    const name = `f${String(i).padStart(5, '0')}`;
    await c.call('Twalk', { fid: 0, newfid: 1, wnames: ['many', name] });
    await c.call('Tgetattr', { fid: 1, request_mask: 0x7ffn });
    await c.call('Tclunk', { fid: 1 });
  }
  return (files * 3) / ((performance.now() - t0) / 1000);
}

async function readLoop(c: NinepClient, bytes: number): Promise<number> {
  await c.call('Twalk', { fid: 0, newfid: 2, wnames: ['big'] });
  await c.call('Tlopen', { fid: 2, flags: 0 });
  const t0 = performance.now();
  let offset = 0n;
  for (;;) {
    const { data } = await c.call('Tread', { fid: 2, offset, count: MSIZE - 24 });
    if (data.length === 0) break;
    offset += BigInt(data.length);
  }
  await c.call('Tclunk', { fid: 2 });
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 5);
const tree = makeBenchTree({ bigMiB: 64, manyCount: 3000, fanout: 1, depth: 0, filesPerDir: 1 });
const profileDir = args.includes('--profile') ? mkdtempSync(join(tmpdir(), 'cpud-ninep-')) : '';
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
const ours = await startNinepProcess(REPO, tree.root, nodeArgs);
const diod = await startDiodProcess(tree.root);
const targets = [
  { name: 'ours', ...(await client(ours.port, '')) },
  { name: 'diod', ...(await client(diod.port, tree.root)) },
];
const stat = new Map<string, number[]>();
const read = new Map<string, number[]>();
const load = loadavg()[0]!.toFixed(1);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? targets : [...targets].reverse();
  for (const t of order) stat.set(t.name, [...(stat.get(t.name) ?? []), await statLoop(t.c, 3000)]);
  for (const t of order) {
    read.set(t.name, [...(read.get(t.name) ?? []), await readLoop(t.c, 64 * 1024 * 1024)]);
  }
}
for (const t of targets) {
  const s = summarize(stat.get(t.name)!)!;
  const m = summarize(read.get(t.name)!)!;
  process.stdout.write(`${t.name}: stat pattern ${s.median.toFixed(0)} req/s ` +
    `(${s.p25.toFixed(0)}-${s.p75.toFixed(0)}), read ${m.median.toFixed(0)} MB/s ` +
    `(${m.p25.toFixed(0)}-${m.p75.toFixed(0)})\n`);
}
process.stdout.write(`load average at start ${load}, at end ${loadavg()[0]!.toFixed(1)}\n`);
for (const t of targets) t.s.destroy();
process.stdout.write(`server CPU: ours ${cpuSeconds(ours.pid).toFixed(1)} s, ` +
  `diod ${cpuSeconds(diod.pid).toFixed(1)} s\n`);
await ours.stop();
await diod.stop();
tree.remove();
if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  const summary = file ? summarizeProfile(join(profileDir, file), 30) : undefined;
  if (summary) process.stdout.write(formatProfile('serveNinep', summary));
  rmSync(profileDir, { recursive: true, force: true });
}
