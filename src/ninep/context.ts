/**
 * What a request handler sees of its connection, and the types that tie
 * handlers to the message table.
 */
import type { FidTable } from './fid-table.js';
import type { Message, MessageName, MessageOf } from './messages.js';

export interface Context {
  /** Real path of the served directory (symlinks in it resolved once, at start). */
  readonly root: string;
  readonly fids: FidTable;
  /** Negotiated by Tversion; bounds every reply. */
  msize: number;
  readonly maxMsize: number;
  /** Tells the frame reader the new bound after Tversion. */
  setMsize(msize: number): void;
  /**
   * A buffer of at least `size` bytes for a reply frame built in place; the
   * connection reuses it once the reply made in it has been written.
   */
  replyBuffer(size: number): Buffer;
}

/** A reply: a message to encode, or a frame already encoded (Rread, Rreaddir). */
export type Reply = Message | Buffer;

export type TName = Extract<MessageName, `T${string}`>;

export type Handler<N extends TName> = (msg: MessageOf<N>, ctx: Context) => Promise<Reply>;

export type HandlerTable = { [N in TName]?: Handler<N> };
