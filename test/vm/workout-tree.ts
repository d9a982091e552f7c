/**
 * The host half of the workout: the trees the servers export, made fresh
 * for each run, and the facts the guest's script needs about them.
 *   <base>/root     exported by the server running as root (the test)
 *   <base>/nobody   exported by a server running as uid 65534
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NOBODY = 65534;

export interface WorkoutTree {
  base: string;
  root: string;
  nobody: string;
  helloSha256: string;
  manyNamesMd5: string;
  manyCount: number;
  remove(): void;
}

const HELLO = 'hello from the host\n';

export function makeWorkoutTree(manyCount = 5000): WorkoutTree {
  const base = mkdtempSync(join(tmpdir(), 'cpud-vm-tree-'));
  // The server running as nobody must be able to reach its tree.
  chmodSync(base, 0o755);
  const root = join(base, 'root');
  const nobody = join(base, 'nobody');

  mkdirSync(join(root, 'host'), { recursive: true });
  writeFileSync(join(root, 'host', 'hello.txt'), HELLO);
  writeFileSync(join(root, 'host', 'secret'), 'for root only\n', { mode: 0o600 });
  mkdirSync(join(root, 'nonempty'));
  writeFileSync(join(root, 'nonempty', 'x'), 'x\n');

  mkdirSync(join(root, 'many'));
  const names: string[] = [];
  for (let i = 0; i < manyCount; i++) {
    const name = `entry-${String(i).padStart(5, '0')}`;
    names.push(name);
    writeFileSync(join(root, 'many', name), '');
  }

  mkdirSync(join(root, 'tree', 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(root, 'tree', 'empty'));
  for (let i = 1; i <= 3; i++) {
    writeFileSync(join(root, 'tree', 'a', 'b', 'c', `file${i}`), `${'data '.repeat(i * 1000)}\n`);
  }
  writeFileSync(join(root, 'tree', 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  symlinkSync('a/b', join(root, 'tree', 'link'));

  mkdirSync(nobody);
  writeFileSync(join(nobody, 'pub'), 'pub\n');
  writeFileSync(join(nobody, 'root-only'), 'for root only\n', { mode: 0o600 });
  chownSync(nobody, NOBODY, NOBODY);
  chownSync(join(nobody, 'pub'), NOBODY, NOBODY);

  return {
    base,
    root,
    nobody,
    helloSha256: createHash('sha256').update(HELLO).digest('hex'),
    manyNamesMd5: createHash('md5').update(names.sort().join('\n') + '\n').digest('hex'),
    manyCount,
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}
