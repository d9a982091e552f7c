import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCachedScript, writeCodeCache } from '../../src/roles/cached-script.js';

const SOURCE = `
const { basename } = require('node:path');
module.exports = { name: basename(__filename), double: (n) => n * 2 };
`;

function scratch(): { dir: string; file: string; cache: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cpud-cache-'));
  const file = join(dir, 'role.cjs');
  writeFileSync(file, SOURCE);
  return {
    dir,
    file,
    cache: join(dir, 'role.cache'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('a CommonJS file runs with its require, module and __filename', (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const { exports, cacheUsed } = runCachedScript(s.file, s.cache);
  const role = exports as { name: string; double(n: number): number };
  assert.equal(role.name, 'role.cjs');
  assert.equal(role.double(21), 42);
  assert.equal(cacheUsed, false);
});

test('the code cache written at build time is taken by the next run', (t) => {
  const s = scratch();
  t.after(s.cleanup);
  assert.ok(writeCodeCache(s.file, s.cache) > 0);
  assert.equal(runCachedScript(s.file, s.cache).cacheUsed, true);
});

test('a cache for other source is refused and the file still runs', (t) => {
  const s = scratch();
  t.after(s.cleanup);
  writeCodeCache(s.file, s.cache);
  writeFileSync(s.file, `${SOURCE}\nmodule.exports.changed = true;\n`);
  const { exports, cacheUsed } = runCachedScript(s.file, s.cache);
  assert.equal(cacheUsed, false);
  assert.equal((exports as { changed: boolean }).changed, true);
});

test('a damaged cache file is refused and the file still runs', (t) => {
  const s = scratch();
  t.after(s.cleanup);
  writeFileSync(s.cache, 'not a V8 code cache');
  const { exports, cacheUsed } = runCachedScript(s.file, s.cache);
  assert.equal(cacheUsed, false);
  assert.equal((exports as { double(n: number): number }).double(2), 4);
});
