/**
 * Builds the guest's initramfs: busybox-static with its applet links, the
 * kernel modules for 9P and virtio-net, /init (init-script.ts), and
 * optionally Node.js with the project (node-payload.ts). Archives are cached
 * in test/vm/cache/ under a hash of everything that goes in (file paths,
 * sizes and mtimes, generated text), so a second build costs a few stats.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, rmSync, utimesSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { CpioWriter, type CpioEntry } from './cpio.js';
import { DEFAULT_MODULES, findGuestKernel, resolveModules, type GuestKernel } from './kernel.js';
import { initScript } from './init-script.js';
import { nodePayload } from './node-payload.js';
import { VM_CACHE, REPO } from './paths.js';

export interface InitramfsOptions {
  /** Module names to load at boot (with their dependencies). */
  modules?: string[];
  /** Add Node.js and the project under /opt/cpud (about 200 MB). */
  withNode?: boolean;
}

export interface Initramfs {
  path: string;
  kernel: GuestKernel;
}

const BUSYBOX = '/bin/busybox';

const ETC: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  'etc/hosts': '127.0.0.1 localhost vm\n::1 localhost\n10.0.2.2 host\n',
};

export async function buildInitramfs(options: InitramfsOptions = {}): Promise<Initramfs> {
  if (!existsSync(BUSYBOX)) {
    throw new Error(`no ${BUSYBOX}: install the Debian package busybox-static`);
  }
  const kernel = findGuestKernel();
  const entries = collectEntries(kernel, options);

  const path = join(VM_CACHE, `initramfs-${manifestHash(entries)}.cpio`);
  if (existsSync(path)) {
    const now = new Date();
    utimesSync(path, now, now);
    return { path, kernel };
  }

  mkdirSync(VM_CACHE, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    await writeArchive(partial, entries);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  pruneCache();
  return { path, kernel };
}

/** Keeps the most recently used archives: each build with Node is ~180 MB. */
function pruneCache(keep = 4): void {
  const archives = readdirSync(VM_CACHE)
    .filter((name) => /^initramfs-[0-9a-f]+\.cpio$/.test(name))
    .map((name) => ({ path: join(VM_CACHE, name), used: statSync(join(VM_CACHE, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of archives.slice(keep)) rmSync(old.path, { force: true });
}

/** Writes entries as one archive, adding missing parent folders first. */
export async function writeArchive(path: string, entries: CpioEntry[], flags: 'w' | 'a' = 'w') {
  const writer = await CpioWriter.create(path, flags);
  const seen = new Set<string>();
  for (const entry of entries) {
    const parents: string[] = [];
    for (let dir = dirname(entry.path); dir !== '/' && dir !== '.'; dir = dirname(dir)) {
      parents.unshift(dir);
    }
    for (const dir of parents) {
      if (!seen.has(dir)) await writer.add({ kind: 'dir', path: dir });
      seen.add(dir);
    }
    if (seen.has(entry.path)) continue;
    seen.add(entry.path);
    await writer.add(entry);
  }
  await writer.finish();
}

function collectEntries(kernel: GuestKernel, options: InitramfsOptions): CpioEntry[] {
  const modules = resolveModules(kernel, options.modules ?? DEFAULT_MODULES);
  const entries: CpioEntry[] = [
    { kind: 'chardev', path: '/dev/console', major: 5, minor: 1 },
    { kind: 'chardev', path: '/dev/null', mode: 0o666, major: 1, minor: 3 },
    ...['/proc', '/sys', '/tmp', '/mnt', '/root', '/run', '/home'].map(
      (path): CpioEntry => ({ kind: 'dir', path, mode: path === '/tmp' ? 0o1777 : 0o755 }),
    ),
    { kind: 'copy', path: BUSYBOX, mode: 0o755, source: BUSYBOX, size: statSync(BUSYBOX).size },
  ];
  // --list-full names each applet with the folder busybox expects it in.
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' });
  for (const applet of applets.split('\n').filter(Boolean)) {
    if (`/${applet}` !== BUSYBOX) entries.push({ kind: 'symlink', path: `/${applet}`, target: BUSYBOX });
  }
  for (const [path, text] of Object.entries(ETC)) {
    entries.push({ kind: 'file', path: `/${path}`, data: Buffer.from(text) });
  }
  for (const module of modules) {
    const source = join(kernel.modulesDir, module);
    entries.push({ kind: 'copy', path: source, mode: 0o644, source, size: statSync(source).size });
  }
  const init = initScript(modules, kernel.modulesDir);
  entries.push({ kind: 'file', path: '/init', mode: 0o755, data: Buffer.from(init) });
  if (options.withNode) entries.push(...nodePayload(REPO));
  return entries;
}

function manifestHash(entries: CpioEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`${entry.kind}\0${entry.path}\0`);
    if (entry.kind === 'file') hash.update(entry.data);
    if (entry.kind === 'symlink') hash.update(entry.target);
    if (entry.kind === 'copy') {
      const stat = statSync(entry.source);
      hash.update(`${entry.source}\0${stat.size}\0${stat.mtimeMs}\0${entry.mode}`);
    }
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}
