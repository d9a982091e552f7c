/**
 * Turns the session's words into a program to start. Done inside the
 * command's namespace: after the fstab binds, /bin may be the client's.
 *
 * Plain words run directly, so a host without a shell still runs programs.
 * Shell syntax runs through `$SHELL -c`, as sshd runs every command; so does
 * a first word that names no program (`exit 3`, `cd /tmp && ...`, an alias):
 * OpenSSH users expect their shell there.
 */
import { accessSync, constants } from 'node:fs';
import type { RemoteConfig } from './remote-config.js';

export type ResolvedCommand =
  | { file: string; args: string[]; argv0?: string }
  | { error: string; status: number };

type CommandWords = Pick<RemoteConfig, 'argv' | 'shellCommand' | 'text' | 'env'>;

export function resolveCommand(config: CommandWords): ResolvedCommand {
  const shell = pickShell(config.env.SHELL);
  if (config.argv.length > 0 && config.shellCommand === undefined) {
    const [file, ...args] = config.argv;
    if (file.includes('/') || !shell || findInPath(file, config.env.PATH)) return { file, args };
    return { file: shell, args: ['-c', config.text] };
  }

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

function findInPath(name: string, path: string | undefined): boolean {
  return (path ?? '').split(':').some((dir) => dir !== '' && isExecutable(`${dir}/${name}`));
}

/** Whether execvp(3) would find `name`: the path itself when it has a slash, else on `path`. */
export function isRunnable(name: string, path: string | undefined): boolean {
  return name.includes('/') ? isExecutable(name) : findInPath(name, path);
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
