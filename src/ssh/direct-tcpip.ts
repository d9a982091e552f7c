/**
 * `direct-tcpip` (RFC 4254 7.2), `ssh -L`: the client asks the daemon to
 * connect somewhere on its behalf. Only loopback destinations are dialled
 * unless -forwardAnyHost says otherwise.
 */
import { connect } from 'node:net';
import type ssh2 from 'ssh2';
import type { Logger } from '../log/logger.js';
import { isLoopback } from './loopback.js';
import { splice } from './splice.js';

export function openDirectTcpip(
  accept: () => ssh2.ServerChannel | undefined,
  reject: () => void,
  info: ssh2.TcpipRequestInfo,
  options: { log: Logger; anyHost: boolean },
): void {
  const { log } = options;
  if (!options.anyHost && !isLoopback(info.destIP)) {
    log.info(`direct-tcpip refused to "${info.destIP}:${info.destPort}": only loopback may be dialled`);
    reject();
    return;
  }
  const socket = connect({ host: info.destIP, port: info.destPort, allowHalfOpen: true });
  socket.once('error', (err) => {
    log.debug(`direct-tcpip to ${info.destIP}:${info.destPort} failed: ${err.message}`);
    reject();
  });
  socket.once('connect', () => {
    const channel = accept();
    if (!channel) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('error');
    splice(socket, channel);
  });
}
