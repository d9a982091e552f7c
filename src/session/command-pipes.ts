/**
 * Real pipes for a command's stdin, stdout and stderr, as sshd gives them.
 * Node's spawn gives each stdio 'pipe' a Unix socketpair, and moving bytes
 * through a socket costs the daemon about a third more CPU per byte than a
 * pipe (measured with `head -c 2G /dev/zero`): when streaming, the daemon
 * is the bottleneck. The buffers are grown so that one output read takes
 * several SSH packets' worth, which the SSH layer then sends in one writev.
 *
 * A command that sees the client's files over 9P gets socketpairs instead:
 * their bytes come through this daemon, and a pipe's writer holds the pipe's
 * mutex while it fetches what it splices in (sendfile from a 9P file, as
 * busybox cat does), so the daemon's read of that pipe, even a non-blocking
 * one, would wait uninterruptibly for the 9P reply it alone can forward.
 * The ends of a socketpair share no such lock.
 */
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { CpudError } from '../errors.js';
import { loadNative } from '../util/native.js';

const PIPE_CAPACITY = 1024 * 1024;
const READ_SIZE = 256 * 1024;

interface CommandEnd {
  /** The end for the command's stdio; close it once the command has it. */
  readonly commandEnd: number;
  closeCommandEnd(): void;
}

export interface OutputPipe extends CommandEnd {
  /** From now on, read and drop: the client is gone. */
  drop(): void;
  /** Settles at EOF: every writer (the command and its children) closed. */
  readonly ended: Promise<void>;
  destroy(): void;
}

/** `socket` where the command's data may come through the daemon itself (9P). */
export type PipeKind = 'pipe' | 'socket';

/** Everything read is written to `sink`, pausing while it is full, until EOF. */
export function openOutputPipe(sink: Writable, kind: PipeKind = 'pipe'): OutputPipe {
  const [readFd, writeFd] = makePipe(kind);
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
  const ended = new Promise<void>((resolve) => {
    reader.once('close', () => resolve());
    reader.on('error', () => {});
  });

  return {
    ...commandEnd(writeFd),
    drop: () => {
      dropping = true;
      reader.resume();
    },
    ended,
    destroy: () => reader.destroy(),
  };
}

export interface InputPipe extends CommandEnd {
  /** Ending it gives the command EOF. */
  readonly writer: Socket;
}

export function openInputPipe(kind: PipeKind = 'pipe'): InputPipe {
  const [readFd, writeFd] = makePipe(kind);
  const writer = new Socket({ fd: writeFd, readable: false, writable: true });
  return { ...commandEnd(readFd), writer };
}

function makePipe(kind: PipeKind): [number, number] {
  const native = loadNative();
  const fds = kind === 'pipe' ? native.pipe(PIPE_CAPACITY) : native.socketPair();
  if (typeof fds === 'number') {
    throw new CpudError('CPUD_ERR_SESSION_SPAWN', `cannot make a pipe for the command (errno ${-fds})`);
  }
  return fds;
}

function commandEnd(fd: number): CommandEnd {
  let open = true;
  return {
    commandEnd: fd,
    closeCommandEnd: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
