import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleIsCurrent } from '../../src/roles/role-bundle.js';

/** A dist/ with two compiled files and the inputs.json a bundle build would write. */
function fakeDist(): { dist: string; inputs: URL; distUrl: URL; cleanup(): void } {
  const dist = mkdtempSync(join(tmpdir(), 'cpud-bundle-'));
  mkdirSync(join(dist, 'src', 'roles'), { recursive: true });
  mkdirSync(join(dist, 'src', 'bundle'));
  const record: Record<string, { mtimeMs: number; sha1: string }> = {};
  for (const name of ['src/roles/a.js', 'src/roles/b.js']) {
    writeFileSync(join(dist, name), `export const name = '${name}';\n`);
    record[name] = {
      mtimeMs: statSync(join(dist, name)).mtimeMs,
      sha1: createHash('sha1').update(readFileSync(join(dist, name))).digest('hex'),
    };
  }
  const inputs = join(dist, 'src', 'bundle', 'inputs.json');
  writeFileSync(inputs, JSON.stringify({ inputs: record }));
  return {
    dist,
    inputs: pathToFileURL(inputs),
    distUrl: pathToFileURL(`${dist}/`),
    cleanup: () => rmSync(dist, { recursive: true, force: true }),
  };
}

test('a bundle is current while the files it was made from are untouched', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), true);
});

test('a bundle stays current when tsc rewrites a file with the same bytes', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  const file = join(d.dist, 'src/roles/a.js');
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), true);
});

test('a bundle is stale once a file it was made from has new contents', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  const file = join(d.dist, 'src/roles/b.js');
  writeFileSync(file, "export const name = 'changed';\n");
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), false);
});

test('a package whose files all carry one clamped mtime keeps its bundle', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  const epoch = new Date('2026-01-01T00:00:00Z');
  for (const name of ['src/roles/a.js', 'src/roles/b.js', 'src/bundle/inputs.json']) {
    utimesSync(join(d.dist, name), epoch, epoch);
  }
  writeFileSync(join(d.dist, 'src/roles/a.js'), 'export const changed = true;\n');
  utimesSync(join(d.dist, 'src/roles/a.js'), epoch, epoch);
  // Not newer than inputs.json: taken as built with it, bytes unread.
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), true);
});

test('a bundle is stale once a file it was made from is gone', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  rmSync(join(d.dist, 'src/roles/a.js'));
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), false);
});

test('without inputs.json (no bundle built) the compiled files are used', (t) => {
  const d = fakeDist();
  t.after(d.cleanup);
  rmSync(new URL(d.inputs));
  assert.equal(bundleIsCurrent(d.inputs, d.distUrl), false);
});
