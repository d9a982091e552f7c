/**
 * Where the roles are loaded from. Under socket activation and inetd every
 * connection starts Node anew, and loading the role's ~45 modules and
 * ssh2's files one by one cost about as much as Node's own start; the
 * daemon, for its part, need not carry ssh2's client and node:http in
 * memory. `npm run build` therefore bundles both into dist/src/bundle/
 * (scripts/build-bundle.mjs), the one-connection role with a V8 code cache
 * (src/roles/cached-script.ts). The bundle is used only while it matches the
 * compiled files it was made from: after a plain `tsc`, a stale bundle would
 * run yesterday's code, so dist/src is loaded instead.
 */
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

type OneConnection = typeof import('./one-connection.js');
type CpudMain = typeof import('../cli/cpud-main.js');

interface Inputs {
  inputs: Record<string, { mtimeMs: number; sha1: string }>;
}

const SESSION = fileURLToPath(new URL('../bundle/session.cjs', import.meta.url));
const SESSION_CACHE = fileURLToPath(new URL('../bundle/session.cache', import.meta.url));
const MAIN = new URL('../bundle/main.mjs', import.meta.url);
const INPUTS = new URL('../bundle/inputs.json', import.meta.url);
/** dist/, against which inputs.json names files. */
const DIST = new URL('../../', import.meta.url);

export async function loadOneConnection(): Promise<OneConnection> {
  if (bundleIsCurrent()) {
    const { runCachedScript } = await import('./cached-script.js');
    return runCachedScript(SESSION, SESSION_CACHE).exports as OneConnection;
  }
  return import('./one-connection.js');
}

/** The daemon and init roles' entry (src/cli/cpud-main.ts). */
export async function loadCpudMain(): Promise<CpudMain> {
  if (bundleIsCurrent()) return (await import(MAIN.href)) as CpudMain;
  return import('../cli/cpud-main.js');
}

/**
 * True when every bundled file is unchanged: the mtime recorded at build
 * time, or no newer than inputs.json (packages clamp every mtime to one
 * date, SOURCE_DATE_EPOCH), or else the same bytes.
 */
export function bundleIsCurrent(inputsFile: URL = INPUTS, dist: URL = DIST): boolean {
  let recorded: Inputs;
  let builtMs: number;
  try {
    recorded = JSON.parse(readFileSync(inputsFile, 'utf8')) as Inputs;
    builtMs = statSync(inputsFile).mtimeMs;
  } catch {
    return false;
  }

  for (const [name, { mtimeMs, sha1 }] of Object.entries(recorded.inputs)) {
    const file = new URL(name, dist);
    try {
      const now = statSync(file).mtimeMs;
      if (now === mtimeMs || now <= builtMs) continue;
      // tsc rewrites every file it emits: a new mtime often has the old bytes.
      if (createHash('sha1').update(readFileSync(file)).digest('hex') !== sha1) return false;
    } catch {
      return false;
    }
  }
  return Object.keys(recorded.inputs).length > 0;
}
