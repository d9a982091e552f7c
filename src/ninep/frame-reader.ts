/**
 * Cuts a byte stream into 9P frames (size[4] counts itself). Complete frames
 * inside one chunk are handed out as views without copying; a frame split
 * across chunks is joined once, when its last byte arrives.
 *
 * A frame larger than msize is not buffered: its tag is reported and its
 * bytes are skipped as they arrive. The Linux client never sends one (it
 * sizes every request to the negotiated msize), so this only meets broken or
 * hostile peers; answering Rlerror(EMSGSIZE) for that tag keeps the stream in
 * step without holding up to 4 GiB in memory. A size under 7 cannot be
 * skipped meaningfully (there is no tag and no trustworthy length), so the
 * caller ends the connection.
 */
import { HEADER_SIZE } from './constants.js';

export interface FrameReaderEvents {
  frame: (frame: Buffer) => void;
  oversize: (tag: number, size: number) => void;
  broken: (reason: string) => void;
}

export class FrameReader {
  #events: FrameReaderEvents;
  #parts: Buffer[] = [];
  #have = 0;
  #skip = 0;
  #broken = false;
  maxSize: number;

  constructor(maxSize: number, events: FrameReaderEvents) {
    this.maxSize = maxSize;
    this.#events = events;
  }

  push(chunk: Buffer): void {
    if (this.#broken) return;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, chunk.length);
      this.#skip -= n;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return;
    if (this.#parts.length > 0) {
      this.#parts.push(chunk);
      this.#have += chunk.length;
      if (this.#have < this.#pendingSize()) return;
      chunk = Buffer.concat(this.#parts, this.#have);
      this.#parts = [];
      this.#have = 0;
    }
    this.#cut(chunk);
  }

  /** Bytes needed before joining the parts is worth it: the header, then the frame. */
  #pendingSize(): number {
    if (this.#have < HEADER_SIZE) return HEADER_SIZE;
    const head =
      this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, HEADER_SIZE);
    const size = head.readUInt32LE(0);
    // Oversized or broken sizes are judged by #cut as soon as the header is here.
    return size < HEADER_SIZE || size > this.maxSize ? HEADER_SIZE : size;
  }

  #cut(chunk: Buffer): void {
    let at = 0;
    while (!this.#broken && chunk.length - at >= HEADER_SIZE) {
      const size = chunk.readUInt32LE(at);
      if (size < HEADER_SIZE) {
        this.#broken = true;
        this.#events.broken(`frame size field ${size} is below the 7-byte header`);
        return;
      }
      if (size > this.maxSize) {
        this.#events.oversize(chunk.readUInt16LE(at + 5), size);
        const n = Math.min(size, chunk.length - at);
        this.#skip = size - n;
        at += n;
        continue;
      }
      if (chunk.length - at < size) break;
      this.#events.frame(chunk.subarray(at, at + size));
      at += size;
    }
    if (at < chunk.length && !this.#broken) {
      const rest = chunk.subarray(at);
      this.#parts.push(rest);
      this.#have = rest.length;
    }
  }
}
