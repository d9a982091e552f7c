import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { startDaemon } from '../helpers/daemon.js';
import { generateEd25519 } from '../../src/ssh/generate-key.js';
import { collect, connectClient, exec } from '../helpers/ssh2-client.js';

function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function closed(socket: Socket): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now() - start)));
}

describe('daemon limits', () => {
  it('closes a connection that does not log in within -loginGraceTime', async () => {
    const daemon = await startDaemon({ args: ['-loginGraceTime', '1s'] });
    const socket = await openRaw(daemon.port);
    socket.on('data', () => {});
    const after = await closed(socket);
    assert.ok(after >= 800 && after < 5000, `closed after ${after} ms`);
    await daemon.waitForLog(/: c\d+: connection from 127\.0\.0\.1 port \d+ closed: no login within 1s/);
    await daemon.stop();
  });

  it('drops connections past -maxStartups while others wait to log in', async () => {
    const daemon = await startDaemon({ args: ['-maxStartups', '3'] });
    const sockets = await Promise.all(Array.from({ length: 3 }, () => openRaw(daemon.port)));
    const extra = await openRaw(daemon.port);
    await closed(extra);
    await daemon.waitForLog(/dropped: 3 connections not yet logged in/);
    for (const s of sockets) s.destroy();
    // Once they are gone, logins work again.
    await new Promise((r) => setTimeout(r, 200));
    const client = await connectClient(daemon);
    client.end();
    await daemon.stop();
  });

  it('closes the connection after -maxAuthTries failed keys', async () => {
    const daemon = await startDaemon({ args: ['-maxAuthTries', '3'] });
    const wrong = Array.from({ length: 6 }, () => generateEd25519().private);
    let offered = 0;
    const outcome = await new Promise<string>((resolve) => {
      const client = new ssh2.Client();
      client.on('ready', () => resolve('logged in'));
      client.on('error', (err) => resolve(err.message));
      client.on('close', () => resolve('closed'));
      client.connect({
        host: '127.0.0.1',
        port: daemon.port,
        username: 'guesser',
        authHandler: (_methods, _partial, next) => {
          const key = wrong[offered++];
          if (!key) return next(false as unknown as ssh2.AuthenticationType);
          next({ type: 'publickey', username: 'guesser', key });
        },
      });
    });
    assert.notEqual(outcome, 'logged in');
    assert.equal(offered, 3, 'the daemon must hang up after the third failure');
    await daemon.waitForLog(/closed: 3 failed login attempts/);
    await daemon.stop();
  });

  it('refuses sessions past -maxSessions on one connection', async () => {
    const daemon = await startDaemon({ args: ['-maxSessions', '2'] });
    const client = await connectClient(daemon);
    const first = await exec(client, 'sleep 5');
    const second = await exec(client, 'sleep 5');
    await assert.rejects(exec(client, 'true'));
    await daemon.waitForLog(/session refused: 2 sessions open/);
    first.signal('KILL');
    second.signal('KILL');
    await Promise.all([collect(first), collect(second)]);
    client.end();
    await daemon.stop();
  });

  it('refuses forwards past -maxForwards', async () => {
    const daemon = await startDaemon({ args: ['-maxForwards', '1'] });
    const client = await connectClient(daemon);
    const forward = (): Promise<Error | undefined> =>
      new Promise((resolve) => client.forwardIn('127.0.0.1', 0, (err) => resolve(err)));
    assert.equal(await forward(), undefined);
    assert.ok(await forward());
    client.end();
    await daemon.stop();
  });

  it('refuses a usage error in a limit flag, naming it', async () => {
    await assert.rejects(startDaemon({ args: ['-loginGraceTime', 'soon'] }), /-loginGraceTime.*"soon"/);
  });

  it('refuses env requests past the cap with a log line, and still runs the command', async () => {
    const daemon = await startDaemon();
    const client = await connectClient(daemon);
    const env: Record<string, string> = {};
    for (let i = 0; i < 1100; i++) env[`V${i}`] = String(i);
    const channel = await exec(client, 'echo ${V0}-${V1099:-absent}', { env });
    const result = await collect(channel);
    assert.equal(result.stdout, '0-absent\n');
    assert.equal(result.code, 0);
    await daemon.waitForLog(/env request refused: variable "V1024": more than 1024 variables \(any more in this session are logged with -d\)/);
    client.end();
    await daemon.stop();
    assert.equal(daemon.logs.filter((l) => l.includes('env request refused')).length, 1);
  });

  it('logs every refused env request with -d', async () => {
    const daemon = await startDaemon({ args: ['-d'] });
    const client = await connectClient(daemon);
    const env: Record<string, string> = {};
    for (let i = 0; i < 1030; i++) env[`V${i}`] = String(i);
    await collect(await exec(client, 'true', { env }));
    client.end();
    await daemon.stop();
    assert.equal(daemon.logs.filter((l) => l.includes('env request refused')).length, 6);
  });

});
