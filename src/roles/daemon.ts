/**
 * The daemon role: listen (or serve the listeners systemd handed over), give
 * every accepted socket to the SSH service or to `-srv PROGRAM`, keep
 * systemd informed, and stop the way sshd does. SIGHUP: stop accepting, let
 * running sessions finish, then exit. SIGTERM/SIGINT: hang up every
 * session, report, exit 0.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CpudFlags } from '../cli/cpud-flags.js';
import { DaemonDiscovery } from '../discovery/daemon-discovery.js';
import type { Logger } from '../log/logger.js';
import { demoHost, demoSshCommand, type DemoKeys } from './demo-keys.js';
import { describeAddress, listen, listenOnFds } from './listen.js';
import { Notifier } from './notifier.js';
import { IdleMemoryRelease } from './idle-memory.js';
import { makeSshService, prepareService } from './service-config.js';
import { takeListenFds } from './socket-activation.js';
import { SrvProgram } from './srv-program.js';

const SHUTDOWN_DEADLINE_MS = 10_000;
const STATUS_EVERY_MS = 2000;

/** What serves accepted sockets: the built-in SSH server or `-srv`. */
interface Backend {
  handle(socket: Socket): void;
  readonly sessions: number;
  close(): Promise<void>;
  destroy(): void;
  /** The start line's tail. */
  readonly summary: string;
  readonly demo?: DemoKeys;
}

export async function runDaemon(flags: CpudFlags, log: Logger): Promise<void> {
  const backend = makeBackend(flags, log);
  if (flags.sleepBeforeServingMs > 0) {
    log.info(`sleeping ${flags.sleepBeforeServingMs} ms before serving (-sleepBeforeServing)`);
    await sleep(flags.sleepBeforeServingMs);
  }
  const notifier = new Notifier(log);
  const onSocket = (socket: Socket): void => backend.handle(socket);
  const pauseOnConnect = flags.srv !== undefined;

  const handed = takeListenFds();
  const servers = handed
    ? await listenOnFds(handed.fds, onSocket, { pauseOnConnect })
    : [await listen(flags, onSocket, { pauseOnConnect })];
  const where = servers
    .map((s, i) =>
      handed
        ? `${describeAddress(s)} (fd ${handed.fds[i]}, ${handed.names[i]})`
        : describeAddress(s),
    )
    .join(' and ');
  log.info(`daemon listening on ${where}, ${backend.summary}`);
  if (!notifier.via) log.debug('notify: off (NOTIFY_SOCKET unset or no way to send)');
  const sessions = (): number => backend.sessions;
  const discovery = DaemonDiscovery.start(flags.discovery, { servers, sessions, log });

  const status = (): string => `serving ${backend.sessions} sessions`;
  notifier.ready(status());
  const statusTimer = setInterval(() => notifier.status(status()), STATUS_EVERY_MS);
  statusTimer.unref();
  // Resolves once the DNS-SD goodbye is out: shutdown waits for it before exiting.
  const stopping = (): Promise<void> => {
    clearInterval(statusTimer);
    notifier.stopping(`stopping with ${backend.sessions} sessions`);
    for (const server of servers) server.close();
    return discovery.close();
  };

  // Handlers stay installed: a second signal while sessions report must not
  // fall through to Node's default action and kill the daemon mid-shutdown.
  let ending: 'drain' | 'shutdown' | undefined;
  process.on('SIGHUP', () => {
    if (ending) return;
    ending = 'drain';
    drain(backend, log, stopping);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (ending === 'shutdown') return;
      ending = 'shutdown';
      void shutdown(backend, log, { stopping, signal });
    });
  }
  if (backend.demo) {
    const bound = servers[0].address();
    const text =
      bound && typeof bound === 'object'
        ? `Connect with:\n  ${demoSshCommand(backend.demo, { host: demoHost(bound.address), port: bound.port })}\n`
        : 'Connect with an SSH client through the unix socket (for example ssh -o ProxyCommand=...).\n';
    process.stdout.write(text);
  }
}

function makeBackend(flags: CpudFlags, log: Logger): Backend {
  if (flags.srv !== undefined) {
    const srv = new SrvProgram(flags.srv, { logger: log, stderr: true });
    return {
      handle: (socket) => srv.handle(socket),
      get sessions() {
        return srv.running;
      },
      close: async () => srv.close(),
      destroy: () => srv.close(),
      summary: `connections go to "${flags.srv}"`,
    };
  }
  const config = prepareService(flags, log);
  const release = new IdleMemoryRelease(() => service.connections === 0, log);
  const service = makeSshService(config, {
    logger: log,
    limits: flags.limits,
    onConnectionClosed: () => release.connectionEnded(),
  });
  const { type, fingerprint } = config.hostKey;
  const summary = `host key ${type} ${fingerprint}, client keys from "${config.keyFile}"`;
  return {
    handle: (socket) => service.handle(socket),
    get sessions() {
      return service.sessions;
    },
    close: () => service.close(),
    destroy: () => service.destroy(),
    summary,
    demo: config.demo,
  };
}

function drain(backend: Backend, log: Logger, stopping: () => void): void {
  const running = backend.sessions === 1 ? 'the running session ends' : `the ${backend.sessions} running sessions end`;
  log.info(`SIGHUP: no new connections; exiting when ${running}`);
  stopping();
  const check = setInterval(() => {
    if (backend.sessions > 0) return;
    clearInterval(check);
    backend.destroy();
    log.info('all sessions ended; exiting');
    setImmediate(() => process.exit(0));
  }, 100);
}

async function shutdown(
  backend: Backend,
  log: Logger,
  options: { stopping: () => Promise<void>; signal: string },
): Promise<void> {
  log.info(`${options.signal}: ending ${sessions(backend.sessions)} and exiting`);
  const withdrawn = options.stopping();
  const deadline = setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await Promise.all([backend.close(), withdrawn]);
  process.exit(0);
}

function sessions(count: number): string {
  return `${count} ${count === 1 ? 'session' : 'sessions'}`;
}
