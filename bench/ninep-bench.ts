/**
 * The 9P throughput bench: one qemu boot (TCG, Debian's kernel) mounts the
 * same host tree from our server (src/ninep, in a process of its own) and
 * from Debian's diod, and runs sequential read, sequential write, a stat of
 * every file in a large directory and `ls -lnR` of a tree against each,
 * alternating targets (ninep-guest.ts). Both are asked for msize 65536; ours
 * is also measured at 1 MiB. diod caps msize at 64 KiB (Debian 12's 1.0.24
 * answers Tversion with 65536 whatever is asked): the guest mounts it once
 * at 1 MiB only to report what it negotiates.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildInitramfs } from '../test/vm/initramfs.js';
import { startVm } from '../test/vm/vm.js';
import { formatProfile, summarizeProfile } from './cpuprofile.js';
import { ninepGuestScript, type GuestTarget } from './ninep-guest.js';
import { parseNinepConsole, renderNinepReport, type RenderInput } from './ninep-report.js';
import { makeBenchTree, type BenchTreeOptions } from './ninep-tree.js';
import type { ServerProcess } from './server-process.js';
import { cpuSeconds, startDiodProcess, startNinepProcess } from './ninep-cpu.js';
import { REPO } from './servers.js';

export interface NinepBenchOptions {
  quick: boolean;
  /** Run our server under `node --cpu-prof` and append its profile summary. */
  profile?: boolean;
  /** Rounds (each target once per workload); default 2 quick, 3 full. */
  rounds?: number;
  /**
   * Another build of the project (its root, holding dist/): its serveNinep
   * joins the same boot as a third target at msize 65536, for before/after
   * figures that share the machine's load.
   */
  baseline?: string;
}

const SMALL_MSIZE = 65536;
const BIG_MSIZE = 1024 * 1024;

interface Sizes extends BenchTreeOptions {
  writeMiB: number;
  rounds: number;
}

// Under TCG a stat through 9P costs the guest about 4 ms, so the quick
// sizes keep one boot's measuring near a minute.
const QUICK: Sizes = {
  bigMiB: 32, writeMiB: 16, manyCount: 1000, fanout: 3, depth: 2, filesPerDir: 15, rounds: 2,
};
const FULL: Sizes = {
  bigMiB: 64, writeMiB: 32, manyCount: 10000, fanout: 6, depth: 2, filesPerDir: 40, rounds: 3,
};

export async function runNinepBench(options: NinepBenchOptions): Promise<string> {
  const sizes = { ...(options.quick ? QUICK : FULL) };
  if (options.rounds) sizes.rounds = options.rounds;
  const loadBefore = loadavg();
  const started = Date.now();
  const tree = makeBenchTree(sizes);
  const profileDir = options.profile ? await mkdtemp(join(tmpdir(), 'cpud-ninep-prof-')) : '';
  const servers: { stop(): Promise<void> }[] = [];
  try {
    // One server process per target, so that each one's CPU time is its own.
    const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const byTarget = new Map<string, ServerProcess>();
    const start = async (name: string, server: Promise<ServerProcess>): Promise<void> => {
      const started = await server;
      servers.push(started);
      byTarget.set(name, started);
    };
    await start('ours64k', startNinepProcess(REPO, tree.root, nodeArgs));
    await start('diod64k', startDiodProcess(tree.root));
    await start('ours1m', startNinepProcess(REPO, tree.root));
    if (options.baseline) await start('base64k', startNinepProcess(options.baseline, tree.root));
    const port = (name: string): number => byTarget.get(name)!.port;
    const root = tree.root;

    const targets: GuestTarget[] = [
      { name: 'ours64k', port: port('ours64k'), msize: SMALL_MSIZE },
      { name: 'diod64k', port: port('diod64k'), aname: root, msize: SMALL_MSIZE },
      // msize only changes how many bytes one Tread/Twrite carries.
      { name: 'ours1m', port: port('ours1m'), msize: BIG_MSIZE, workloads: ['read', 'write'] },
      { name: 'diod1m', port: port('diod64k'), aname: root, msize: BIG_MSIZE, probeOnly: true },
    ];
    if (byTarget.has('base64k')) {
      targets.push({ name: 'base64k', port: port('base64k'), msize: SMALL_MSIZE });
    }
    const guest = ninepGuestScript({ targets, ...sizes });
    const initramfs = await buildInitramfs();
    // Rounds took up to 45 s quick and 270 s full under a load of 16 on 2 cores.
    const perRound = (options.quick ? 60_000 : 300_000) * (options.baseline ? 1.5 : 1);
    const budgetMs = 120_000 + sizes.rounds * perRound;
    const vm = await startVm({ initramfs, script: guest, name: 'ninep-bench', timeoutMs: budgetMs,
      memoryMb: 1024 });
    let vmSeconds = 0;
    let text: string;
    try {
      await vm.waitFor(/^VM-READY/m, 120_000);
      const ready = Date.now();
      await vm.waitFor(/^BENCH-DONE/m, budgetMs);
      vmSeconds = (Date.now() - ready) / 1000;
      text = vm.console;
    } finally {
      await vm.stop();
    }
    const cpu = [...byTarget].map(([name, p]) => `${name} ${cpuSeconds(p.pid).toFixed(1)} s`);
    for (const s of servers.splice(0)) await s.stop();

    const results = parseNinepConsole(text);
    const diodBig = results.msize.get('diod1m') ?? 0;
    const shown = targets.filter((t) => !t.probeOnly);
    const labels: Record<string, string> = {
      ours64k: 'ours', diod64k: 'diod', ours1m: 'ours', base64k: 'baseline build',
    };
    const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
    const input: RenderInput = {
      results,
      targets: shown.map((t) => ({ name: t.name, label: labels[t.name]! })),
      amounts: {
        read: { amount: mb(sizes.bigMiB), unit: 'MB' },
        write: { amount: mb(sizes.writeMiB), unit: 'MB' },
        stat: { amount: sizes.manyCount, unit: 'files' },
        lsR: { amount: tree.treeEntries, unit: 'entries' },
      },
      ratios: [
        { of: 'ours64k', to: 'diod64k' },
        { of: 'ours1m', to: 'diod64k' },
        ...(options.baseline ? [{ of: 'base64k', to: 'diod64k' }] : []),
      ],
      goals: { read: 0.8, stat: 0.7, lsR: 0.7 },
      notes: [
        `one VM boot (qemu TCG, 1 vCPU, Debian kernel, trans=tcp over slirp, cache=none); ` +
          `${sizes.rounds} rounds, targets alternated within each workload, order reversed ` +
          `every round; bench VM time ${vmSeconds.toFixed(0)} s`,
        `sizes: read ${sizes.bigMiB} MiB file (dd bs=1M), write ${sizes.writeMiB} MiB, ` +
          `stat ${sizes.manyCount} files, ls -lnR ${tree.treeEntries} entries; MB = 10^6 bytes`,
        `msize asked: 65536 for both; ours also at ${BIG_MSIZE} (read and write only); ` +
          `diod, asked for ${BIG_MSIZE}, negotiated ${diodBig || 'nothing'}`,
        ...(options.baseline ? [`baseline build: serveNinep from ${options.baseline}`] : []),
        `server CPU time (user + system, whole boot; ours1m only reads and writes): ` +
          cpu.join(', '),
        `load average (1/5/15 min) before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadavg())}; ` +
          `wall time ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ],
    };
    let out = `## 9P throughput through the Linux kernel client: serveNinep vs diod\n\n` +
      renderNinepReport(input);
    if (options.profile) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) out += '\n' + formatProfile('serveNinep CPU profile over the whole bench',
        summarizeProfile(join(profileDir, file), 25));
    }
    return out;
  } finally {
    for (const s of servers) await s.stop();
    tree.remove();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }
}

function fmtLoad(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join('/');
}
