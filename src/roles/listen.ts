/**
 * Binding the daemon's listener for -network and -p. A stale unix socket
 * left by a crashed daemon is replaced; a live one is not, and a path that
 * holds anything but a socket is never touched.
 */
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CpudError, messageOf, systemCodeOf } from '../errors.js';

export interface ListenSpec {
  network: 'tcp' | 'tcp4' | 'tcp6' | 'unix';
  port: string;
  address?: string;
}

export interface ListenOptions {
  /** Leave accepted sockets unread, for handing them to another program. */
  pauseOnConnect?: boolean;
}

export async function listen(
  spec: ListenSpec,
  onSocket: (socket: Socket) => void,
  options: ListenOptions = {},
): Promise<Server> {
  checkSpec(spec);
  const server = createServer({ pauseOnConnect: options.pauseOnConnect ?? false }, onSocket);
  try {
    await bind(server, spec);
  } catch (err) {
    if (
      spec.network === 'unix' &&
      systemCodeOf(err) === 'EADDRINUSE' &&
      isSocketFile(spec.port) &&
      !(await isLive(spec.port))
    ) {
      unlinkSync(spec.port);
      await bind(server, spec);
    } else if (spec.network === 'tcp' && !spec.address && systemCodeOf(err) === 'EAFNOSUPPORT') {
      await bind(server, { ...spec, network: 'tcp4' });
    } else {
      throw new CpudError(
        'CPUD_ERR_CFG_LISTEN',
        `cannot listen on ${describeSpec(spec)}: ${reason(err, spec.network === 'unix')}`,
        {
          cause: err,
        },
      );
    }
  }
  return server;
}

/** Serves listening sockets that were handed over (systemd `Accept=no`). */
export async function listenOnFds(
  fds: readonly number[],
  onSocket: (socket: Socket) => void,
  options: ListenOptions = {},
): Promise<Server[]> {
  const servers: Server[] = [];
  for (const fd of fds) {
    const server = createServer({ pauseOnConnect: options.pauseOnConnect ?? false }, onSocket);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new CpudError(
            'CPUD_ERR_CFG_LISTEN',
            `cannot serve the listening socket on fd ${fd}: ${messageOf(err)}`,
            {
              cause: err,
            },
          ),
        ),
      );
      server.listen({ fd }, resolve);
    });
    servers.push(server);
  }
  return servers;
}

export function describeAddress(server: Server): string {
  const address = server.address();
  if (typeof address === 'string') return `unix:${address}`;
  if (!address) return 'nothing';
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

function bind(server: Server, spec: ListenSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (spec.network === 'unix') {
      server.listen({ path: spec.port }, done);
      return;
    }
    const host = spec.address ?? (spec.network === 'tcp4' ? '0.0.0.0' : '::');
    server.listen({ host, port: Number(spec.port), ipv6Only: spec.network === 'tcp6' }, done);
  });
}

const MAX_SOCKET_PATH = 107;

// Refuses what the kernel would accept but the operator did not mean.
function checkSpec(spec: ListenSpec): void {
  const fail = (why: string): CpudError =>
    new CpudError('CPUD_ERR_CFG_LISTEN', `cannot listen on ${describeSpec(spec)}: ${why}`);
  if (spec.network === 'unix') {
    if (spec.port === '') throw fail('the socket path (-p) is empty');
    // sun_path holds 108 bytes with the NUL; Node cuts a longer path short.
    const bytes = Buffer.byteLength(spec.port);
    if (bytes > MAX_SOCKET_PATH) throw fail(`the path is ${bytes} bytes; Linux takes at most ${MAX_SOCKET_PATH}`);
    let kind: 'none' | 'socket' | 'other' = 'none';
    try {
      kind = lstatSync(spec.port).isSocket() ? 'socket' : 'other';
    } catch {
      // Nothing there: the usual case.
    }
    if (kind === 'other') throw fail('the path exists and is not a socket (cpud never replaces it)');
    // Node reports a missing folder as EACCES: name the folder instead.
    const folder = dirname(resolve(spec.port));
    if (!existsSync(folder)) throw fail(`folder "${folder}" does not exist`);
    return;
  }
  const family = spec.address ? isIP(spec.address) : 0;
  if (spec.network === 'tcp4' && family === 6) throw fail('-network tcp4 with an IPv6 -addr');
  if (spec.network === 'tcp6' && family === 4) throw fail('-network tcp6 with an IPv4 -addr');
}

function isSocketFile(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function describeSpec(spec: ListenSpec): string {
  if (spec.network === 'unix') return `unix socket "${spec.port}"`;
  return `${spec.network} ${spec.address ? `address ${spec.address} ` : ''}port ${spec.port}`;
}

function reason(err: unknown, unix: boolean): string {
  switch (systemCodeOf(err)) {
    case 'EADDRINUSE':
      return 'address already in use (is another cpud running?)';
    case 'EACCES':
      return unix ? 'permission denied (cpud cannot write in its folder)' : 'permission denied (ports below 1024 need root)';
    case 'EADDRNOTAVAIL':
      return 'no such address on this host';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host name (give -addr an address or a name this host resolves)';
    case 'EISDIR':
      return 'the path is a folder';
    default:
      return messageOf(err);
  }
}
