/**
 * ssh's escape on the keyboard: `~.` at the start of a line ends the
 * session, whatever the remote side does; `~~` sends one `~`. Any other byte
 * after the `~` sends both. A lone `~` is held until the next byte says what
 * it was. The start of input counts as the start of a line, as in ssh.
 */
import { Transform, type TransformCallback } from 'node:stream';

const TILDE = 0x7e;
const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

export class EscapeFilter extends Transform {
  #atLineStart = true;
  #tildeHeld = false;
  #escaped = false;

  /** `listener` runs once, when `~.` is typed; input after it is dropped. */
  constructor(onEscape: () => void) {
    super();
    this.once('escape', onEscape);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.#escaped) return done();
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.#tildeHeld) {
        this.#tildeHeld = false;
        if (byte === DOT) {
          this.#escaped = true;
          if (out.length) this.push(Buffer.from(out));
          this.emit('escape');
          return done();
        }
        out.push(TILDE);
        if (byte === TILDE) {
          this.#atLineStart = false;
          continue;
        }
      } else if (this.#atLineStart && byte === TILDE) {
        this.#tildeHeld = true;
        continue;
      }
      out.push(byte);
      this.#atLineStart = byte === CR || byte === LF;
    }
    done(null, out.length ? Buffer.from(out) : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.#tildeHeld && !this.#escaped ? Buffer.from([TILDE]) : undefined);
  }
}
