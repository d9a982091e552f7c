import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { EscapeFilter } from '../../src/client/escape-filter.js';
import { exitStatusOf } from '../../src/client/exit-status.js';
import { makeNonce, nonceMatches, readNonce } from '../../src/client/nonce.js';

async function filter(chunks: string[]): Promise<{ out: string; escaped: boolean }> {
  let escaped = false;
  const f = new EscapeFilter(() => (escaped = true));
  const parts: Buffer[] = [];
  f.on('data', (b: Buffer) => parts.push(b));
  for (const c of chunks) f.write(c);
  f.end();
  await new Promise((resolve) => f.on('end', resolve));
  return { out: Buffer.concat(parts).toString(), escaped };
}

const ESCAPES: { input: string[]; out: string; escaped: boolean }[] = [
  { input: ['ls\r'], out: 'ls\r', escaped: false },
  { input: ['~.'], out: '', escaped: true },
  { input: ['echo\r~.more'], out: 'echo\r', escaped: true },
  { input: ['a\n', '~', '.'], out: 'a\n', escaped: true },
  { input: ['a~.'], out: 'a~.', escaped: false },
  { input: ['\r~~.'], out: '\r~.', escaped: false },
  { input: ['\r~x'], out: '\r~x', escaped: false },
  { input: ['\r~'], out: '\r~', escaped: false },
  { input: ['x\r~', '\r~.'], out: 'x\r~\r', escaped: true },
];

describe('the ~. escape', () => {
  for (const { input, out, escaped } of ESCAPES) {
    const what = escaped ? 'ends the session' : 'passes bytes';
    it(`${what} for ${JSON.stringify(input)}`, async () => {
      assert.deepEqual(await filter(input), { out, escaped });
    });
  }
});

describe('exit status like a shell', () => {
  const CASES: [number | null, string | undefined, number][] = [
    [0, undefined, 0],
    [7, undefined, 7],
    [256 + 3, undefined, 3],
    [null, 'SIGTERM', 143],
    [null, 'INT', 130],
    [null, 'KILL', 137],
    [null, 'NOSUCH', 255],
    [null, undefined, 255],
  ];
  for (const [code, signal, want] of CASES) {
    it(`gives ${want} for code ${code} signal ${signal}`, () =>
      assert.equal(exitStatusOf(code, signal), want));
  }
});

describe('the 9P nonce', () => {
  it('is 32 lower-case hex characters, new each time', () => {
    const a = makeNonce();
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.notEqual(a, makeNonce());
  });

  it('matches only the exact bytes', () => {
    const n = makeNonce();
    assert.equal(nonceMatches(n, Buffer.from(n)), true);
    assert.equal(nonceMatches(n, Buffer.from(n.toUpperCase().replace(/[0-9]/g, 'A'))), false);
    assert.equal(nonceMatches(n, Buffer.from(n.slice(1))), false);
  });

  it('reads exactly 32 bytes and leaves the rest for 9P, across chunks', async () => {
    const stream = new PassThrough();
    const pending = readNonce(stream, 1000);
    stream.write('0123456789abcdef');
    stream.write('0123456789abcdefTAIL');
    assert.equal((await pending)?.toString(), '0123456789abcdef0123456789abcdef');
    assert.equal(stream.read()?.toString(), 'TAIL');
  });

  it('gives nothing for a short stream or after the timeout', async () => {
    const short = new PassThrough();
    const pending = readNonce(short, 1000);
    short.end('abc');
    assert.equal(await pending, undefined);
    const silent = new PassThrough();
    assert.equal(await readNonce(silent, 50), undefined);
  });
});
