/**
 * The daemon role: listen, hand every accepted socket to the SSH service,
 * and stop the way sshd does. SIGHUP: stop accepting, let running sessions
 * finish, then exit. SIGTERM/SIGINT: hang up every session, report, exit 0.
 */
import type { Server } from 'node:net';
import type { CpudFlags } from '../cli/cpud-flags.js';
import type { Logger } from '../log/logger.js';
import { SshService } from '../ssh/ssh-service.js';
import { demoSshCommand } from './demo-keys.js';
import { describeAddress, listen } from './listen.js';
import { prepareService } from './service-config.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

export async function runDaemon(flags: CpudFlags, log: Logger): Promise<void> {
  const config = prepareService(flags, log);
  const service = new SshService({
    hostKey: config.hostKey,
    keyFile: config.keyFile,
    logger: log,
    session: config.session,
  });
  const server = await listen(flags, (socket) => service.handle(socket));
  const where = describeAddress(server);
  log.info(
    `daemon listening on ${where}, host key ${config.hostKey.type} ${config.hostKey.fingerprint}, ` +
      `client keys from "${config.keyFile}"`,
  );
  if (config.demo) {
    const port = Number(where.slice(where.lastIndexOf(':') + 1));
    process.stdout.write(`Connect with:\n  ${demoSshCommand(config.demo, port)}\n`);
  }

  process.once('SIGHUP', () => drain(server, service, log));
  process.once('SIGTERM', () => shutdown(server, service, log, 'SIGTERM'));
  process.once('SIGINT', () => shutdown(server, service, log, 'SIGINT'));
}

function drain(server: Server, service: SshService, log: Logger): void {
  log.info(`SIGHUP: no new connections; exiting when ${service.sessions} running sessions end`);
  server.close();
  const check = setInterval(() => {
    if (service.sessions > 0) return;
    clearInterval(check);
    service.destroy();
    log.info('all sessions ended; exiting');
    setImmediate(() => process.exit(0));
  }, 100);
}

async function shutdown(server: Server, service: SshService, log: Logger, signal: string): Promise<void> {
  log.info(`${signal}: ending ${service.sessions} sessions and exiting`);
  server.close();
  const deadline = setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await service.close();
  process.exit(0);
}
