/**
 * Memory of a server and its process tree, read from /proc. RSS counts
 * shared pages (libc, the node binary) once per process; PSS divides them
 * among the sharers, so a tree's PSS sum is what it really costs.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeMemory {
  /** The root process's own RSS, kB, and the anonymous part of it (heap, stacks). */
  rootRssKb: number;
  rootAnonKb: number;
  /** Sums over the root and all its descendants, kB. */
  treeRssKb: number;
  treePssKb: number;
  pids: number[];
}

export function treePids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeMemory(root: number): TreeMemory {
  const pids = treePids(root);
  let treeRssKb = 0;
  let treePssKb = 0;
  for (const pid of pids) {
    treeRssKb += field(`/proc/${pid}/status`, 'VmRSS');
    treePssKb += field(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  const status = `/proc/${root}/status`;
  return {
    rootRssKb: field(status, 'VmRSS'),
    rootAnonKb: field(status, 'RssAnon'),
    treeRssKb,
    treePssKb,
    pids,
  };
}

/** Names (comm) of the processes in a tree, to see when sessions are up. */
export function treeCommands(root: number): string[] {
  return treePids(root).map((pid) => read(`/proc/${pid}/comm`).trim());
}

function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  // The command name is in parentheses and may hold spaces: parse after it.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest.length > 1 ? Number(rest[1]) : undefined;
}

function field(path: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(read(path));
  return match ? Number(match[1]) : 0;
}

// Processes come and go while we read: a vanished one counts as nothing.
function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
