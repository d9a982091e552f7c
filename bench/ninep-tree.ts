/**
 * The tree both 9P servers export to the guest in the throughput bench:
 *   big        a file of random bytes for the sequential read
 *   many/      `manyCount` empty files, one directory (stat of each)
 *   tree/      a few levels of directories with small files (ls -lR)
 * The guest writes its own files next to these and removes them.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchTreeOptions {
  bigMiB: number;
  manyCount: number;
  /** Directories per level and levels below tree/, files per directory. */
  fanout: number;
  depth: number;
  filesPerDir: number;
}

export interface BenchTree {
  root: string;
  /** Entries under tree/ (directories and files), what ls -lR lists. */
  treeEntries: number;
  remove(): void;
}

export function makeBenchTree(o: BenchTreeOptions): BenchTree {
  const root = mkdtempSync(join(tmpdir(), 'cpud-ninep-bench-'));
  chmodSync(root, 0o755);

  const chunk = randomBytes(1024 * 1024);
  const big = Buffer.alloc(o.bigMiB * chunk.length);
  for (let i = 0; i < o.bigMiB; i++) chunk.copy(big, i * chunk.length);
  writeFileSync(join(root, 'big'), big);

  mkdirSync(join(root, 'many'));
  for (let i = 0; i < o.manyCount; i++) {
    writeFileSync(join(root, 'many', `f${String(i).padStart(5, '0')}`), '');
  }

  let treeEntries = 0;
  const fill = (dir: string, level: number): void => {
    for (let f = 0; f < o.filesPerDir; f++) {
      writeFileSync(join(dir, `file${f}`), `${dir} ${f}\n`);
      treeEntries++;
    }
    if (level === o.depth) return;
    for (let d = 0; d < o.fanout; d++) {
      const sub = join(dir, `dir${d}`);
      mkdirSync(sub);
      treeEntries++;
      fill(sub, level + 1);
    }
  };
  mkdirSync(join(root, 'tree'));
  fill(join(root, 'tree'), 0);

  return { root, treeEntries, remove: () => rmSync(root, { recursive: true, force: true }) };
}
