/**
 * The environment a command sees: a login-like base for the daemon's user,
 * the client's variables on top (cpu clients send their whole environment),
 * and never the daemon's own control variables.
 */
import { userInfo } from 'node:os';
import { DEFAULT_PATH } from './path-policy.js';

/** Consumed by the session itself; they never reach the command. */
export const SESSION_CONTROL = ['CPUNONCE', 'CPU_FSTAB', 'LC_GLENDA_CPU_FSTAB'] as const;

/** The daemon's own hand-over variables: meaningless, even harmful, to a command. */
const DAEMON_CONTROL = /^(LISTEN_(FDS|PID|FDNAMES)|NOTIFY_SOCKET|WATCHDOG_(USEC|PID)|CPUD_SESSION)$/;

export interface EnvOptions {
  clientEnv: ReadonlyMap<string, string>;
  term?: string;
  /** "peer-ip peer-port local-ip local-port", as sshd's SSH_CONNECTION. */
  connection: string;
}

export function commandEnv(options: EnvOptions): Record<string, string> {
  const user = userInfo();
  const env: Record<string, string> = {
    HOME: user.homedir,
    USER: user.username,
    LOGNAME: user.username,
    SHELL: user.shell ?? '/bin/sh',
    PATH: DEFAULT_PATH,
  };
  for (const [key, value] of options.clientEnv) {
    if (DAEMON_CONTROL.test(key) || (SESSION_CONTROL as readonly string[]).includes(key)) continue;
    env[key] = value;
  }
  if (options.term) env.TERM = options.term;
  env.SSH_CONNECTION = options.connection;
  const [peer, peerPort, , localPort] = options.connection.split(' ');
  env.SSH_CLIENT = `${peer} ${peerPort} ${localPort}`;
  return env;
}
