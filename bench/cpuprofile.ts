/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and sums self time
 * per function and per origin (cpud's code, ssh2, Node's internals, GC).
 * Self time of a node = the time deltas of the samples that landed on it.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Sampled time outside "(idle)": what the process spent working. */
  busyMs: number;
  functions: SelfTime[];
  origins: SelfTime[];
}

export function summarizeProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );

  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busyUs += us;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const origin = originOf(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const rank = (map: Map<string, number>, n: number): SelfTime[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    functions: rank(functions, top),
    origins: rank(origins, 10),
  };
}

export function formatProfile(title: string, summary: ProfileSummary): string {
  const lines = [
    `### ${title}`,
    '',
    `profiled ${summary.totalMs.toFixed(0)} ms, busy (not idle) ${summary.busyMs.toFixed(0)} ms`,
    '',
    '| self ms | share of busy | origin |',
    '| ---: | ---: | --- |',
    ...summary.origins.map(
      (o) => `| ${o.ms.toFixed(0)} | ${(o.share * 100).toFixed(1)}% | ${o.name} |`,
    ),
    '',
    '| self ms | share of busy | function |',
    '| ---: | ---: | --- |',
    ...summary.functions.map(
      (f) => `| ${f.ms.toFixed(1)} | ${(f.share * 100).toFixed(1)}% | \`${f.name}\` |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function originOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8 builtins)';
  if (url.includes('/node_modules/ssh2/')) return 'ssh2';
  if (url.includes('/node_modules/')) return 'other node_modules';
  if (url.includes('/dist/src/')) return 'cpud (dist/src)';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
}
