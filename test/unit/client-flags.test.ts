import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuFlags, type CpuFlags } from '../../src/cli/cpu-flags.js';
import { HelpRequested } from '../../src/cli/parse-flags.js';
import { CpudError } from '../../src/errors.js';

const DEFAULTS: CpuFlags = {
  debug: false,
  dbg9p: false,
  keyFile: undefined,
  hostKeyFile: undefined,
  port: undefined,
  namespace: '/lib:/lib64:/usr:/bin:/etc:/home',
  ninep: true,
  root: '/',
  fstabFile: undefined,
  timeout9pMs: 5000,
  network: 'tcp',
  host: 'h',
  user: undefined,
  argv: [],
};

const CASES: { argv: string[]; want: Partial<CpuFlags> }[] = [
  { argv: ['h'], want: {} },
  { argv: ['h', 'ls', '-l', '--', '-d'], want: { argv: ['ls', '-l', '--', '-d'] } },
  { argv: ['-d', 'h', '-d'], want: { debug: true, argv: ['-d'] } },
  { argv: ['-9p=false', 'h'], want: { ninep: false } },
  { argv: ['--9p=0', 'h'], want: { ninep: false } },
  { argv: ['-9p', 'h'], want: { ninep: true } },
  { argv: ['-sp', '17011', 'h'], want: { port: '17011' } },
  { argv: ['-p=2', 'h'], want: { port: '2' } },
  { argv: ['--port', '3', 'h'], want: { port: '3' } },
  { argv: ['-key', '/k', '-hostkey', '/hk', 'h'], want: { keyFile: '/k', hostKeyFile: '/hk' } },
  { argv: ['-namespace', 'none', 'h'], want: { namespace: 'none' } },
  { argv: ['-namespace=/a=/b:/c', 'h'], want: { namespace: '/a=/b:/c' } },
  { argv: ['-root', '/srv', '-fstab', '/f', 'h'], want: { root: '/srv', fstabFile: '/f' } },
  { argv: ['-timeout9p', '250ms', 'h'], want: { timeout9pMs: 250 } },
  { argv: ['-net', 'tcp6', 'h'], want: { network: 'tcp6' } },
  { argv: ['-network=unix', '/run/cpud.sock'], want: { network: 'unix', host: '/run/cpud.sock' } },
  { argv: ['-dbg9p', 'glenda@h'], want: { dbg9p: true, user: 'glenda' } },
  { argv: ['a@b@h', 'x'], want: { user: 'a@b', argv: ['x'] } },
  { argv: ['[::1]'], want: { host: '::1' } },
];

const ERRORS: { argv: string[]; message: RegExp }[] = [
  { argv: [], message: /no host given/ },
  { argv: ['-d'], message: /no host given/ },
  { argv: ['-bogus', 'h'], message: /unknown flag "-bogus"/ },
  { argv: ['-p', 'x', 'h'], message: /flag "-p": "x" is not a port/ },
  { argv: ['-p', '70000', 'h'], message: /flag "-p"/ },
  { argv: ['-p'], message: /flag "-p" needs a value/ },
  { argv: ['-9p=maybe', 'h'], message: /flag "-9p": "maybe" is not a boolean/ },
  { argv: ['-timeout9p', 'soon', 'h'], message: /flag "-timeout9p"/ },
  { argv: ['-net', 'udp', 'h'], message: /flag "-net": "udp"/ },
  { argv: ['user@'], message: /names no host/ },
];

describe('cpu flags', () => {
  for (const { argv, want } of CASES) {
    it(`reads ${JSON.stringify(argv)}`, () => {
      assert.deepEqual(parseCpuFlags(argv), { ...DEFAULTS, ...want });
    });
  }

  for (const { argv, message } of ERRORS) {
    it(`refuses ${JSON.stringify(argv)} with a usage error`, () => {
      assert.throws(
        () => parseCpuFlags(argv),
        (err: unknown) =>
          err instanceof CpudError && err.code === 'CPUD_ERR_CFG_FLAG' && message.test(err.message),
      );
    });
  }

  it('answers -h with help that lists the Go spellings', () => {
    assert.throws(
      () => parseCpuFlags(['-h']),
      (err: unknown) =>
        err instanceof HelpRequested && /-namespace LIST/.test(err.text) && /-9p/.test(err.text),
    );
  });
});
