/**
 * 9P servers on 127.0.0.1 for the guest to mount through slirp: ours
 * (src/ninep/serve.ts) and Debian's diod, which proves the harness on its
 * own. Each can run as root or as uid 65534, the latter so that a file the
 * server itself cannot open gives EACCES to a guest that is root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { freePort } from './vm.js';
import { REPO } from './paths.js';
import { NOBODY } from './workout-tree.js';

export interface NinepServer {
  port: number;
  /** What the client must send as aname, if the server needs one. */
  aname?: string;
  /** Server log lines (diod's stderr, our trace). */
  log: string[];
  stop(): Promise<void>;
}

export type ServeNinep = (
  stream: Duplex,
  options: { root: string; trace?: (line: string) => void },
) => { closed: Promise<void>; close(): void };

/** Loads serveNinep at run time, so this file compiles before the server exists. */
export async function loadServeNinep(): Promise<ServeNinep> {
  const url = new URL('../../src/ninep/serve.js', import.meta.url);
  let mod: { serveNinep?: unknown };
  try {
    mod = (await import(url.href)) as { serveNinep?: unknown };
  } catch (err) {
    throw new Error(`cannot load the 9P server ${url.pathname}: ${(err as Error).message}`);
  }
  if (typeof mod.serveNinep !== 'function') throw new Error(`${url.pathname} exports no serveNinep`);
  return mod.serveNinep as ServeNinep;
}

/** serveNinep in this process (as root), one session per connection. */
export async function startOurs(root: string, trace = false): Promise<NinepServer> {
  const serveNinep = await loadServeNinep();
  const log: string[] = [];
  const sessions = new Set<{ close(): void }>();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (err) => log.push(`socket error: ${err.message}`));
    const session = serveNinep(socket, { root, trace: trace ? (line) => log.push(line) : undefined });
    sessions.add(session);
    session.closed.then(() => sessions.delete(session), (err: Error) => log.push(`closed: ${err.message}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    log,
    stop: async () => {
      for (const session of sessions) session.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** serveNinep in a child process that drops to uid and gid 65534. */
export async function startOursAsNobody(root: string): Promise<NinepServer> {
  const script = join(REPO, 'dist', 'test', 'vm', 'ninep-server-process.js');
  const child = spawn(process.execPath, [script, root, String(NOBODY)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (text: string) => log.push(text));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const match = /^PORT (\d+)$/m.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`9P server process exited (${code}): ${log.join('')}`)));
  });
  return { port, log, stop: () => stopChild(child) };
}

/** Debian's diod (package diod), optionally as uid 65534 through setpriv. */
export async function startDiod(root: string, asNobody = false): Promise<NinepServer> {
  const port = await freePort();
  const diod = ['diod', '-f', '-n', '-c', '/dev/null', '-e', root, '-l', `127.0.0.1:${port}`, '-L', 'stderr'];
  const drop = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  const argv = asNobody ? [...drop, ...diod] : diod;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (text: string) => log.push(text));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot run diod (Debian package diod): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`diod exited (${code}): ${log.join('')}`)));
  });
  await Promise.race([waitForListener(port), failed]);
  return { port, aname: root, log, stop: () => stopChild(child) };
}

async function waitForListener(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after 5 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(kill);
}
