/**
 * serveNinep in a process of its own for the throughput bench, so that it
 * runs apart from the harness (as diod does) and can run under
 * `node --cpu-prof`. Usage: node ninep-server-process.js <root> <port>
 * SIGTERM exits normally, which is when --cpu-prof writes its profile.
 */
import { createServer, type Socket } from 'node:net';

import { serveNinep } from '../src/ninep/serve.js';

const [root, port] = process.argv.slice(2);
if (!root || !port) {
  process.stderr.write('usage: ninep-server-process.js <root> <port>\n');
  process.exit(2);
}
const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => sockets.delete(socket));
  serveNinep(socket, { root });
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.destroy();
  server.close(() => process.exit(0));
});
