/**
 * One 9P2000.L connection: frames in, handlers run concurrently, replies out.
 *
 * Requests are not serialized: each runs as soon as it arrives, so replies
 * may leave in any order (9P matches them by tag). Replies finished in the
 * same event-loop turn leave in one corked write (one writev), which keeps
 * syscalls per message low when the kernel has many requests in flight.
 *
 * Tflush(oldtag): host calls cannot be cancelled once started, so the old
 * request is allowed to finish; its reply is sent, then Rflush. The Linux
 * client accepts a reply that arrives before the Rflush (it completes the
 * old request normally), and this order never leaves it waiting for a tag
 * that was silently dropped.
 */
import type { Duplex } from 'node:stream';

import { Errno, MessageType } from './constants.js';
import { decodeMessage, DecodeError, encodeMessage, message } from './codec.js';
import type { Context, Handler, HandlerTable, Reply, TName } from './context.js';
import { errnoOf } from './errno-of.js';
import { FidTable } from './fid-table.js';
import { FrameReader } from './frame-reader.js';
import { handlers } from './handlers.js';
import { ReplyBuffers } from './reply-buffers.js';
import type { Message } from './messages.js';
import { traceLine } from './trace.js';

/** Reading pauses above this many requests in flight (the kernel keeps far fewer). */
const MAX_IN_FLIGHT = 1024;

export interface ConnectionOptions {
  root: string;
  maxMsize: number;
  trace?: (line: string) => void;
}

export class Connection {
  readonly closed: Promise<void>;
  #stream: Duplex;
  #trace: ((line: string) => void) | undefined;
  #handlers: HandlerTable = handlers();
  #ctx: Context;
  #reader: FrameReader;
  #buffers: ReplyBuffers;
  /** Tags in flight, each with the Tflush tags waiting on it. */
  #inFlight = new Map<number, number[]>();
  #corked = false;
  #ended = false;
  #gone = false;
  #resolveClosed!: () => void;

  constructor(stream: Duplex, options: ConnectionOptions) {
    this.#stream = stream;
    this.#trace = options.trace;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const fids = new FidTable();
    this.#buffers = new ReplyBuffers(options.maxMsize);
    this.#reader = new FrameReader(options.maxMsize, {
      frame: (frame) => this.#onFrame(frame),
      oversize: (tag, size) => {
        this.#traceText(`<- frame tag=${tag} size=${size} over msize ${this.#ctx.msize}`);
        this.#send(message('Rlerror', { tag, ecode: Errno.EMSGSIZE }));
      },
      broken: (reason) => {
        this.#traceText(`<- ${reason}: closing`);
        this.close();
      },
    });
    this.#ctx = {
      root: options.root,
      fids,
      msize: options.maxMsize,
      maxMsize: options.maxMsize,
      setMsize: (msize) => {
        this.#ctx.msize = msize;
        this.#reader.maxSize = msize;
        this.#buffers.resize(msize);
      },
      replyBuffer: (size) => this.#buffers.lend(size),
    };

    stream.on('data', (chunk: Buffer) => this.#reader.push(chunk));
    stream.on('end', () => this.#onEnd());
    stream.on('error', (err) => {
      this.#traceText(`-- stream error: ${err.message}`);
      this.#cleanup();
    });
    stream.on('close', () => this.#cleanup());
  }

  /** Ends the connection now: replies still pending are dropped, fds closed. */
  close(): void {
    this.#stream.destroy();
    this.#cleanup();
  }

  #onFrame(frame: Buffer): void {
    // Replies (odd type numbers) are never requests, whatever their layout.
    if (frame[4]! % 2 === 1) {
      this.#traceText(`<- reply type ${frame[4]} sent as a request`);
      this.#send(message('Rlerror', { tag: frame.readUInt16LE(5), ecode: Errno.EOPNOTSUPP }));
      return;
    }
    let msg: Message;
    try {
      msg = decodeMessage(frame);
    } catch (err) {
      const e = err as DecodeError;
      this.#traceText(`<- bad message: ${e.message}`);
      if (e.tag === undefined) return;
      const ecode = e.unknownType ? Errno.EOPNOTSUPP : Errno.EINVAL;
      this.#send(message('Rlerror', { tag: e.tag, ecode }));
      return;
    }
    if (this.#trace) this.#trace(traceLine('<-', msg));

    if (msg.type === 'Tflush') {
      const waiting = this.#inFlight.get(msg.oldtag);
      if (waiting === undefined) this.#send(message('Rflush', { tag: msg.tag }));
      else waiting.push(msg.tag);
      return;
    }
    const handler = this.#handlers[msg.type as TName] as Handler<TName> | undefined;
    if (handler === undefined || !msg.type.startsWith('T')) {
      this.#send(message('Rlerror', { tag: msg.tag, ecode: Errno.EOPNOTSUPP }));
      return;
    }
    this.#run(handler, msg);
  }

  #run(handler: Handler<TName>, msg: Message): void {
    const tag = msg.tag;
    this.#inFlight.set(tag, []);
    if (this.#inFlight.size >= MAX_IN_FLIGHT) this.#stream.pause();
    handler(msg as never, this.#ctx)
      .catch((err: unknown): Reply => {
        if (this.#trace) this.#traceText(`-- ${msg.type} tag=${tag}: ${(err as Error).message}`);
        return message('Rlerror', { tag, ecode: errnoOf(err) });
      })
      .then((reply) => {
        const flushes = this.#inFlight.get(tag) ?? [];
        this.#inFlight.delete(tag);
        this.#send(reply);
        for (const flushTag of flushes) this.#send(message('Rflush', { tag: flushTag }));
        if (this.#inFlight.size < MAX_IN_FLIGHT && !this.#ended) this.#stream.resume();
        if (this.#ended && this.#inFlight.size === 0) this.#stream.end();
        if (this.#gone && this.#inFlight.size === 0) this.#resolveClosed();
      });
  }

  #send(reply: Reply): void {
    if (this.#stream.destroyed || this.#stream.writableEnded) return;
    let frame: Buffer;
    try {
      frame = Buffer.isBuffer(reply) ? reply : encodeMessage(reply);
    } catch (err) {
      // A reply too big for its fields (a 64 KiB name): answer the tag with an error.
      const tag = Buffer.isBuffer(reply) ? reply.readUInt16LE(5) : reply.tag;
      frame = encodeMessage(message('Rlerror', { tag, ecode: errnoOf(err) }));
    }
    if (frame.length > this.#ctx.msize && frame[4] !== MessageType.Rversion) {
      const tag = frame.readUInt16LE(5);
      frame = encodeMessage(message('Rlerror', { tag, ecode: Errno.EMSGSIZE }));
    }
    if (this.#trace) this.#trace(traceLine('->', decodeMessage(frame)));
    if (!this.#corked) {
      this.#corked = true;
      this.#stream.cork();
      setImmediate(() => {
        this.#corked = false;
        this.#stream.uncork();
      });
    }
    if (this.#buffers.isLent(frame)) {
      const written = frame;
      this.#stream.write(frame, () => this.#buffers.giveBack(written));
    } else {
      this.#stream.write(frame);
    }
  }

  /** The peer stopped sending: answer what is in flight, then end our side. */
  #onEnd(): void {
    this.#ended = true;
    if (this.#inFlight.size === 0) this.#stream.end();
  }

  /** Releases every fid; `closed` settles once requests still running end too. */
  #cleanup(): void {
    this.#gone = true;
    this.#ctx.fids.clear();
    if (this.#inFlight.size === 0) this.#resolveClosed();
  }

  #traceText(line: string): void {
    this.#trace?.(line);
  }
}
