/**
 * Sockets handed over by systemd (sd_listen_fds(3)): fds 3, 4, ... with
 * `LISTEN_FDS` counting them and `LISTEN_PID` naming the process they are
 * for. A wrapper script that forks instead of exec'ing node has another pid
 * and must not take them. The variables are deleted either way, as
 * sd_listen_fds(unset_environment=1) does, so no child sees them.
 */

/** sd-daemon.h: SD_LISTEN_FDS_START. */
export const LISTEN_FDS_START = 3;

export interface ListenFds {
  fds: number[];
  /** `LISTEN_FDNAMES`, one per fd; `unknown` where systemd gave none. */
  names: string[];
}

export function takeListenFds(
  env: NodeJS.ProcessEnv = process.env,
  pid = process.pid,
): ListenFds | undefined {
  const count = Number(env.LISTEN_FDS);
  const forPid = Number(env.LISTEN_PID);
  const names = (env.LISTEN_FDNAMES ?? '').split(':');
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;

  if (!Number.isInteger(count) || count < 1 || forPid !== pid) return undefined;
  const fds = Array.from({ length: count }, (_, i) => LISTEN_FDS_START + i);
  return { fds, names: fds.map((_, i) => names[i] || 'unknown') };
}
