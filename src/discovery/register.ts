/**
 * `-register host:port`: once cpud listens, dial the address and write
 * `ok`, so that whatever started cpud (a test harness, a provisioning
 * service) knows it is ready. Optional by design: a failure is logged and
 * cpud goes on serving.
 */
import { connect } from 'node:net';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface RegisterOptions {
  timeoutMs: number;
  log: Logger;
}

/** Resolves true once `ok` was written and the connection closed cleanly; never rejects. */
export function registerWith(
  target: { host: string; port: number },
  options: RegisterOptions,
): Promise<boolean> {
  const where = target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;

  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const fail = (why: string): void => {
      clearTimeout(timer);
      socket.destroy();
      options.log.warn(`-register ${where} failed: ${why}; cpud goes on serving`);
      resolve(false);
    };
    const late = (): void => fail(`no answer within ${options.timeoutMs} ms`);
    const timer = setTimeout(late, options.timeoutMs);
    timer.unref();
    socket.once('error', (err) => fail(messageOf(err)));
    socket.once('connect', () => {
      socket.end('ok', () => {
        clearTimeout(timer);
        socket.destroy();
        options.log.info(`registered with ${where}`);
        resolve(true);
      });
    });
  });
}
