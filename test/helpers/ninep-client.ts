/**
 * A small 9P2000.L client for tests: sends T-messages over a socket and
 * matches replies by tag. It uses the server's own codec, which the codec
 * tests check against hand-written frames.
 */
import type { Socket } from 'node:net';

import { decodeMessage, encodeMessage } from '../../src/ninep/codec.js';
import { FrameReader } from '../../src/ninep/frame-reader.js';
import type { Message, MessageName, MessageOf, Qid } from '../../src/ninep/messages.js';

/** An Rlerror answer, as a rejection. */
export class RlerrorError extends Error {
  readonly ecode: number;

  constructor(request: string, ecode: number) {
    super(`${request}: Rlerror ${ecode}`);
    this.ecode = ecode;
  }
}

type Fields<N extends MessageName> = Omit<MessageOf<N>, 'type' | 'tag'>;
type ReplyName<N extends string> = N extends `T${infer R}` ? Extract<`R${R}`, MessageName> : never;

export interface Dirent {
  qid: Qid;
  offset: bigint;
  dtype: number;
  name: string;
}

export class NinepClient {
  #socket: Socket;
  #pending = new Map<number, { resolve: (reply: Message) => void; reject: (e: Error) => void }>();
  #nextTag = 1;

  constructor(socket: Socket) {
    this.#socket = socket;
    const reader = new FrameReader(16 * 1024 * 1024, {
      frame: (frame) => {
        const reply = decodeMessage(Buffer.from(frame));
        const waiter = this.#pending.get(reply.tag);
        this.#pending.delete(reply.tag);
        waiter?.resolve(reply);
      },
      oversize: () => socket.destroy(),
      broken: () => socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('close', () => {
      for (const [tag, waiter] of this.#pending) {
        waiter.reject(new Error(`connection closed before the reply to tag ${tag}`));
      }
      this.#pending.clear();
    });
  }

  /** Sends a request and resolves to its reply, whatever it is (Rlerror included). */
  send<N extends MessageName>(type: N, fields: Fields<N>, tag = this.tag()): Promise<Message> {
    const reply = this.expect(tag);
    this.#socket.write(encodeMessage({ type, tag, ...fields } as unknown as Message));
    return reply;
  }

  /** Sends a request; rejects with RlerrorError on Rlerror. */
  async call<N extends Extract<MessageName, `T${string}`>>(
    type: N,
    fields: Fields<N>,
  ): Promise<MessageOf<ReplyName<N>>> {
    const reply = await this.send(type, fields);
    if (reply.type === 'Rlerror') throw new RlerrorError(type, reply.ecode);
    return reply as MessageOf<ReplyName<N>>;
  }

  /** Bytes as they are, for malformed-input tests. */
  writeRaw(frame: Buffer): void {
    this.#socket.write(frame);
  }

  /** A promise for the reply with `tag`. */
  expect(tag: number): Promise<Message> {
    return new Promise((resolve, reject) => this.#pending.set(tag, { resolve, reject }));
  }

  tag(): number {
    const tag = this.#nextTag;
    this.#nextTag = (this.#nextTag % 0xfffe) + 1;
    return tag;
  }

  /** Tversion then Tattach of fid 0 to the root. */
  async start(msize = 65536): Promise<MessageOf<'Rattach'>> {
    await this.call('Tversion', { msize, version: '9P2000.L' });
    return this.call('Tattach', { fid: 0, afid: 0xffffffff, uname: 'test', aname: '', n_uname: 0 });
  }

  async walk(fid: number, newfid: number, path: string): Promise<Qid[]> {
    const wnames = path.split('/').filter((n) => n !== '');
    return (await this.call('Twalk', { fid, newfid, wnames })).qids;
  }

  async readAll(fid: number, count = 8192): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let offset = 0n; ; ) {
      const { data } = await this.call('Tread', { fid, offset, count });
      if (data.length === 0) return Buffer.concat(parts);
      parts.push(data);
      offset += BigInt(data.length);
    }
  }

  async readdirAll(fid: number, count = 8192): Promise<Dirent[]> {
    const all: Dirent[] = [];
    for (let offset = 0n; ; ) {
      const { data } = await this.call('Treaddir', { fid, offset, count });
      const entries = decodeDirents(data);
      if (entries.length === 0) return all;
      all.push(...entries);
      offset = entries[entries.length - 1]!.offset;
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** Rreaddir data: qid[13] offset[8] type[1] name[s], repeated. */
export function decodeDirents(data: Buffer): Dirent[] {
  const out: Dirent[] = [];
  for (let at = 0; at < data.length; ) {
    const qid = {
      type: data[at]!,
      version: data.readUInt32LE(at + 1),
      path: data.readBigUInt64LE(at + 5),
    };
    const offset = data.readBigUInt64LE(at + 13);
    const dtype = data[at + 21]!;
    const len = data.readUInt16LE(at + 22);
    out.push({ qid, offset, dtype, name: data.toString('utf8', at + 24, at + 24 + len) });
    at += 24 + len;
  }
  return out;
}
