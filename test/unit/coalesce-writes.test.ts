import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { coalesceWrites } from '../../src/ssh/coalesce-writes.js';

interface Pair {
  server: Server;
  client: Socket;
  peer: Socket;
  received: () => Buffer;
  close: () => Promise<void>;
}

async function loopbackPair(): Promise<Pair> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const accepted = once(server, 'connection');
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [peer] = (await accepted) as [Socket];
  const chunks: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    server,
    client,
    peer,
    received: () => Buffer.concat(chunks),
    close: async () => {
      client.destroy();
      peer.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

function packet(byte: number, size = 32 * 1024): Buffer {
  return Buffer.alloc(size, byte);
}

describe('coalesceWrites', () => {
  it('holds the packets written in one turn and hands them to one writev', async () => {
    const pair = await loopbackPair();
    try {
      coalesceWrites(pair.client);
      const writev = pair.client._writev?.bind(pair.client);
      const batches: number[] = [];
      pair.client._writev = (chunks, cb) => {
        batches.push(chunks.length);
        writev?.(chunks, cb);
      };

      pair.client.write(packet(1));
      pair.client.write(packet(2));
      pair.client.write(packet(3));
      // Nothing has reached the kernel yet: a plain socket would have sent
      // the first packet inside write().
      assert.equal(pair.client.writableLength, 3 * 32 * 1024);
      assert.equal(pair.client.writableCorked, 1);

      await nextTurn();
      assert.equal(pair.client.writableCorked, 0);
      assert.deepEqual(batches, [3]);
    } finally {
      await pair.close();
    }
  });

  it('delivers every turn in order, and what end() flushes', async () => {
    const pair = await loopbackPair();
    try {
      coalesceWrites(pair.client);
      const expected: Buffer[] = [];
      for (let turn = 0; turn < 4; turn++) {
        for (let i = 0; i < 3; i++) {
          const chunk = packet(turn * 3 + i, 1000 + i);
          expected.push(chunk);
          pair.client.write(chunk);
        }
        await nextTurn();
      }
      const last = packet(99, 10);
      expected.push(last);
      pair.client.write(last);
      pair.client.end();
      await once(pair.peer, 'end');
      assert.deepEqual(pair.received(), Buffer.concat(expected));
    } finally {
      await pair.close();
    }
  });
});
