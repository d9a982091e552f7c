/**
 * Fuzzing the 9P decoder through its public entry points: any bytes a peer
 * sends decode, or fail with DecodeError, and cutting a stream into frames
 * never throws. (src/ninep is another engineer's; this only calls it.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, DecodeError } from '../../src/ninep/codec.js';
import { FrameReader } from '../../src/ninep/frame-reader.js';
import { FUZZ_TIME_MS, readCorpus } from '../helpers/hostile-corpus.js';

function decodesOrRefuses(frame: Buffer): void {
  try {
    decodeMessage(frame);
  } catch (err) {
    assert.ok(err instanceof DecodeError, `threw ${String(err)} for ${frame.toString('hex')}`);
  }
}

const corpus = readCorpus('ninep');
const flipped = fc
  .tuple(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }))
  .map(([seed, flips]) => {
    const frame = Buffer.from(seed);
    for (const [at, value] of flips) if (frame.length > 0) frame[at % frame.length] = value;
    return frame;
  });
// Frames whose size field is right, so decoding goes past the header.
const sized = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 })).map(([type, body]) => {
  const frame = Buffer.alloc(7 + body.length);
  frame.writeUInt32LE(frame.length, 0);
  frame[4] = type;
  Buffer.from(body).copy(frame, 5);
  return frame;
});
const anyFrame = fc.oneof(fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)), flipped, sized);

describe('9P decoder fuzzing', () => {
  it('decodes the seed corpus or refuses it with DecodeError', () => {
    for (const frame of corpus) decodesOrRefuses(frame);
  });

  it('throws nothing but DecodeError for any frame', () => {
    fc.assert(fc.property(anyFrame, decodesOrRefuses), {
      numRuns: 1_000_000,
      interruptAfterTimeLimit: FUZZ_TIME_MS,
    });
  });

  it('cuts any byte stream into frames without throwing', () => {
    const stream = fc.array(anyFrame, { maxLength: 10 });
    fc.assert(
      fc.property(stream, fc.array(fc.nat({ max: 64 }), { maxLength: 20 }), (frames, cuts) => {
        const bytes = Buffer.concat(frames);
        const reader = new FrameReader(8192, {
          frame: (frame) => decodesOrRefuses(frame),
          oversize: () => {},
          broken: () => {},
        });
        let at = 0;
        for (const cut of cuts) {
          reader.push(bytes.subarray(at, at + cut));
          at += cut;
        }
        reader.push(bytes.subarray(at));
      }),
      { numRuns: 1_000_000, interruptAfterTimeLimit: FUZZ_TIME_MS },
    );
  });
});
