/**
 * Encoder and decoder for whole 9P2000.L frames, driven by the table in
 * messages.ts. All integers are little-endian; strings are u16-counted
 * UTF-8; data is u32-counted. The decoder never reads past the frame and
 * refuses trailing bytes, so a malformed message is an error with the
 * message's tag (when there is one), never a crash.
 */
import { HEADER_SIZE, MessageType } from './constants.js';
import { SCHEMAS, messageNameOf } from './messages.js';
import type { Kind, Message, MessageName, MessageOf, Qid } from './messages.js';

/** Why a frame could not be decoded; `tag` is set once the header was read. */
export class DecodeError extends Error {
  readonly tag: number | undefined;
  readonly unknownType: boolean;

  constructor(message: string, options: { tag?: number; unknownType?: boolean } = {}) {
    super(message);
    this.name = 'DecodeError';
    this.tag = options.tag;
    this.unknownType = options.unknownType ?? false;
  }
}

/** Decodes one frame (size field included). Data fields share the frame's memory. */
export function decodeMessage(frame: Buffer): Message {
  if (frame.length < HEADER_SIZE) throw new DecodeError(`frame of ${frame.length} bytes`);
  const size = frame.readUInt32LE(0);
  const tag = frame.readUInt16LE(5);
  if (size !== frame.length) {
    throw new DecodeError(`size field ${size} but frame of ${frame.length} bytes`, { tag });
  }
  const name = messageNameOf(frame[4]!);
  if (name === undefined) {
    throw new DecodeError(`unknown message type ${frame[4]}`, { tag, unknownType: true });
  }

  const msg: Record<string, unknown> = { type: name, tag };
  const r = new FieldReader(frame, name, tag);
  for (const [field, kind] of SCHEMAS[name]) msg[field] = r.read(kind);
  if (r.at !== frame.length) {
    throw new DecodeError(`${name} has ${frame.length - r.at} extra bytes`, { tag });
  }

  return msg as Message;
}

/**
 * A cursor over one frame's fields. One object per frame, with methods on
 * the prototype: decoding is on every request's path, so it builds no
 * closures per message.
 */
class FieldReader {
  at = HEADER_SIZE;
  readonly #frame: Buffer;
  readonly #name: string;
  readonly #tag: number;

  constructor(frame: Buffer, name: string, tag: number) {
    this.#frame = frame;
    this.#name = name;
    this.#tag = tag;
  }

  read(kind: Kind): unknown {
    switch (kind) {
      case 'u8': return this.#take(1) && this.#frame[this.at - 1];
      case 'u16': return this.#take(2) && this.#frame.readUInt16LE(this.at - 2);
      case 'u32': return this.#take(4) && this.#frame.readUInt32LE(this.at - 4);
      case 'u64': return this.#take(8) && this.#frame.readBigUInt64LE(this.at - 8);
      case 'str': return this.#str();
      case 'qid': return this.#qid();
      case 'strs': return this.#list(() => this.#str());
      case 'qids': return this.#list(() => this.#qid());
      case 'data': {
        const len = this.read('u32') as number;
        this.#take(len);
        return this.#frame.subarray(this.at - len, this.at);
      }
    }
  }

  /** Moves past `n` bytes; true, or DecodeError when the frame is shorter. */
  #take(n: number): true {
    if (this.at + n > this.#frame.length) {
      throw new DecodeError(`${this.#name} truncated`, { tag: this.#tag });
    }
    this.at += n;
    return true;
  }

  #str(): string {
    const len = this.read('u16') as number;
    this.#take(len);
    return this.#frame.toString('utf8', this.at - len, this.at);
  }

  #qid(): Qid {
    const type = this.read('u8') as number;
    const version = this.read('u32') as number;
    return { type, version, path: this.read('u64') as bigint };
  }

  #list<T>(item: () => T): T[] {
    const n = this.read('u16') as number;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

/** Encodes one message into a fresh frame. */
export function encodeMessage(msg: Message): Buffer {
  const schema = SCHEMAS[msg.type] as readonly (readonly [string, Kind])[];
  const values = msg as unknown as Record<string, unknown>;
  let size = HEADER_SIZE;
  for (const [field, kind] of schema) size += sizeOf(kind, values[field]);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(size, 0);
  buf[4] = MessageType[msg.type];
  buf.writeUInt16LE(msg.tag, 5);

  let at = HEADER_SIZE;
  for (const [field, kind] of schema) at = writeKind(buf, at, kind, values[field]);
  return buf;
}

/** A message built from its name and fields, typed by the table. */
export function message<N extends MessageName>(
  type: N,
  fields: Omit<MessageOf<N>, 'type'>,
): MessageOf<N> {
  return { type, ...fields } as MessageOf<N>;
}

function sizeOf(kind: Kind, value: unknown): number {
  switch (kind) {
    case 'u8': return 1;
    case 'u16': return 2;
    case 'u32': return 4;
    case 'u64': return 8;
    case 'qid': return 13;
    case 'str': return 2 + Buffer.byteLength(value as string);
    case 'strs': return (value as string[]).reduce((n, s) => n + 2 + Buffer.byteLength(s), 2);
    case 'qids': return 2 + 13 * (value as Qid[]).length;
    case 'data': return 4 + (value as Buffer).length;
  }
}

function writeKind(buf: Buffer, at: number, kind: Kind, value: unknown): number {
  switch (kind) {
    case 'u8': return buf.writeUInt8(value as number, at);
    case 'u16': return buf.writeUInt16LE(value as number, at);
    case 'u32': return buf.writeUInt32LE(value as number, at);
    case 'u64': return buf.writeBigUInt64LE(value as bigint, at);
    case 'qid': return writeQid(buf, at, value as Qid);
    case 'str': {
      const len = buf.write(value as string, at + 2, 'utf8');
      buf.writeUInt16LE(len, at);
      return at + 2 + len;
    }
    case 'strs': {
      const list = value as string[];
      at = buf.writeUInt16LE(list.length, at);
      for (const s of list) at = writeKind(buf, at, 'str', s);
      return at;
    }
    case 'qids': {
      const list = value as Qid[];
      at = buf.writeUInt16LE(list.length, at);
      for (const q of list) at = writeQid(buf, at, q);
      return at;
    }
    case 'data': {
      const data = value as Buffer;
      at = buf.writeUInt32LE(data.length, at);
      return at + data.copy(buf, at);
    }
  }
}

/** Writes a qid at `at`, returning the offset after it. */
export function writeQid(buf: Buffer, at: number, q: Qid): number {
  buf[at] = q.type;
  buf.writeUInt32LE(q.version, at + 1);
  return buf.writeBigUInt64LE(q.path, at + 5);
}
