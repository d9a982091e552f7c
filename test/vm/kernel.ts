/**
 * Finds the Debian kernel the VM boots (package linux-image-amd64) and the
 * modules it needs. The host's own kernel may differ (and may lack 9P): the
 * guest only ever uses /boot/vmlinuz-<ver> with /lib/modules/<ver>.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GuestKernel {
  version: string;
  image: string;
  modulesDir: string;
}

/**
 * The modules for 9P over TCP and fd (9pnet_fd carries both), 9P over virtio,
 * and the virtio network card. Debian builds them all as modules (=m), so the
 * initramfs must load them, dependencies first.
 */
export const DEFAULT_MODULES = ['virtio_pci', 'virtio_net', '9pnet_fd', '9pnet_virtio', '9p'];

const MISSING =
  'no bootable Debian kernel: need /boot/vmlinuz-<ver> with /lib/modules/<ver>/modules.dep ' +
  '(install the Debian package linux-image-amd64)';

/** The newest kernel in /boot that has its modules installed. */
export function findGuestKernel(): GuestKernel {
  let names: string[] = [];
  try {
    names = readdirSync('/boot').filter((n) => n.startsWith('vmlinuz-'));
  } catch {
    throw new Error(MISSING);
  }
  const versions = names
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((v) => existsSync(join('/lib/modules', v, 'modules.dep')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const version = versions.at(-1);
  if (!version) throw new Error(MISSING);
  return { version, image: join('/boot', `vmlinuz-${version}`), modulesDir: join('/lib/modules', version) };
}

/**
 * Module files (relative to the modules dir) in load order: each module's
 * dependencies from modules.dep before it, each file once. Names built into
 * the kernel (modules.builtin) need no file and are dropped.
 */
export function resolveModules(kernel: GuestKernel, names: string[]): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of readFileSync(join(kernel.modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const file = line.slice(0, colon);
    deps.set(file, line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
    byName.set(moduleName(file), file);
  }
  const builtin = readBuiltin(kernel);

  const order: string[] = [];
  const visit = (file: string): void => {
    if (order.includes(file)) return;
    // modules.dep lists a module's whole closure, deepest last: load from the end.
    for (const dep of [...(deps.get(file) ?? [])].reverse()) visit(dep);
    order.push(file);
  };
  for (const name of names) {
    const file = byName.get(normalise(name));
    if (file) visit(file);
    else if (!builtin.has(normalise(name))) {
      throw new Error(`kernel ${kernel.version} has no module "${name}" in modules.dep or modules.builtin`);
    }
  }
  return order;
}

function readBuiltin(kernel: GuestKernel): Set<string> {
  try {
    const text = readFileSync(join(kernel.modulesDir, 'modules.builtin'), 'utf8');
    return new Set(text.split('\n').filter(Boolean).map(moduleName));
  } catch {
    return new Set();
  }
}

function moduleName(file: string): string {
  return normalise(file.slice(file.lastIndexOf('/') + 1).replace(/\.ko(\.[a-z]+)?$/, ''));
}

function normalise(name: string): string {
  return name.replace(/-/g, '_');
}
