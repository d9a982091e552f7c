/**
 * What cpud needs to run inside the guest: this Node binary with the shared
 * libraries it links (read from ldd, copied to the same paths so the dynamic
 * loader finds them), and the project's package.json, bin/, dist/ and
 * production node_modules under /opt/cpud.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CpioEntry } from './cpio.js';

/** Where the project lands in the guest. */
export const GUEST_PROJECT = '/opt/cpud';
/** Built by `npm run build` (scripts/build-native.sh). */
export const NATIVE_ADDON = 'native/build/Release/cpud_native.node';
/** Starts every command (native/src/cpud_exec.c); linked to the libc copied above. */
export const EXEC_HELPER = 'native/build/Release/cpud-exec';

export function nodePayload(repo: string): CpioEntry[] {
  const entries: CpioEntry[] = [copyOf(process.execPath, '/usr/bin/node')];
  for (const lib of sharedLibraries(process.execPath)) entries.push(copyOf(lib, lib));

  entries.push(copyOf(join(repo, 'package.json'), `${GUEST_PROJECT}/package.json`));
  for (const dir of ['bin', 'dist']) entries.push(...tree(join(repo, dir), `${GUEST_PROJECT}/${dir}`));
  // The init role's addon (mount, link up, reaping): without it PID 1 sets up nothing.
  if (existsSync(join(repo, NATIVE_ADDON))) {
    entries.push(copyOf(join(repo, NATIVE_ADDON), `${GUEST_PROJECT}/${NATIVE_ADDON}`));
  }
  entries.push(copyOf(join(repo, EXEC_HELPER), `${GUEST_PROJECT}/${EXEC_HELPER}`));
  for (const pkg of productionPackages(repo)) {
    entries.push(...tree(join(repo, pkg), `${GUEST_PROJECT}/${pkg}`));
  }
  return entries;
}

/** Absolute library paths from `ldd`, including the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const text = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const paths = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) paths.add(match[1]);
  }
  return [...paths];
}

/**
 * node_modules folders (relative to the repo) that production code can
 * load: the closure of package.json's dependencies and optionalDependencies,
 * resolved as Node does (nested node_modules first, then the top level).
 */
function productionPackages(repo: string): string[] {
  const found = new Set<string>();
  const visit = (from: string, name: string): void => {
    for (const dir of lookupDirs(from)) {
      const candidate = `${dir}/${name}`;
      if (!existsSync(join(repo, candidate, 'package.json'))) continue;
      if (found.has(candidate)) return;
      found.add(candidate);
      for (const dep of dependencyNames(join(repo, candidate))) visit(candidate, dep);
      return;
    }
  };
  for (const dep of dependencyNames(repo)) visit('', dep);
  return [...found];
}

/** node_modules folders searched from a package folder, nearest first. */
function lookupDirs(from: string): string[] {
  const dirs: string[] = [];
  let dir = from;
  for (;;) {
    dirs.push(dir ? `${dir}/node_modules` : 'node_modules');
    if (!dir) return dirs;
    dir = dir.slice(0, Math.max(0, dir.lastIndexOf('node_modules/') - 1));
  }
}

function dependencyNames(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
}

function tree(source: string, target: string): CpioEntry[] {
  const stat = lstatSync(source);
  if (stat.isSymbolicLink()) return [{ kind: 'symlink', path: target, target: readlinkSync(source) }];
  if (stat.isFile()) return [{ kind: 'copy', path: target, mode: stat.mode & 0o7777, source, size: stat.size }];
  if (!stat.isDirectory()) return [];
  const entries: CpioEntry[] = [{ kind: 'dir', path: target, mode: stat.mode & 0o7777 }];
  for (const name of readdirSync(source).sort()) {
    entries.push(...tree(join(source, name), `${target}/${name}`));
  }
  return entries;
}

function copyOf(source: string, target: string): CpioEntry {
  const real = realpathSync(source);
  const stat = lstatSync(real);
  return { kind: 'copy', path: target, mode: stat.mode & 0o7777, source: real, size: stat.size };
}
