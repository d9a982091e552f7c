import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { collect, connectClient, exec } from '../helpers/ssh2-client.js';
import { spawnSsh } from '../helpers/ssh.js';
import { pidsMatching, waitUntil } from '../helpers/wait.js';

describe('sessions: signals, terminals, hang-up', () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startDaemon();
  });
  after(async () => {
    await daemon.stop();
  });

  it('reports exit-signal TERM when a TERM signal kills the command', async () => {
    const client = await connectClient(daemon);
    const channel = await exec(client, 'sleep 60');
    const outcome = collect(channel);
    await sleep(600);
    channel.signal('TERM');
    // On the wire the name is "TERM"; ssh2's client reports it as "SIGTERM".
    assert.equal((await outcome).signal, 'SIGTERM');
    client.end();
  });

  it('delivers INT to a command that traps it and lets it report its status', async () => {
    const client = await connectClient(daemon);
    const channel = await exec(client, `trap 'echo caught; exit 42' INT; echo ready; while :; do sleep 0.1; done`);
    const outcome = collect(channel);
    await new Promise<void>((resolve) => channel.once('data', () => resolve()));
    channel.signal('INT');
    const result = await outcome;
    assert.equal(result.code, 42);
    assert.match(result.stdout, /ready\ncaught\n/);
    client.end();
  });

  it('follows a window change in stty size', async () => {
    const client = await connectClient(daemon);
    const channel = await exec(client, 'read line; stty size', { pty: { rows: 24, cols: 80, term: 'xterm' } });
    const outcome = collect(channel);
    await sleep(800);
    channel.setWindow(40, 100, 0, 0);
    await sleep(200);
    channel.write('\n');
    const result = await outcome;
    assert.match(result.stdout, /40 100/);
    assert.equal(result.code, 0);
    client.end();
  });

  it('ignores signals and window changes before exec, and odd sizes', async () => {
    const client = await connectClient(daemon);
    const channel = await exec(client, 'stty size', { pty: { rows: 0, cols: 0, term: 'vt100' } });
    channel.setWindow(99999, 99999, 0, 0);
    const result = await collect(channel);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /24 80/);
    client.end();
  });

  it('kills the whole process group when the client vanishes', async () => {
    const marker = `${3000 + Math.floor(Math.random() * 999)}.25`;
    const ssh = spawnSsh(daemon, [`sleep ${marker} & sleep ${marker}; echo never`]);
    await waitUntil(() => pidsMatching(`sleep ${marker}`).length === 2, 'both sleeps to start');
    ssh.kill('SIGKILL');
    await waitUntil(() => pidsMatching(`sleep ${marker}`).length === 0, 'the sleeps to be killed', 8000);
  });
});
