/**
 * The `-remote` role: started by a Session, through `cpud-exec -n`, for a
 * command that imports the client's files. cpud-exec made the private
 * namespace; this role mounts the client's files (9P) and applies CPU_FSTAB
 * in it, then starts the command through cpud-exec (which enters the
 * working directory and becomes the command), and leaves with the
 * command's own status: the same exit code, or death by the same signal,
 * so that the daemon can report `exit-signal`. It imports as little as it
 * can: its start-up time is the user's latency.
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { fitPath } from '../session/path-policy.js';
import { takeRemoteConfig, type RemoteConfig } from '../session/remote-config.js';
import { resolveCommand } from '../session/resolve-command.js';
import { EXEC_HELPER, folderToKeep, helperCommand } from '../session/helper-command.js';

// Signals the terminal or the daemon send to the whole process group: the
// command decides what they mean; this helper only waits for its verdict.
const GROUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGTSTP'];
// The child's fd for cpud-exec: the first after stdin, stdout and stderr.
const STARTER_FD = 3;

export async function runRemote(configPath: string): Promise<never> {
  let config: RemoteConfig;
  try {
    config = takeRemoteConfig(configPath);
  } catch (err) {
    return fail(`cannot read the session hand-over "${configPath}": ${(err as Error).message}`);
  }

  // cpud-exec is opened before the namespace is built: CPU_FSTAB may cover
  // the folder it lies in (the client's /usr over /usr/lib/cpud), and the
  // child runs it through the descriptor, as fexecve(3) would.
  let starter: number;
  try {
    starter = openSync(EXEC_HELPER, 'r');
  } catch (err) {
    return fail(`cannot open the command starter "${EXEC_HELPER}": ${(err as Error).message}`);
  }
  const { buildNamespace } = await import('../namespace/build-namespace.js');
  const problem = await buildNamespace(config, (line) => process.stderr.write(`${line}\n`));
  if (problem) return fail(problem.message);

  config.env.PATH = fitPath(config.env.PATH);
  const command = resolveCommand(config);
  if ('error' in command) return fail(command.error, command.status);

  for (const signal of GROUP_SIGNALS) process.on(signal, () => {});
  const start = helperCommand({
    namespace: false,
    unkeep: folderToKeep(),
    pwd: config.cwd,
    home: config.env.HOME,
    ...command,
  });
  const child = spawn(`/proc/self/fd/${STARTER_FD}`, start.args, {
    env: config.env,
    stdio: ['inherit', 'inherit', 'inherit', starter],
  });
  return new Promise<never>(() => {
    child.on('error', (err) => fail(`cannot start the command: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (signal) raise(signal);
      process.exit(code ?? 1);
    });
  });
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
