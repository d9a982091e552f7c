#!/usr/bin/env node
// Runs every compiled test file, layer by layer, with node's own runner.
// Usage: node scripts/run-tests.mjs [layer ...]   (default: all layers)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const ALL = ['unit', 'integration', 'activation', 'hostile', 'package', 'vm'];
const layers = process.argv.length > 2 ? process.argv.slice(2) : ALL;

function testFiles(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = layers.flatMap((layer) => testFiles(join('dist', 'test', layer)));
if (files.length === 0) {
  console.error(`run-tests: no test files under dist/test/{${layers.join(',')}}`);
  process.exit(1);
}
// One file at a time: integration tests start daemons, VMs and namespaces,
// and this machine has two cores. A test that hangs fails after 20 minutes
// (the longest, the VM workout, takes under 10 on a loaded machine), so
// that the rest still run and report.
const runner = ['--test', '--test-concurrency=1', '--test-timeout=1200000'];
const result = spawnSync(process.execPath, [...runner, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
