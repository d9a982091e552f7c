import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { spawnSsh } from '../helpers/ssh.js';
import { connectClient } from '../helpers/ssh2-client.js';

function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, port: (server.address() as { port: number }).port });
  }));
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let got = '';
    socket.setEncoding('utf8').on('data', (d: string) => (got += d));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) => probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  }));
}

describe('forwarding', () => {
  let daemon: TestDaemon;
  let echo: { server: Server; port: number };
  before(async () => {
    daemon = await startDaemon();
    echo = await echoServer();
  });
  after(async () => {
    echo.server.close();
    await daemon.stop();
  });

  it('serves ssh -R 0:... on a loopback port the daemon picks', async () => {
    const ssh = spawnSsh(daemon, [], ['-N', '-o', 'LogLevel=INFO', '-o', 'ExitOnForwardFailure=yes', '-R', `0:127.0.0.1:${echo.port}`]);
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      ssh.stderr!.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        const m = /Allocated port (\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
      ssh.on('exit', () => reject(new Error(`ssh exited: ${text}`)));
    });
    assert.equal(await roundTrip(port, 'through -R'), 'through -R');
    ssh.kill();
  });

  it('serves ssh -L to a loopback destination', async () => {
    const local = await freePort();
    const ssh = spawnSsh(daemon, [], ['-N', '-o', 'ExitOnForwardFailure=yes', '-L', `${local}:127.0.0.1:${echo.port}`]);
    let answer = '';
    for (let i = 0; i < 50 && answer === ''; i++) {
      answer = await roundTrip(local, 'through -L').catch(() => '');
      if (!answer) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(answer, 'through -L');
    ssh.kill();
  });

  it('refuses to bind a forward on a non-loopback address', async () => {
    const client = await connectClient(daemon);
    const err = await new Promise<Error | undefined>((resolve) => client.forwardIn('0.0.0.0', 0, (e) => resolve(e)));
    assert.ok(err, 'forwardIn on 0.0.0.0 must fail');
    await daemon.waitForLog(/tcpip-forward refused for "0\.0\.0\.0:0"/);
    client.end();
  });

  it('closes the listener when the connection that asked for it ends', async () => {
    const client = await connectClient(daemon);
    const port = await new Promise<number>((resolve, reject) =>
      client.forwardIn('127.0.0.1', 0, (e, p) => (e ? reject(e) : resolve(p))),
    );
    client.end();
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(roundTrip(port, 'x'), /ECONNREFUSED/);
  });
});
