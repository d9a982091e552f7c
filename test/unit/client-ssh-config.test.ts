import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveTarget } from '../../src/client/client-target.js';
import { lookupSshConfig, type SshHostConfig } from '../../src/client/ssh-config.js';
import { parseCpuFlags } from '../../src/cli/cpu-flags.js';

const CONFIG = `
# cpu hosts
Host board
  HostName 10.0.0.7
  User glenda
  Port 17011
  IdentityFile ~/.ssh/board_key
  IdentityFile ~/.ssh/second_key

Host *.lab !secret.lab
  port 2222
  identityfile %d/keys/%r@%h

Host sshonly
  Port 22

HOST Upper
  HOSTNAME upper.example

Host board
  User ignored-later-value

Host *
  User everyone
`;

const OPTIONS = { home: '/home/me', localUser: 'me' };

const CASES: { host: string; want: SshHostConfig }[] = [
  {
    host: 'board',
    want: {
      hostName: '10.0.0.7',
      user: 'glenda',
      port: '17011',
      identityFile: '/home/me/.ssh/board_key',
    },
  },
  {
    host: 'pi.lab',
    want: {
      hostName: undefined,
      user: 'everyone',
      port: '2222',
      identityFile: '/home/me/keys/everyone@pi.lab',
    },
  },
  {
    host: 'secret.lab',
    want: { hostName: undefined, user: 'everyone', port: undefined, identityFile: undefined },
  },
  {
    host: 'sshonly',
    want: { hostName: undefined, user: 'everyone', port: '22', identityFile: undefined },
  },
  {
    host: 'Upper',
    want: { hostName: 'upper.example', user: 'everyone', port: undefined, identityFile: undefined },
  },
  {
    host: 'unknown',
    want: { hostName: undefined, user: 'everyone', port: undefined, identityFile: undefined },
  },
];

describe('~/.ssh/config lookup', () => {
  for (const { host, want } of CASES) {
    it(`finds HostName, User, Port and IdentityFile for "${host}"`, () => {
      assert.deepEqual(lookupSshConfig(CONFIG, host, OPTIONS), want);
    });
  }

  it('finds nothing in an empty file', () => {
    assert.deepEqual(lookupSshConfig('', 'board', OPTIONS), {
      hostName: undefined,
      user: undefined,
      port: undefined,
      identityFile: undefined,
    });
  });
});

describe('connection target: flags, then ~/.ssh/config, then defaults', () => {
  const home = mkdtempSync(join(tmpdir(), 'cpu-home-'));
  const sshConfigPath = join(home, 'config');
  writeFileSync(sshConfigPath, CONFIG);
  const context = { home, localUser: 'me', sshConfigPath };
  const target = (argv: string[]) => resolveTarget(parseCpuFlags(argv), context);

  it('takes address, port, user and key from the config', () => {
    assert.deepEqual(target(['board']), {
      host: 'board',
      address: '10.0.0.7',
      port: 17011,
      network: 'tcp',
      user: 'glenda',
      keyFile: `${home}/.ssh/board_key`,
    });
  });

  it('lets flags and user@ win over the config', () => {
    const got = target(['-p', '9', '-key', '~/k', 'bob@board']);
    assert.equal(got.port, 9);
    assert.equal(got.user, 'bob');
    assert.equal(got.keyFile, `${home}/k`);
    assert.equal(got.address, '10.0.0.7');
  });

  it('reads Port 22 as an sshd and uses 17010, as u-root does', () => {
    assert.equal(target(['sshonly']).port, 17010);
  });

  it('defaults to port 17010, ~/.ssh/cpu_rsa and the local user', () => {
    const got = resolveTarget(parseCpuFlags(['plain']), {
      home,
      localUser: 'me',
      sshConfigPath: join(home, 'none'),
    });
    assert.deepEqual(got, {
      host: 'plain',
      address: 'plain',
      port: 17010,
      network: 'tcp',
      user: 'me',
      keyFile: `${home}/.ssh/cpu_rsa`,
    });
    rmSync(home, { recursive: true, force: true });
  });
});
