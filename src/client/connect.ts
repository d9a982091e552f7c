/**
 * Dials cpud and logs in with the private key. Every way this can fail is
 * turned into one line the user can act on: an unknown name, nobody
 * listening, a key the host does not accept, a host that is not the pinned one.
 */
import { connect as connectUnix } from 'node:net';
import ssh2 from 'ssh2';
import { CpudError, messageOf, systemCodeOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { ClientTarget } from './client-target.js';
import { describeKeyBlob, type PinnedHostKey } from './key-files.js';

export interface ConnectOptions {
  privateKey: Buffer;
  hostKey?: PinnedHostKey;
  log: Logger;
  /** How long the TCP connect plus SSH handshake may take. */
  readyTimeoutMs?: number;
}

export function connectSsh(target: ClientTarget, options: ConnectOptions): Promise<ssh2.Client> {
  const { log, hostKey } = options;
  const where =
    target.network === 'unix' ? `"${target.address}"` : `${target.address} port ${target.port}`;
  let seenHostKey: Buffer | undefined;

  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const fail = (err: Error & { level?: string }): void => {
      client.end();
      reject(explain(err, { where, target, seenHostKey, hostKey }));
    };
    client.once('error', fail);
    client.once('ready', () => {
      client.off('error', fail);
      log.debug(`logged in to ${where} as "${target.user}"`);
      resolve(client);
    });

    log.debug(`connecting to ${where}`);
    client.connect({
      host: target.address,
      port: target.port,
      sock: target.network === 'unix' ? connectUnix({ path: target.address }) : undefined,
      forceIPv4: target.network === 'tcp4',
      forceIPv6: target.network === 'tcp6',
      username: target.user,
      privateKey: options.privateKey,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      hostVerifier: (key: Buffer): boolean => {
        seenHostKey = key;
        log.debug(`host key ${describeKeyBlob(key)}`);
        return !hostKey || key.equals(hostKey.blob);
      },
    });
  });
}

interface FailureContext {
  where: string;
  target: ClientTarget;
  seenHostKey?: Buffer;
  hostKey?: PinnedHostKey;
}

function explain(err: Error & { level?: string }, context: FailureContext): CpudError {
  const { where, target, seenHostKey, hostKey } = context;
  const code = systemCodeOf(err);
  const options = { cause: err };

  if (hostKey && seenHostKey && !seenHostKey.equals(hostKey.blob)) {
    return new CpudError(
      'CPUD_ERR_AUTH_HOSTKEY',
      `host key of ${where} does not match "${hostKey.file}": the host sent ` +
        `${describeKeyBlob(seenHostKey)}, expected ${describeKeyBlob(hostKey.blob)} ` +
        '(a different host, or its key changed)',
      options,
    );
  }
  if (err.level === 'client-authentication') {
    return new CpudError(
      'CPUD_ERR_AUTH_REFUSED',
      `${where} did not accept the key "${target.keyFile}" for "${target.user}": ` +
        "its public half must be in cpud's key file there",
      options,
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new CpudError(
      'CPUD_ERR_SSH_CONNECT',
      `unknown host "${target.address}": no address found for it`,
      options,
    );
  }
  if (code === 'ECONNREFUSED') {
    return new CpudError(
      'CPUD_ERR_SSH_CONNECT',
      `cannot connect to ${where}: connection refused (is cpud running there?)`,
      options,
    );
  }
  if (code === 'ENOENT' && target.network === 'unix') {
    return new CpudError(
      'CPUD_ERR_SSH_CONNECT',
      `cannot connect to ${where}: no such socket`,
      options,
    );
  }
  if (err.level === 'client-timeout') {
    return new CpudError(
      'CPUD_ERR_SSH_CONNECT',
      `cannot connect to ${where}: no SSH handshake in time`,
      options,
    );
  }
  const why = code ? `${code.toLowerCase()} (${messageOf(err)})` : messageOf(err);
  return new CpudError('CPUD_ERR_SSH_CONNECT', `cannot connect to ${where}: ${why}`, options);
}
