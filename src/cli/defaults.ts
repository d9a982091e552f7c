/**
 * Where cpud keeps things when no flag says otherwise. Root follows the
 * system layout (/etc/cpud, /var/lib/cpud, /run/cpud); anyone else uses the
 * XDG folders of their home, so a user can try cpud without root.
 */
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (isRoot()) return '/var/lib/cpud';
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'cpud');
}

export function defaultHostKeyPath(stateDir: string): string {
  return isRoot() ? '/etc/cpud/ssh_host_ed25519_key' : join(stateDir, 'ssh_host_ed25519_key');
}

/** PROTOCOL.md: `-key` defaults to $HOME/.ssh/cpu_rsa, read as its public half. */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), '.ssh', 'cpu_rsa.pub');
}

/**
 * Per-command hand-over files live here. systemd's RuntimeDirectory= gives
 * each unit instance its own; otherwise /run/cpud as root, else the user's
 * runtime folder.
 */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNTIME_DIRECTORY) return env.RUNTIME_DIRECTORY.split(':')[0];
  if (isRoot()) return '/run/cpud';
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'cpud');
  return join(tmpdir(), `cpud-${process.getuid?.() ?? 'user'}`);
}
