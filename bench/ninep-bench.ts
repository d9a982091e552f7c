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
import { startDiod, type NinepServer } from '../test/vm/ninep-servers.js';
import { startVm } from '../test/vm/vm.js';
import { formatProfile, summarizeProfile } from './cpuprofile.js';
import { ninepGuestScript, type GuestTarget } from './ninep-guest.js';
import { parseNinepConsole, renderNinepReport, type RenderInput } from './ninep-report.js';
import { makeBenchTree, type BenchTreeOptions } from './ninep-tree.js';
import { freePort, startServerProcess } from './server-process.js';
import { REPO } from './servers.js';

export interface NinepBenchOptions {
  quick: boolean;
  /** Run our server under `node --cpu-prof` and append its profile summary. */
  profile?: boolean;
  /** Rounds (each target once per workload); default 2 quick, 4 full. */
  rounds?: number;
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
    const oursPort = await freePort();
    const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const script = join(REPO, 'dist', 'bench', 'ninep-server-process.js');
    const ours = await startServerProcess(process.execPath, [...nodeArgs, script, tree.root,
      String(oursPort)], { port: oursPort });
    servers.push(ours);
    const diod: NinepServer = await startDiod(tree.root);
    servers.push(diod);

    const targets: GuestTarget[] = [
      { name: 'ours64k', port: ours.port, msize: SMALL_MSIZE },
      { name: 'diod64k', port: diod.port, aname: diod.aname, msize: SMALL_MSIZE },
      // msize only changes how many bytes one Tread/Twrite carries.
      { name: 'ours1m', port: ours.port, msize: BIG_MSIZE, workloads: ['read', 'write'] },
      { name: 'diod1m', port: diod.port, aname: diod.aname, msize: BIG_MSIZE, probeOnly: true },
    ];
    const guest = ninepGuestScript({ targets, ...sizes });
    const initramfs = await buildInitramfs();
    const budgetMs = (options.quick ? 4 : 20) * 60_000;
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
    for (const s of servers.splice(0)) await s.stop();

    const results = parseNinepConsole(text);
    const diodBig = results.msize.get('diod1m') ?? 0;
    const shown = targets.filter((t) => !t.probeOnly);
    const labels: Record<string, string> = { ours64k: 'ours', diod64k: 'diod', ours1m: 'ours' };
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
      ratios: [{ of: 'ours64k', to: 'diod64k' }, { of: 'ours1m', to: 'diod64k' }],
      goals: { read: 0.8, stat: 0.7, lsR: 0.7 },
      notes: [
        `one VM boot (qemu TCG, 1 vCPU, Debian kernel, trans=tcp over slirp, cache=none); ` +
          `${sizes.rounds} rounds, targets alternated within each workload, order reversed ` +
          `every round; bench VM time ${vmSeconds.toFixed(0)} s`,
        `sizes: read ${sizes.bigMiB} MiB file (dd bs=1M), write ${sizes.writeMiB} MiB, ` +
          `stat ${sizes.manyCount} files, ls -lnR ${tree.treeEntries} entries; MB = 10^6 bytes`,
        `msize asked: 65536 for both; ours also at ${BIG_MSIZE} (read and write only); ` +
          `diod, asked for ${BIG_MSIZE}, negotiated ${diodBig || 'nothing'}`,
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
