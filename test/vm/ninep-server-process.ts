/**
 * Runs serveNinep on 127.0.0.1 as an unprivileged user, for the workout's
 * "EACCES from the server" check: a root-owned 0600 file is one that this
 * server cannot open, whatever the guest user is.
 * Usage: node ninep-server-process.js <root> <uid>   (prints "PORT <n>")
 */
import { createServer } from 'node:net';
import { loadServeNinep } from './ninep-servers.js';

const [root, uid] = process.argv.slice(2);
const serveNinep = await loadServeNinep();
const server = createServer((socket) => {
  socket.on('error', () => {});
  serveNinep(socket, { root });
});
server.listen(0, '127.0.0.1', () => {
  // Drop after binding; group first, since setuid gives up the right to setgid.
  if (!process.setgroups || !process.setgid || !process.setuid) throw new Error('needs POSIX uids');
  process.setgroups([]);
  process.setgid(Number(uid));
  process.setuid(Number(uid));
  process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
