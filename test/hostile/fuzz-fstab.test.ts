/**
 * Fuzzing the CPU_FSTAB parser: a client writes that text, so any text
 * parses without throwing, and every entry names a real line of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseFstab } from '../../src/namespace/fstab.js';
import { FUZZ_TIME_MS, readCorpus } from '../helpers/hostile-corpus.js';

function checkEntries(text: string): void {
  const lines = text.split('\n').length;
  let previous = 0;
  for (const entry of parseFstab(text)) {
    assert.ok(Number.isInteger(entry.line) && entry.line > previous && entry.line <= lines, `line ${entry.line}`);
    previous = entry.line;
    assert.ok(entry.what.length > 0 && entry.where.length > 0 && entry.type.length > 0);
    assert.doesNotMatch(entry.type, /\s/);
    assert.ok(entry.options.every((o) => o.length > 0 && !/[\s,]/.test(o)));
  }
}

const corpus = readCorpus('fstab').map((b) => b.toString('utf8'));
const fstabish = fc.string({
  unit: fc.constantFrom(' ', '\t', '\n', '\r', '#', ',', '\\', '0', '4', '7', '/a', 'bind', 'ro', 'none', '\v', '\u00a0'),
  maxLength: 200,
});
const mutated = fc
  .tuple(fc.constantFrom(...corpus), fc.nat(), fc.string({ unit: 'binary', maxLength: 10 }))
  .map(([seed, at, insert]) => seed.slice(0, at % (seed.length + 1)) + insert + seed.slice(at % (seed.length + 1)));

describe('fstab fuzzing', () => {
  it('parses the seed corpus with valid line numbers', () => {
    for (const text of corpus) checkEntries(text);
  });

  it('never throws and numbers every entry by a line of the text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fstabish, mutated), checkEntries), {
      numRuns: 1_000_000,
      interruptAfterTimeLimit: FUZZ_TIME_MS,
    });
  });
});
