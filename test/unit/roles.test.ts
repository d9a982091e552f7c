import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from '../../src/cli/go-duration.js';
import { chooseRole, type Role, type RoleInputs } from '../../src/roles/choose-role.js';
import { takeListenFds } from '../../src/roles/socket-activation.js';

describe('role choice (design notes)', () => {
  const cases: Array<[string, RoleInputs, Role]> = [
    ['PID 1 is init', { pid: 1, env: {} }, 'init'],
    ['PID 1 stays init even with CPUD_SESSION', { pid: 1, env: { CPUD_SESSION: '1' } }, 'init'],
    ['CPUD_SESSION means one connection', { pid: 42, env: { CPUD_SESSION: '1' } }, 'session'],
    ['an empty CPUD_SESSION is unset', { pid: 42, env: { CPUD_SESSION: '' } }, 'daemon'],
    ['otherwise the daemon', { pid: 42, env: {} }, 'daemon'],
    ['-init forces init when not PID 1', { pid: 42, env: {}, initFlag: true }, 'init'],
  ];
  for (const [name, inputs, role] of cases) {
    it(name, () => assert.equal(chooseRole(inputs), role));
  }
});

describe('Go durations', () => {
  const cases: Array<[string, number | undefined]> = [
    ['0', 0],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['10', undefined],
    ['', undefined],
    ['5 s', undefined],
    ['s', undefined],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${JSON.stringify(text)} as ${ms}`, () => assert.equal(parseGoDuration(text), ms));
  }
});

describe('LISTEN_FDS hand-over (sd_listen_fds)', () => {
  it('takes the fds meant for this pid, with their names, and clears the variables', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_FDS: '2', LISTEN_PID: '77', LISTEN_FDNAMES: 'cpud.socket' };
    assert.deepEqual(takeListenFds(env, 77), { fds: [3, 4], names: ['cpud.socket', 'unknown'] });
    assert.deepEqual(env, {});
  });

  it('leaves fds meant for another pid, and still clears the variables', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '78' };
    assert.equal(takeListenFds(env, 77), undefined);
    assert.deepEqual(env, {});
  });

  for (const count of ['0', '-1', 'x', '']) {
    it(`ignores LISTEN_FDS=${JSON.stringify(count)}`, () => {
      assert.equal(takeListenFds({ LISTEN_FDS: count, LISTEN_PID: '5' }, 5), undefined);
    });
  }
});
