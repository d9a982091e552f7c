/**
 * Turns the session's words into a program to start. Done inside the
 * command's namespace: after the fstab binds, /bin may be the client's.
 */
import { accessSync, constants } from 'node:fs';
import type { RemoteConfig } from './remote-config.js';

export type ResolvedCommand =
  | { file: string; args: string[]; argv0?: string }
  | { error: string; status: number };

export function resolveCommand(config: Pick<RemoteConfig, 'argv' | 'shellCommand' | 'env'>): ResolvedCommand {
  if (config.argv.length > 0 && config.shellCommand === undefined) {
    return { file: config.argv[0], args: config.argv.slice(1) };
  }

  const shell = pickShell(config.env.SHELL);
  if (!shell) {
    return {
      error: 'no shell on this host (tried $SHELL and /bin/sh): name a program to run instead',
      status: 127,
    };
  }
  if (config.shellCommand !== undefined) return { file: shell, args: ['-c', config.shellCommand] };
  // A login shell, as sshd starts it: argv[0] begins with '-'.
  const base = shell.slice(shell.lastIndexOf('/') + 1);
  return { file: shell, args: [], argv0: `-${base}` };
}

function pickShell(fromEnv: string | undefined): string | undefined {
  const candidates = fromEnv?.startsWith('/') ? [fromEnv, '/bin/sh'] : ['/bin/sh'];
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
