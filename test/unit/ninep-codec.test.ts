import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { decodeMessage, DecodeError, encodeMessage } from '../../src/ninep/codec.js';
import { MessageType } from '../../src/ninep/constants.js';
import { MESSAGE_NAMES, SCHEMAS } from '../../src/ninep/messages.js';
import type { Kind, Message } from '../../src/ninep/messages.js';

const SAMPLE: Record<Kind, unknown> = {
  u8: 0xab,
  u16: 0xbeef,
  u32: 0xdeadbeef,
  u64: 0x0123456789abcdefn,
  str: 'héllo',
  qid: { type: 0x80, version: 7, path: 0xfedcba9876543210n },
  strs: ['usr', 'bin', ''],
  qids: [{ type: 0, version: 1, path: 2n }, { type: 2, version: 3, path: 4n }],
  data: Buffer.from('some bytes\0\xff'),
};

/** A message of every type with a distinct sample value in every field. */
function sampleOf(type: (typeof MESSAGE_NAMES)[number]): Message {
  const msg: Record<string, unknown> = { type, tag: 0x1234 };
  for (const [field, kind] of SCHEMAS[type]) msg[field] = SAMPLE[kind];
  return msg as Message;
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Frames written by hand from the 9P2000.L layouts (diod protocol.md and
// the kernel's format strings), so the table itself is checked too.
const WIRE: { name: string; msg: Message; bytes: Buffer }[] = [
  {
    name: 'Tversion msize=8192 "9P2000.L"',
    msg: { type: 'Tversion', tag: 0xffff, msize: 8192, version: '9P2000.L' },
    bytes: hex('15000000 64 ffff 00200000 0800 3950323030302e4c'),
  },
  {
    name: 'Twalk fid=1 newfid=2 [a,bc]',
    msg: { type: 'Twalk', tag: 3, fid: 1, newfid: 2, wnames: ['a', 'bc'] },
    bytes: hex('18000000 6e 0300 01000000 02000000 0200 0100 61 0200 6263'),
  },
  {
    name: 'Rlerror ENOENT',
    msg: { type: 'Rlerror', tag: 9, ecode: 2 },
    bytes: hex('0b000000 07 0900 02000000'),
  },
  {
    name: 'Tgetattr fid=5 mask=BASIC',
    msg: { type: 'Tgetattr', tag: 1, fid: 5, request_mask: 0x7ffn },
    bytes: hex('13000000 18 0100 05000000 ff07000000000000'),
  },
  {
    name: 'Rread "hi"',
    msg: { type: 'Rread', tag: 2, data: Buffer.from('hi') },
    bytes: hex('0d000000 75 0200 02000000 6869'),
  },
  {
    name: 'Rattach qid dir',
    msg: { type: 'Rattach', tag: 1, qid: { type: 0x80, version: 0, path: 42n } },
    bytes: hex('14000000 69 0100 80 00000000 2a00000000000000'),
  },
  {
    name: 'Tunlinkat AT_REMOVEDIR',
    msg: { type: 'Tunlinkat', tag: 4, dirfd: 1, name: 'd', flags: 0x200 },
    bytes: hex('12000000 4c 0400 01000000 0100 64 00020000'),
  },
];

describe('9P codec', () => {
  for (const type of MESSAGE_NAMES) {
    test(`${type} survives encode then decode with every field intact`, () => {
      const msg = sampleOf(type);
      const frame = encodeMessage(msg);
      assert.equal(frame.readUInt32LE(0), frame.length);
      assert.equal(frame[4], MessageType[type]);
      assert.deepEqual(decodeMessage(frame), msg);
    });
  }

  for (const { name, msg, bytes } of WIRE) {
    test(`${name} has the spec's wire layout`, () => {
      assert.deepEqual(encodeMessage(msg), bytes);
      assert.deepEqual(decodeMessage(bytes), msg);
    });
  }

  test('every 9P2000.L message the kernel sends has a layout', () => {
    const kernelSends = ['Tversion', 'Tattach', 'Twalk', 'Tgetattr', 'Tsetattr', 'Tlopen',
      'Tlcreate', 'Tread', 'Twrite', 'Treaddir', 'Tclunk', 'Tremove', 'Tunlinkat', 'Tmkdir',
      'Trenameat', 'Trename', 'Treadlink', 'Tsymlink', 'Tlink', 'Tmknod', 'Tstatfs', 'Tfsync',
      'Tlock', 'Tgetlock', 'Txattrwalk', 'Txattrcreate', 'Tflush', 'Tauth'];
    for (const t of kernelSends) {
      assert.ok(MESSAGE_NAMES.includes(t as never), t);
      assert.ok(MESSAGE_NAMES.includes(`R${t.slice(1)}` as never), `R${t.slice(1)}`);
    }
  });
});

describe('9P decoder on malformed frames', () => {
  const good = encodeMessage({ type: 'Twalk', tag: 7, fid: 1, newfid: 2, wnames: ['abc'] });
  const cases: { name: string; frame: Buffer; tag: number | undefined; unknownType?: boolean }[] = [
    { name: 'shorter than a header', frame: good.subarray(0, 5), tag: undefined },
    { name: 'truncated inside a string', frame: withSize(good.subarray(0, good.length - 1)), tag: 7 },
    { name: 'string length past the end', frame: patch(good, 17, [0xff, 0x00]), tag: 7 },
    { name: 'size field larger than the frame', frame: patch(good, 0, [0xff]), tag: 7 },
    { name: 'extra bytes after the fields', frame: withSize(Buffer.concat([good, hex('00')])), tag: 7 },
    { name: 'unknown type 200', frame: patch(good, 4, [200]), tag: 7, unknownType: true },
    { name: '9P2000 Tstat (not in .L)', frame: patch(good, 4, [124]), tag: 7, unknownType: true },
  ];
  for (const c of cases) {
    test(`rejects a frame ${c.name} with a DecodeError carrying the tag`, () => {
      assert.throws(() => decodeMessage(c.frame), (err: unknown) => {
        assert.ok(err instanceof DecodeError);
        assert.equal(err.tag, c.tag);
        assert.equal(err.unknownType, c.unknownType ?? false);
        return true;
      });
    });
  }
});

function withSize(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy.writeUInt32LE(copy.length, 0);
  return copy;
}

function patch(frame: Buffer, at: number, bytes: number[]): Buffer {
  const copy = Buffer.from(frame);
  bytes.forEach((b, i) => (copy[at + i] = b));
  return copy;
}
