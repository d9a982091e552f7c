/**
 * A real pipe for a command's stdout or stderr, read by the daemon. Node's
 * spawn gives each stdio 'pipe' a Unix socketpair, and reading a socket
 * costs the daemon about a third more CPU per byte than reading a pipe
 * (measured with `head -c 2G /dev/zero`): with output streaming, the daemon
 * is the bottleneck. The pipe's buffer is grown so that one read takes
 * several SSH packets' worth, which the SSH layer then sends in one writev.
 */
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { CpudError } from '../errors.js';
import { loadNative } from '../util/native.js';

const PIPE_CAPACITY = 1024 * 1024;
const READ_SIZE = 256 * 1024;

export interface OutputPipe {
  /** The write end, for the command's stdio; close it once the command has it. */
  readonly commandEnd: number;
  closeCommandEnd(): void;
  /** From now on, read and drop: the client is gone. */
  drop(): void;
  /** Settles at EOF: every writer (the command and its children) closed. */
  readonly ended: Promise<void>;
  destroy(): void;
}

/** Everything read is written to `sink`, pausing while it is full, until EOF. */
export function openOutputPipe(sink: Writable): OutputPipe {
  const fds = loadNative().pipe(PIPE_CAPACITY);
  if (typeof fds === 'number') {
    throw new CpudError('CPUD_ERR_SESSION_SPAWN', `cannot make a pipe for the command's output (errno ${-fds})`);
  }
  const [readFd, writeFd] = fds;
  let dropping = false;
  // `onread` (Node >= 12) is missing from @types/node's constructor options.
  const reader = new Socket({
    fd: readFd,
    readable: true,
    writable: false,
    onread: {
      // A fresh buffer per read: the sink may keep the chunk queued.
      buffer: () => Buffer.allocUnsafe(READ_SIZE),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        if (dropping) return true;
        if (sink.write(buffer.subarray(0, bytes))) return true;
        sink.once('drain', () => reader.resume());
        return false;
      },
    },
  } as ConstructorParameters<typeof Socket>[0]);
  let commandEndOpen = true;
  const ended = new Promise<void>((resolve) => {
    reader.once('close', () => resolve());
    reader.on('error', () => {});
  });

  return {
    commandEnd: writeFd,
    closeCommandEnd: () => {
      if (!commandEndOpen) return;
      commandEndOpen = false;
      closeSync(writeFd);
    },
    drop: () => {
      dropping = true;
      reader.resume();
    },
    ended,
    destroy: () => reader.destroy(),
  };
}
