/**
 * Reads the workout's console lines (see workout.ts) and checks, on the
 * host, what the guest left in the exported tree.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lstatSync, openSync, readSync, closeSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkoutResults {
  checks: Map<string, { ok: boolean; detail: string }>;
  values: Map<string, string[]>;
  console: string;
}

export function parseWorkout(console: string): WorkoutResults {
  const checks = new Map<string, { ok: boolean; detail: string }>();
  const values = new Map<string, string[]>();
  for (const line of console.split('\n')) {
    const check = /^T (\S+) (ok|FAIL)(?: (.*))?$/.exec(line);
    if (check) checks.set(check[1], { ok: check[2] === 'ok', detail: check[3] ?? '' });
    const value = /^V (\S+) (.*)$/.exec(line);
    if (value) values.set(value[1], value[2].split(' '));
  }
  return { checks, values, console };
}

/** Asserts that each named guest check ran and passed, quoting what it saw. */
export function assertChecks(results: WorkoutResults, ...names: string[]): void {
  for (const name of names) {
    const check = results.checks.get(name);
    assert.ok(check, `the guest never reported check "${name}"; console tail:\n${tail(results.console)}`);
    assert.ok(check.ok, `guest check "${name}" failed: ${check.detail}`);
  }
}

/** Seconds between the two uptimes of a `V name start end` line. */
export function seconds(results: WorkoutResults, name: string): number {
  const [start, end] = (results.values.get(name) ?? []).map(Number);
  return end - start;
}

export function value(results: WorkoutResults, name: string): string {
  const found = results.values.get(name);
  assert.ok(found, `the guest never reported "${name}"; console tail:\n${tail(results.console)}`);
  return found[0];
}

/**
 * Checks the big file block by block: block i is "%07d\n" then a body whose
 * sha256 the guest reported. Returns the md5 of the whole file.
 */
export function checkBigFile(path: string, mib: number, bodySha256: string): string {
  assert.equal(lstatSync(path).size, mib * 1024 * 1024, `size of ${path} on the host`);
  const md5 = createHash('md5');
  const block = Buffer.alloc(1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (let i = 0; i < mib; i++) {
      assert.equal(readSync(fd, block, 0, block.length, i * block.length), block.length);
      md5.update(block);
      assert.equal(block.subarray(0, 8).toString('latin1'), `${String(i).padStart(7, '0')}\n`,
        `header of block ${i}`);
      const body = createHash('sha256').update(block.subarray(8)).digest('hex');
      assert.equal(body, bodySha256, `body of block ${i} differs from what the guest wrote`);
    }
  } finally {
    closeSync(fd);
  }
  return md5.digest('hex');
}

/** Asserts two host trees hold the same names, types, modes, bytes and links. */
export function assertSameTree(copy: string, original: string): void {
  const a = lstatSync(copy);
  const b = lstatSync(original);
  assert.equal(a.mode.toString(8), b.mode.toString(8), `mode of ${copy}`);
  if (b.isSymbolicLink()) {
    assert.equal(readlinkSync(copy), readlinkSync(original), `target of ${copy}`);
  } else if (b.isDirectory()) {
    assert.deepEqual(readdirSync(copy).sort(), readdirSync(original).sort(), `entries of ${copy}`);
    for (const name of readdirSync(original)) assertSameTree(join(copy, name), join(original, name));
  } else {
    assert.ok(readFileSync(copy).equals(readFileSync(original)), `bytes of ${copy}`);
  }
}

function tail(console: string): string {
  return console.split('\n').slice(-25).join('\n');
}
