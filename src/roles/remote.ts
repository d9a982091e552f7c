/**
 * The `-remote` role: started by a Session for each command (behind
 * `unshare --mount --propagation private` when cpud is root). It builds the
 * command's namespace, starts the command, and leaves with the command's
 * own status: the same exit code, or death by the same signal, so that the
 * daemon can report `exit-signal`. It imports as little as it can: its
 * start-up time is the user's latency.
 */
import { spawn } from 'node:child_process';
import { fitPath } from '../session/path-policy.js';
import { closeInheritedFds } from './close-inherited-fds.js';
import { takeRemoteConfig, type RemoteConfig } from '../session/remote-config.js';
import { resolveCommand } from '../session/resolve-command.js';
import { chooseWorkingDirectory } from '../session/working-directory.js';

// Signals the terminal or the daemon send to the whole process group: the
// command decides what they mean; this helper only waits for its verdict.
const GROUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGTSTP'];

export async function runRemote(configPath: string): Promise<never> {
  closeInheritedFds();
  let config: RemoteConfig;
  try {
    config = takeRemoteConfig(configPath);
  } catch (err) {
    return fail(`cannot read the session hand-over "${configPath}": ${(err as Error).message}`);
  }

  if (config.namespace) {
    const { buildNamespace } = await import('../namespace/build-namespace.js');
    const problem = await buildNamespace(config, (line) => process.stderr.write(`${line}\n`));
    if (problem) return fail(problem.message);
  }

  const cwd = chooseWorkingDirectory(config.cwd, config.env.HOME);
  if (cwd.warning) process.stderr.write(`cpud: ${cwd.warning}\n`);

  config.env.PATH = fitPath(config.env.PATH);
  const command = resolveCommand(config);
  if ('error' in command) return fail(command.error, command.status);

  for (const signal of GROUP_SIGNALS) process.on(signal, () => {});
  const child = spawn(command.file, command.args, {
    argv0: command.argv0,
    cwd: cwd.path,
    env: config.env,
    stdio: 'inherit',
  });
  return new Promise<never>(() => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      const status = err.code === 'ENOENT' ? 127 : 126;
      fail(`cannot run "${command.file}": ${spawnReason(err)}`, status);
    });
    child.on('exit', (code, signal) => {
      if (signal) raise(signal);
      process.exit(code ?? 1);
    });
  });
}

function spawnReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'E2BIG':
      return 'the command line and environment are larger than Linux allows (E2BIG)';
    default:
      return err.message;
  }
}

function fail(message: string, status = 1): never {
  process.stderr.write(`cpud: ${message}\n`);
  process.exit(status);
}

// Dies of the same signal as the command, so the daemon sees the signal.
function raise(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // A signal whose default is to stop or ignore lands here; report as a shell would.
  setTimeout(() => process.exit(128), 1000).unref();
}
