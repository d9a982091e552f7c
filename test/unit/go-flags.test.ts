import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpudFlags } from '../../src/cli/cpud-flags.js';
import { CpudError } from '../../src/errors.js';

describe('cpud flags', () => {
  const same: string[][] = [
    ['-p', '2000'],
    ['-p=2000'],
    ['--p', '2000'],
    ['--p=2000'],
    ['-sp', '2000'],
  ];
  for (const argv of same) {
    it(`reads the port from ${argv.join(' ')}`, () => {
      assert.equal(parseCpudFlags(argv).port, '2000');
    });
  }

  it('takes the Go daemon aliases', () => {
    const flags = parseCpudFlags(['-hk', '/h', '-pk', '/k', '-net', 'tcp6']);
    assert.equal(flags.hostKey, '/h');
    assert.equal(flags.keyFile, '/k');
    assert.equal(flags.network, 'tcp6');
  });

  it('reads booleans as Go does', () => {
    assert.equal(parseCpudFlags(['-d']).debug, true);
    assert.equal(parseCpudFlags(['-d=true']).debug, true);
    assert.equal(parseCpudFlags(['-d=false']).debug, false);
    assert.equal(parseCpudFlags([]).debug, false);
  });

  it('has the defaults of PROTOCOL.md', () => {
    const flags = parseCpudFlags([]);
    assert.equal(flags.port, '17010');
    assert.equal(flags.network, 'tcp');
  });

  const bad: Array<[string[], RegExp]> = [
    [['-bogus'], /unknown flag "-bogus"/],
    [['-p'], /flag "-p" needs a value/],
    [['-p', 'x'], /"x" is not a port/],
    [['-p', '70000'], /not a port/],
    [['-network', 'udp'], /"udp" is not one of/],
    [['-d=maybe'], /not a boolean/],
    [['stray'], /unexpected argument "stray" \(cpud takes flags only\)/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(' ')} naming the flag`, () => {
      assert.throws(
        () => parseCpudFlags(argv),
        (err: unknown) => err instanceof CpudError && err.code === 'CPUD_ERR_CFG_FLAG' && message.test(err.message),
      );
    });
  }
});
