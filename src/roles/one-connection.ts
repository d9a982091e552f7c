/**
 * The one-connection role (`CPUD_SESSION` set): serve the single connection
 * a launcher handed over, then exit. systemd `Accept=yes` gives it as fd 3
 * with `LISTEN_FDS=1`; inetd `nowait` and systemd `StandardInput=socket`
 * give it as fd 0 (and fd 1, and with inetd fd 2 too). Plan 9's `cpu -R`.
 *
 * Nothing may reach fds 1 and 2 that could be the connection: the logger
 * and stdio are settled before flags are even parsed, since a usage error
 * printed to fd 2 under inetd would land in the client's SSH stream.
 */
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { parseCpudFlags } from '../cli/cpud-flags.js';
import { fatalMessage, messageOf } from '../errors.js';
import { Logger, stderrSink } from '../log/logger.js';
import { quietStdio } from '../log/quiet-stdio.js';
import { stderrIsSafe } from '../log/stderr-policy.js';
import { syslogSink } from '../log/syslog-sink.js';
import { makeSshService, prepareService } from './service-config.js';
import { takeListenFds } from './socket-activation.js';
import { SrvProgram } from './srv-program.js';

/** After the socket closes, how long sessions get to report before exit. */
const CLOSE_DEADLINE_MS = 5000;

export async function runOneConnection(argv: readonly string[]): Promise<void> {
  const handed = takeListenFds();
  const fd = handed ? handed.fds[0] : 0;
  const stderrSafe = stderrIsSafe(fd);
  const log = new Logger({
    sink: stderrSafe ? stderrSink : syslogSink({ path: process.env.CPUD_SYSLOG_SOCKET }),
  });
  quietStdio(log, { stdout: true, stderr: !stderrSafe, onFatal: () => process.exit(1) });

  let flags;
  try {
    flags = parseCpudFlags(argv);
  } catch (err) {
    log.error(`one connection: ${messageOf(err)}`);
    process.exit(2);
  }
  if (flags.debug) log.setLevel('debug');
  if (handed && handed.fds.length > 1)
    log.warn(`LISTEN_FDS=${handed.fds.length}: serving fd ${fd} only`);
  if (!isSocket(fd)) {
    log.error(
      `CPUD_SESSION is set but fd ${fd} is not a socket: ` +
        'start this role from inetd or a systemd socket',
    );
    process.exit(1);
  }
  log.debug(`one connection on fd ${fd}; logging to ${stderrSafe ? 'stderr' : 'syslog'}`);

  if (flags.srv !== undefined) {
    const srv = new SrvProgram(flags.srv, { logger: log, stderr: stderrSafe });
    const peer = process.env.REMOTE_ADDR
      ? `${process.env.REMOTE_ADDR}:${process.env.REMOTE_PORT}`
      : `fd ${fd}`;
    process.exit(await srv.start([fd, fd, stderrSafe ? 'inherit' : 'ignore'], peer));
  }
  serve(fd, flags, log);
}

function serve(fd: number, flags: ReturnType<typeof parseCpudFlags>, log: Logger): void {
  let config;
  try {
    config = prepareService(flags, log);
  } catch (err) {
    log.error(fatalMessage(err));
    process.exit(1);
  }
  const finish = (): void => {
    setImmediate(() => process.exit(0));
  };
  const service = makeSshService(config, { logger: log, limits: flags.limits, onConnectionClosed: finish });
  const socket = new Socket({ fd, readable: true, writable: true });
  socket.once('close', () => {
    // A client that left before the SSH handshake never became a Connection.
    if (service.connections === 0) finish();
    else setTimeout(finish, CLOSE_DEADLINE_MS).unref();
  });
  service.handle(socket);

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log.info(`${signal}: ending the connection`);
      void service.close().finally(finish);
    });
  }
}

function isSocket(fd: number): boolean {
  try {
    return fstatSync(fd).isSocket();
  } catch {
    return false;
  }
}
