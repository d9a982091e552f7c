import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, parseStartups, shouldDropStartup } from '../../src/ssh/limits.js';
import { EnvRequests } from '../../src/session/env-requests.js';

describe('MaxStartups random early drop', () => {
  const startups = { start: 10, rate: 30, full: 100 };
  const cases: Array<[number, number, boolean]> = [
    [0, 0, false],
    [9, 0, false],
    [10, 0.29, true],
    [10, 0.31, false],
    [55, 0.64, true],
    [55, 0.66, false],
    [100, 0.99, true],
    [500, 0.99, true],
  ];
  for (const [n, random, drop] of cases) {
    it(`${drop ? 'drops' : 'keeps'} a connection with ${n} pending at random ${random}`, () => {
      assert.equal(shouldDropStartup(n, startups, random), drop);
    });
  }

  it('parses start:rate:full and a single number', () => {
    assert.deepEqual(parseStartups('10:30:100'), startups);
    assert.deepEqual(parseStartups('5'), { start: 5, rate: 100, full: 5 });
    for (const bad of ['', 'x', '10:30', '10:130:100', '10:30:5', '0:30:100']) {
      assert.equal(parseStartups(bad), undefined, bad);
    }
  });
});

describe('env requests', () => {
  it('takes variables within the limits', () => {
    const env = new EnvRequests(DEFAULT_LIMITS);
    assert.equal(env.add('A', '1'), undefined);
    assert.equal(env.get('A'), '1');
  });

  it('refuses past the count, naming the limit', () => {
    const env = new EnvRequests({ ...DEFAULT_LIMITS, maxEnvCount: 2 });
    env.add('A', '1');
    env.add('B', '1');
    assert.match(env.add('C', '1') ?? '', /variable "C": more than 2 variables/);
    assert.equal(env.add('A', '2'), undefined, 'replacing one is fine');
  });

  it('refuses one variable over Linux\'s 128 KiB, but takes a large CPU_FSTAB', () => {
    const env = new EnvRequests(DEFAULT_LIMITS);
    assert.match(env.add('BIG', 'x'.repeat(128 * 1024)) ?? '', /"BIG": 131076 bytes, the limit is 131071/);
    assert.equal(env.add('CPU_FSTAB', 'y'.repeat(300 * 1024)), undefined);
  });

  it('refuses bad names and NUL bytes, never echoing the value', () => {
    const env = new EnvRequests(DEFAULT_LIMITS);
    assert.match(env.add('A=B', 'v') ?? '', /bad name/);
    const refusal = env.add('K', 'secret\0value') ?? '';
    assert.match(refusal, /NUL/);
    assert.doesNotMatch(refusal, /secret/);
  });

  it('caps the total weight of a session\'s variables', () => {
    const env = new EnvRequests({ ...DEFAULT_LIMITS, maxEnvTotalBytes: 100 });
    assert.equal(env.add('A', 'x'.repeat(60)), undefined);
    assert.match(env.add('B', 'x'.repeat(60)) ?? '', /would pass 100 bytes/);
  });
});
