/**
 * Fuzzing the exec-string splitter: whatever a client sends, it returns a
 * request or throws CPUD_ERR_SESSION_EXEC, nothing else; and the words a cpu
 * client quotes come back exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CpudError } from '../../src/errors.js';
import { parseExecString } from '../../src/session/exec-string.js';
import { FUZZ_TIME_MS, readCorpus } from '../helpers/hostile-corpus.js';

function parsesOrRefuses(text: string): void {
  try {
    parseExecString(text);
  } catch (err) {
    assert.ok(err instanceof CpudError, `threw ${String(err)} for ${JSON.stringify(text)}`);
    assert.equal(err.code, 'CPUD_ERR_SESSION_EXEC');
  }
}

// As u-root's client writes them: every word in single quotes, ' as '"'"'.
function quote(words: string[]): string {
  return words.map((w) => `'${w.replaceAll("'", `'"'"'`)}'`).join(' ');
}

const corpus = readCorpus('exec-string').map((b) => b.toString('utf8'));
const shellish = fc.string({
  unit: fc.constantFrom("'", '"', '\\', ' ', '\t', '\n', '$', '|', '`', '#', '~', '=', '-', 'port9p', 'd', 'a', '9', '0'),
  maxLength: 60,
});
const mutated = fc
  .tuple(fc.constantFrom(...corpus), fc.nat(), fc.string({ maxLength: 8 }))
  .map(([seed, at, insert]) => seed.slice(0, at % (seed.length + 1)) + insert + seed.slice(at % (seed.length + 1)));

describe('exec string fuzzing', () => {
  it('parses the seed corpus or refuses it with CPUD_ERR_SESSION_EXEC', () => {
    for (const text of corpus) parsesOrRefuses(text);
  });

  it('throws nothing but CPUD_ERR_SESSION_EXEC for any string', () => {
    const anyText = fc.oneof(fc.string({ unit: 'binary' }), shellish, mutated);
    fc.assert(fc.property(anyText, (text) => parsesOrRefuses(text)), {
      numRuns: 1_000_000,
      interruptAfterTimeLimit: FUZZ_TIME_MS,
    });
  });

  it('gives back the words of single-quoted strings, with and without -port9p', () => {
    const word = fc.string({ unit: 'binary', minLength: 0, maxLength: 20 }).filter((w) => !w.includes('\0'));
    const request = fc.record({
      words: fc.array(word, { minLength: 1, maxLength: 8 }),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(request, ({ words, port }) => {
        const text = `${port === undefined ? '' : `-port9p=${port}`} ${quote(words)}`;
        const parsed = parseExecString(text);
        assert.deepEqual(parsed.argv, words);
        assert.equal(parsed.port9p, port);
        assert.equal(parsed.shellCommand, undefined);
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: FUZZ_TIME_MS },
    );
  });
});
