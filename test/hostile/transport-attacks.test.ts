/**
 * Attacks on the SSH transport, with raw sockets: what arrives before or
 * instead of a proper key exchange. Each costs the attacker's connection
 * only; the daemon keeps serving and gives back every descriptor.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import { openArena, type Arena } from '../helpers/hostile-arena.js';
import { describeHoldings } from '../helpers/hostile-probe.js';
import { CLIENT_VERSION, firstData, kexinitPayload, openRaw, sshPacket, untilClosed } from '../helpers/hostile-raw.js';

const GRACE_MS = 2000;
// The daemon must close each hostile connection by the grace time, plus slack for a busy CI.
const CLOSED_WITHIN_MS = GRACE_MS + 4000;

async function sendAndExpectClose(arena: Arena, bytes: Buffer[], pauseMs = 0): Promise<void> {
  const socket = await openRaw(arena.daemon.port);
  const outcome = untilClosed(socket, CLOSED_WITHIN_MS);
  for (const b of bytes) {
    if (socket.destroyed) break;
    socket.write(b);
    if (pauseMs) await sleep(pauseMs);
  }
  const { closed } = await outcome;
  socket.destroy();
  assert.ok(closed, 'the daemon kept a hostile connection open past the login grace time');
}

describe('transport attacks', () => {
  let arena: Arena;
  before(async () => {
    arena = await openArena({ args: ['-loginGraceTime', `${GRACE_MS / 1000}s`] });
  });
  after(async () => {
    const { baseline, after: end, runs } = await arena.finish();
    console.log(`transport attacks: ${runs} well-behaved sessions`);
    console.log(`  baseline ${describeHoldings(baseline)}\n  after    ${describeHoldings(end)}`);
  });

  it('closes a connection that sends garbage after its version line', { timeout: 60_000 }, async () => {
    await sendAndExpectClose(arena, [Buffer.from(CLIENT_VERSION), randomBytes(64 * 1024)]);
    await arena.assertServing();
  });

  it('closes a connection that sends garbage instead of a version line', { timeout: 60_000 }, async () => {
    await sendAndExpectClose(arena, [randomBytes(300 * 1024)]);
    const lines = Buffer.from('not ssh\r\n'.repeat(5000));
    await sendAndExpectClose(arena, [lines]);
    await arena.assertServing();
  });

  it('closes connections whose packets are truncated, then stall or half-close', { timeout: 60_000 }, async () => {
    const kexinit = sshPacket(kexinitPayload());
    const cut = kexinit.subarray(0, kexinit.length >> 1);
    await sendAndExpectClose(arena, [Buffer.from(CLIENT_VERSION), cut]);
    const socket = await openRaw(arena.daemon.port);
    const outcome = untilClosed(socket, CLOSED_WITHIN_MS);
    socket.end(Buffer.concat([Buffer.from(CLIENT_VERSION), cut]));
    assert.ok((await outcome).closed);
    await sendAndExpectClose(arena, [Buffer.from(CLIENT_VERSION), kexinit.subarray(0, 3)]);
    await arena.assertServing();
  });

  it('closes connections that announce oversized or impossible packets', { timeout: 60_000 }, async () => {
    for (const length of [0x7fffffff, 0xffffffff, 35_001, 1_000_000, 0, 1, 5]) {
      const head = Buffer.alloc(6);
      head.writeUInt32BE(length, 0);
      head[4] = 4;
      head[5] = 20;
      await sendAndExpectClose(arena, [Buffer.from(CLIENT_VERSION), head, randomBytes(40_000)]);
    }
    // A padding length longer than the packet itself.
    const bad = sshPacket(kexinitPayload());
    bad[4] = 255;
    await sendAndExpectClose(arena, [Buffer.from(CLIENT_VERSION), bad]);
    await arena.assertServing();
  });

  it('survives clients killed in the middle of the key exchange', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 20; i++) {
      const socket = await openRaw(arena.daemon.port);
      socket.write(CLIENT_VERSION);
      socket.write(sshPacket(kexinitPayload()));
      await firstData(socket);
      // SSH_MSG_KEX_ECDH_INIT with a client key of the right size, then gone.
      const q = randomBytes(32);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(32, 0);
      if (i % 2 === 0) socket.write(sshPacket(Buffer.concat([Buffer.from([30]), len, q])));
      await sleep(i % 4 === 0 ? 0 : 20);
      socket.destroy();
    }
    for (let i = 0; i < 10; i++) await killDuringHandshake(arena.daemon.port, i * 5);
    await arena.assertServing();
  });

  it('closes connections that never log in, within -loginGraceTime', { timeout: 60_000 }, async () => {
    const sockets = await Promise.all(Array.from({ length: 60 }, () => openRaw(arena.daemon.port)));
    const started = Date.now();
    const outcomes = await Promise.all(sockets.map((s) => untilClosed(s, CLOSED_WITHIN_MS)));
    const open = outcomes.filter((o) => !o.closed).length;
    for (const s of sockets) s.destroy();
    assert.equal(open, 0, `${open} silent connections outlived the grace time`);
    assert.ok(Date.now() - started < CLOSED_WITHIN_MS);
    await arena.assertServing();
  });

  it('keeps serving through 300 connections opened within one second', { timeout: 60_000 }, async () => {
    const opened = await Promise.allSettled(
      Array.from({ length: 300 }, async (_, i) => {
        await sleep((i * 1000) / 300);
        const socket = await openRaw(arena.daemon.port);
        socket.write(CLIENT_VERSION);
        if (i % 3 === 0) socket.write(sshPacket(kexinitPayload()));
        return socket;
      }),
    );
    const sockets = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    assert.ok(sockets.length > 0);
    await arena.assertServing();
    const outcomes = await Promise.all(sockets.map((s) => untilClosed(s, CLOSED_WITHIN_MS)));
    for (const s of sockets) s.destroy();
    assert.equal(outcomes.filter((o) => !o.closed).length, 0, 'flood connections outlived the grace time');
    await arena.assertServing();
  });

  it('closes connections that offer only keys it does not know', { timeout: 60_000 }, async () => {
    const tries = Array.from({ length: 10 }, () => loginWith(arena.daemon.port, arena.daemon.keys.strangerKey));
    for (const outcome of await Promise.all(tries)) assert.notEqual(outcome, 'ready');
    await arena.assertServing();
  });
});

/** An ssh2 client whose socket is destroyed `afterMs` after the daemon first speaks. */
async function killDuringHandshake(port: number, afterMs: number): Promise<void> {
  const socket = await openRaw(port);
  const client = new ssh2.Client();
  client.on('error', () => {});
  socket.once('data', () => setTimeout(() => socket.destroy(), afterMs));
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.connect({ sock: socket, username: 'x', password: 'x' });
  await closed;
}

function loginWith(port: number, keyFile: string): Promise<string> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    client.on('ready', () => {
      client.end();
      resolve('ready');
    });
    client.on('error', (err) => resolve(err.message));
    client.on('close', () => resolve('closed'));
    client.connect({ host: '127.0.0.1', port, username: 'guesser', privateKey: readFileSync(keyFile) });
  });
}
