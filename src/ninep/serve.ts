/**
 * The 9P2000.L file server's entry point: serve a local directory tree on
 * one connected byte stream (a TCP socket, an SSH forwarded-tcpip channel).
 */
import { realpathSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { CpudError, messageOf } from '../errors.js';
import { Connection } from './connection.js';

export interface ServeOptions {
  /** Local directory tree to serve. */
  root: string;
  /** Called with one line per message when set (-dbg9p); off by default. */
  trace?: (line: string) => void;
  /** Upper bound offered in Rversion; default 1 MiB (the kernel asks 64 KiB..512 KiB). */
  maxMsize?: number;
}

export interface NinepConnection {
  /** Settles when the stream has closed and every fid's fd is released. */
  readonly closed: Promise<void>;
  /** Ends the connection at once; idempotent. */
  close(): void;
}

const DEFAULT_MAX_MSIZE = 1024 * 1024;

/** Throws CpudError when `root` cannot be resolved. */
export function serveNinep(stream: Duplex, options: ServeOptions): NinepConnection {
  // Resolved once: if the root itself is a symlink, its target is what is
  // served, and every path the server builds starts with this real path.
  let root: string;
  try {
    root = realpathSync(options.root);
  } catch (err) {
    throw new CpudError('CPUD_ERR_NS_9P', `cannot serve "${options.root}": ${messageOf(err)}`, {
      cause: err,
    });
  }
  // Each reply is one write, and the client waits for it. With Nagle's
  // algorithm a reply longer than one segment (an Rread of 64 KiB over
  // loopback, MSS 65483) leaves its tail behind until the first part is
  // acknowledged, which a delayed ACK holds up to 40 ms. diod sets it too.
  if (stream instanceof Socket) stream.setNoDelay(true);
  return new Connection(stream, {
    root,
    maxMsize: options.maxMsize ?? DEFAULT_MAX_MSIZE,
    trace: options.trace,
  });
}
