/**
 * Seed corpora of the fuzz targets, kept in test/fuzz/<target>/: the inputs
 * the properties start from and mutate. A crash found later belongs there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.js';

export function readCorpus(target: string): Buffer[] {
  const dir = join(REPO, 'test', 'fuzz', target);
  const files = readdirSync(dir).sort();
  if (files.length === 0) throw new Error(`the corpus ${dir} is empty`);
  return files.map((name) => readFileSync(join(dir, name)));
}

/** How long each property may run in CI: a few seconds per target. */
export const FUZZ_TIME_MS = Number(process.env.CPUD_FUZZ_MS ?? 3000);
