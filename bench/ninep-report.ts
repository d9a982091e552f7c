/**
 * Parses the guest's result lines (ninep-guest.ts) and renders the 9P
 * throughput section: medians with quartiles per target and workload, and
 * the ratios of our server to diod at the same msize.
 */
import { summarize, type Summary } from './stats.js';
import { WORKLOADS, type Workload } from './ninep-guest.js';

export interface NinepResults {
  /** Seconds per run, by workload then target. */
  seconds: Map<Workload, Map<string, number[]>>;
  /** Negotiated msize per target, from the guest's /proc/mounts. */
  msize: Map<string, number>;
  failures: string[];
}

export interface RenderInput {
  results: NinepResults;
  /** Target name to a description for the table header. */
  targets: { name: string; label: string }[];
  /** Work per run, to turn seconds into rates. */
  amounts: Record<Workload, { amount: number; unit: string }>;
  /** Ratios to show: numerator and denominator target names. */
  ratios: { of: string; to: string }[];
  goals: Partial<Record<Workload, number>>;
  notes: string[];
}

export function parseNinepConsole(text: string): NinepResults {
  const seconds = new Map<Workload, Map<string, number[]>>();
  for (const w of WORKLOADS) seconds.set(w, new Map());
  const msize = new Map<string, number>();
  const failures: string[] = [];
  for (const line of text.split('\n')) {
    const r = /^R \d+ (\w+) (\w+) ([\d.]+)$/.exec(line);
    if (r) {
      const byTarget = seconds.get(r[1] as Workload);
      if (!byTarget) continue;
      const list = byTarget.get(r[2]!) ?? [];
      list.push(Number(r[3]));
      byTarget.set(r[2]!, list);
    }
    const m = /^MSIZE (\w+) (\d*)$/.exec(line);
    if (m) msize.set(m[1]!, Number(m[2]));
    if (line.startsWith('BENCH-FAIL')) failures.push(line);
  }
  return { seconds, msize, failures };
}

const TITLES: Record<Workload, string> = {
  read: 'sequential read',
  write: 'sequential write',
  stat: 'stat of every file in one directory (`ls -ln`)',
  lsR: '`ls -lnR` of a tree',
};

/** Rates (amount per second) per run, for one workload and target. */
export function ratesOf(input: RenderInput, w: Workload, target: string): number[] {
  const secs = input.results.seconds.get(w)?.get(target) ?? [];
  // A run under the 10 ms tick of /proc/uptime has no meaningful rate.
  return secs.map((s) => input.amounts[w].amount / Math.max(s, 0.01));
}

export function renderNinepReport(input: RenderInput): string {
  const { targets } = input;
  const head = targets.map((t) => {
    const msize = input.results.msize.get(t.name);
    return `${t.label}${msize ? ` (msize ${msize})` : ''}`;
  });
  const ratioHead = input.ratios.map((r) => `${r.of} / ${r.to}`);
  const lines = [
    `| workload | ${head.join(' | ')} | ${ratioHead.join(' | ')} | goal |`,
    `| --- |${' ---: |'.repeat(targets.length + input.ratios.length)} ---: |`,
  ];
  for (const w of WORKLOADS) {
    const medians = new Map<string, number | undefined>();
    const cells = targets.map((t) => {
      const s = summarize(ratesOf(input, w, t.name));
      medians.set(t.name, s?.median);
      return cell(s);
    });
    const ratios = input.ratios.map((r) => {
      const a = medians.get(r.of);
      const b = medians.get(r.to);
      if (a === undefined || !b) return 'n/a';
      const paired = summarize(pairedRatios(ratesOf(input, w, r.of), ratesOf(input, w, r.to)));
      return `${(a / b).toFixed(2)}x (paired ${paired!.median.toFixed(2)}x)`;
    });
    const goal = input.goals[w] === undefined ? '' : `>= ${input.goals[w]!.toFixed(1)}x`;
    const title = `${TITLES[w]}, ${input.amounts[w].unit}/s`;
    lines.push(`| ${title} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${goal} |`);
  }
  const failed = input.results.failures;
  return [
    ...lines,
    '',
    'Each cell: median (25th-75th percentile) over n runs, higher is better. Ratios: of the ' +
      'medians, and (paired) the median of the ratios of runs from the same round, which ' +
      'were minutes apart at most: on a shared machine the load drifts between rounds.',
    ...input.notes.map((n) => `- ${n}`),
    ...(failed.length > 0 ? ['', '**Failures in the guest:**'] : []),
    ...failed.map((f) => `- ${f}`),
    '',
  ].join('\n');
}

/** Run i of each target was in round i + 1, next to each other in time. */
function pairedRatios(of: number[], to: number[]): number[] {
  return of.slice(0, to.length).map((x, i) => x / to[i]!);
}

function cell(s: Summary | undefined): string {
  if (!s) return 'n/a';
  const d = s.median >= 100 ? 0 : 1;
  return `${s.median.toFixed(d)} (${s.p25.toFixed(d)}-${s.p75.toFixed(d)}) n=${s.n}`;
}
