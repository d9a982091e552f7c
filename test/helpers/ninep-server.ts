/**
 * A 9P server on a loopback TCP socket pair, with a test client connected
 * to it: real sockets, real files.
 */
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';

import { serveNinep } from '../../src/ninep/serve.js';
import type { NinepConnection, ServeOptions } from '../../src/ninep/serve.js';
import { NinepClient } from './ninep-client.js';

export interface NinepPair {
  client: NinepClient;
  server: NinepConnection;
  socket: Socket;
  close(): Promise<void>;
}

export async function ninepPair(options: ServeOptions): Promise<NinepPair> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const [serverSide] = await accepted;
  listener.close();
  serverSide.setNoDelay(true);
  const server = serveNinep(serverSide, options);
  const client = new NinepClient(socket);

  return {
    client,
    server,
    socket,
    async close() {
      client.close();
      server.close();
      await server.closed;
    },
  };
}
