/**
 * How a Session starts `cpud -remote`: by absolute paths only (never PATH),
 * behind `unshare --mount --propagation private` when the command gets a
 * namespace. `--propagation private` matters: systemd makes `/` shared, and
 * without it the session's mounts would appear on the host.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface HelperCommand {
  file: string;
  args: string[];
}

const ENTRY = fileURLToPath(new URL('../cli/cpud.js', import.meta.url));

export function findUnshare(): string | undefined {
  return ['/usr/bin/unshare', '/bin/unshare'].find((p) => existsSync(p));
}

export function helperCommand(configPath: string, unshare: string | undefined): HelperCommand {
  const node = [process.execPath, ENTRY, '-remote', configPath];
  if (!unshare) return { file: node[0], args: node.slice(1) };
  return { file: unshare, args: ['--mount', '--propagation', 'private', ...node] };
}

/** The helper's own environment: its real one comes in the hand-over file. */
export function helperEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...extra };
}
