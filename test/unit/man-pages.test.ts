import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CPU_FLAGS } from '../../src/cli/cpu-flags.js';
import { CPUD_FLAGS } from '../../src/cli/cpud-flags.js';
import type { FlagSpec } from '../../src/cli/go-flags.js';
import { REPO } from '../helpers/paths.js';

/**
 * The OPTIONS section of a man page: flag name (without the dash) to the
 * roff text of its entry, tag line included. An entry is a `.TP` whose tag
 * line is `.B \-name`, `.BI \-name " arg"`, `.BR \-name =\c` and the like.
 */
function optionEntries(page: string): Map<string, string> {
  const text = readFileSync(join(REPO, 'man', page), 'utf8');
  const lines = text.split('\n');
  const start = lines.indexOf('.SH OPTIONS');
  assert.ok(start >= 0, `${page} has no .SH OPTIONS section`);
  let end = lines.findIndex((line, i) => i > start && line.startsWith('.SH '));
  if (end < 0) end = lines.length;

  const entries = new Map<string, string>();
  for (let i = start + 1; i < end; i++) {
    if (lines[i] !== '.TP') continue;
    const tag = /^\.(?:B|BI|BR)\s+\\-([A-Za-z0-9]+)/.exec(lines[i + 1] ?? '');
    if (!tag) continue;
    let next = lines.findIndex((line, j) => j > i && line === '.TP');
    if (next < 0 || next > end) next = end;
    assert.ok(!entries.has(tag[1]), `${page} documents -${tag[1]} twice`);
    entries.set(tag[1], lines.slice(i + 1, next).join('\n'));
  }
  return entries;
}

function mentions(entry: string, name: string): boolean {
  return new RegExp(`\\\\-${name}(?![A-Za-z0-9])`).test(entry);
}

for (const [page, flags] of [
  ['cpud.8', CPUD_FLAGS],
  ['cpu.1', CPU_FLAGS],
] as const satisfies readonly (readonly [string, readonly FlagSpec[]])[]) {
  describe(`man/${page}`, () => {
    const entries = optionEntries(page);

    it('has an OPTIONS entry for every flag the program accepts', () => {
      const missing = flags.map((f) => `-${f.name}`).filter((name) => !entries.has(name.slice(1)));
      assert.deepEqual(missing, [], `${page} does not document ${missing.join(', ')}`);
    });

    it("names every flag's aliases in that flag's entry", () => {
      const missing = flags.flatMap((f) =>
        (f.aliases ?? [])
          .filter((alias) => !mentions(entries.get(f.name) ?? '', alias))
          .map((alias) => `-${alias} (of -${f.name})`),
      );
      assert.deepEqual(missing, [], `${page} does not name ${missing.join(', ')}`);
    });

    it('documents no flag the program does not accept', () => {
      const known = new Set(flags.map((f) => f.name));
      const extra = [...entries.keys()].filter((name) => !known.has(name)).map((n) => `-${n}`);
      assert.deepEqual(extra, [], `${page} documents ${extra.join(', ')}, which are not flags`);
    });
  });
}
