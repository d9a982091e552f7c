/**
 * Buffers for the large replies (Rread, Rreaddir), kept for reuse. A
 * sequential read asks for msize bytes per Tread; a fresh buffer each time
 * is an allocation outside V8's heap and garbage to collect. A lent buffer
 * comes back once the socket has written the reply made in it (the write
 * callback), never earlier, since until then the stream may still hold it.
 */

/** Enough for the kernel's usual one request in flight per reader, with some slack. */
const KEEP = 4;

export class ReplyBuffers {
  #spare: Buffer[] = [];
  /** Memory lent out, found again from the reply (a view into it). */
  #lent = new WeakSet<ArrayBufferLike>();
  #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** New msize: buffers of the old size are dropped. */
  resize(size: number): void {
    this.#size = size;
    this.#spare = [];
  }

  /** A buffer of at least `size` bytes, for a reply the caller writes into. */
  lend(size: number): Buffer {
    if (size > this.#size) return Buffer.allocUnsafe(size);
    // allocUnsafeSlow: memory of its own, never a slice of Node's shared pool.
    const buf = this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#size);
    this.#lent.add(buf.buffer);
    return buf;
  }

  /** Whether `frame` lies in a lent buffer (then giveBack once it is written). */
  isLent(frame: Buffer): boolean {
    return this.#lent.has(frame.buffer);
  }

  giveBack(frame: Buffer): void {
    const memory = frame.buffer;
    if (!this.#lent.delete(memory)) return;
    if (this.#spare.length < KEEP && memory.byteLength === this.#size) {
      this.#spare.push(Buffer.from(memory as ArrayBuffer, 0, memory.byteLength));
    }
  }
}
