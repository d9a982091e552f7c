/**
 * The results as plain Markdown: absolute figures (median and quartiles),
 * every figure as a ratio to sshd's median in the same run, cpud's targets,
 * and what failed. No pass/fail: the bench reports, people judge.
 */
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { ServerId } from './servers.js';
import { CIPHER, HOST_KEY_ALGO, KEX, MAC } from './ssh-client.js';
import { summarize } from './stats.js';
import type { Failures } from './latency.js';
import type { Samples, Target } from './target.js';

export interface Metric {
  title: string;
  better: 'lower' | 'higher';
  samples: Samples;
  digits: number;
}

export interface Goal {
  server: ServerId;
  metric: string;
  /** Ratio to sshd that cpud should reach. */
  limit: number;
}

export interface ReportInput {
  options: BenchOptions;
  machine: MachineInfo;
  targets: Target[];
  metrics: Metric[];
  goals: Goal[];
  failures: Failures;
  startedAt: Date;
  seconds: number;
  /** Lines for the notes, measured in the run itself. */
  notes: string[];
}

export function renderReport(input: ReportInput): string {
  const { targets, metrics } = input;
  const lines: string[] = [];
  lines.push(`# cpud benchmark (${input.options.quick ? 'quick' : 'full'} run)`, '');
  lines.push(...machineLines(input), '');

  lines.push(
    '## Figures',
    '',
    'Median, with the interquartile range in brackets; n = samples per server.',
    '',
  );
  lines.push(header(['figure', 'n', ...targets.map((t) => t.label)]));
  for (const metric of metrics) {
    const n = Math.max(0, ...[...metric.samples.values()].map((s) => s.length));
    lines.push(row([metric.title, String(n), ...targets.map((t) => cell(t, metric))]));
  }

  lines.push('', '## Ratios to sshd', '', "Median over sshd's median in the same run.", '');
  lines.push(header(['figure', 'better', ...targets.map((t) => t.label)]));
  for (const metric of metrics) {
    lines.push(
      row([metric.title, metric.better, ...targets.map((t) => formatRatio(ratio(metric, t.id)))]),
    );
  }

  lines.push('', '## Targets for cpud', '');
  lines.push(header(['server', 'figure', 'target (x sshd)', 'measured', 'met']));
  for (const goal of input.goals) {
    const metric = metrics.find((m) => m.title === goal.metric);
    const value = metric ? ratio(metric, goal.server) : undefined;
    const sign = metric?.better === 'lower' ? '<=' : '>=';
    const met =
      value === undefined
        ? 'n/a'
        : (metric!.better === 'lower' ? value <= goal.limit : value >= goal.limit)
          ? 'yes'
          : 'no';
    const label = targets.find((t) => t.id === goal.server)?.label ?? goal.server;
    lines.push(
      row([label, goal.metric, `${sign} ${goal.limit.toFixed(1)}`, formatRatio(value), met]),
    );
  }

  lines.push('', '## Notes', '');
  for (const target of targets.filter((t) => t.unavailable)) {
    lines.push(`- ${target.label}: n/a (${target.unavailable})`);
  }
  for (const [id, count] of input.failures.count) {
    const label = targets.find((t) => t.id === id)?.label ?? id;
    lines.push(
      `- ${label}: ${count} failed runs; last: ${oneLine(input.failures.last.get(id) ?? '')}`,
    );
  }
  lines.push(...input.notes, ...METHOD_NOTES, '');
  return lines.join('\n');
}

function machineLines(input: ReportInput): string[] {
  const m = input.machine;
  return [
    `- date: ${input.startedAt.toISOString()}, ${input.seconds.toFixed(0)} s`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; kernel ${m.kernel}`,
    `- cpud ${m.cpudCommit}, node ${m.node}, ssh2 ${m.ssh2}; ${m.utilLinux}`,
    `- client: ${m.openssh}; sshd: openssh-server ${m.openSshServer}; ${m.dropbear}`,
    `- algorithms for every server: cipher ${CIPHER}, MAC ${MAC}, kex ${KEX}, ` +
      `host key ${HOST_KEY_ALGO}`,
    `- stream size ${input.options.streamBytes / 1e6} MB x ${input.options.streamReps}; ` +
      `burst ${input.options.burstSize} sessions x ${input.options.burstReps}; ` +
      `memory with ${input.options.memorySessions} concurrent sessions`,
  ];
}

const METHOD_NOTES = [
  '- Servers run side by side on loopback and are measured in alternation (A B C ... A B C).',
  '- Every client logs in as a temporary user `cpud-bench` (shell /bin/sh): sshd and dropbear',
  '  run commands as that user through `/bin/sh -c`; cpud runs them as its own user (root, or',
  "  nobody), plain words directly. Root's ~/.bashrc here costs 0.3-1 s per command under an",
  '  SSH server, so logging in as root would have measured the dotfiles.',
  '- connect: `ssh host true`, from spawning the client to its exit.',
  '- exec to first byte: `ssh -S` over an open shared connection, spawn to first byte of `echo x`.',
  '  cpud as root builds a private mount namespace per command (cpud-exec: unshare, tmpfs, bind);',
  '  cpud as nobody builds none ("namespace off").',
  '- streams: out = first to last byte of `head -c N /dev/zero`; in = `head -c N /dev/zero | ssh',
  '  host \'echo go; wc -c\'`, from "go" to exit, byte count checked.',
  '- burst: all sessions spawned at once, each its own connection and source address 127.0.0.x;',
  '  sessions/s = completed sessions / wall time of the burst.',
  "- memory: idle = the server process's own VmRSS (for socket activation:",
  '  systemd-socket-activate), and RssAnon, its part that no other process shares;',
  "  per session = growth of the sum over the server's whole process tree (VmRSS, and PSS from",
  '  smaps_rollup, which splits shared pages) with N idle `cat` sessions open, divided by N.',
  '- cpud as nobody has no shell (nologin), so the stream figures, which need one, skip it.',
];

function cell(target: Target, metric: Metric): string {
  if (target.unavailable) return 'n/a';
  const s = summarize(metric.samples.get(target.id) ?? []);
  if (!s) return '-';
  const f = (v: number): string => v.toFixed(metric.digits);
  return `${f(s.median)} [${f(s.p25)}-${f(s.p75)}]`;
}

function ratio(metric: Metric, id: ServerId): number | undefined {
  const base = summarize(metric.samples.get('sshd') ?? [])?.median;
  const value = summarize(metric.samples.get(id) ?? [])?.median;
  if (base === undefined || value === undefined || base === 0) return undefined;
  return value / base;
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}x`;
}

function header(cells: string[]): string {
  return `${row(cells)}\n${row(cells.map(() => '---'))}`;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
