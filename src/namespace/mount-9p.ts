/**
 * Imports the client's files: dial the forwarded 9P port on loopback, prove
 * the session with the nonce, then give the connected socket to the kernel's
 * 9P client (`trans=fd`). From then on the kernel owns the socket.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { CpudError } from '../errors.js';
import type { RemoteConfig } from '../session/remote-config.js';
import { runMount } from './run-mount.js';

type Trace = ((line: string) => void) | undefined;

export async function mountNinep(config: RemoteConfig, trace: Trace): Promise<CpudError | undefined> {
  const port = config.port9p as number;
  const fail = (why: string): CpudError =>
    new CpudError('CPUD_ERR_NS_9P', `cannot mount the client's files on /tmp/cpu: ${why}`);
  const socket = await dialLoopback(port);
  if (!socket) return fail(`the 9P port ${port} does not answer on loopback (the client's forward is gone)`);

  try {
    await new Promise<void>((resolve, reject) =>
      socket.write(config.nonce as string, (err) => (err ? reject(err) : resolve())),
    );
    // Our reads would steal the kernel's 9P replies: stop reading for good.
    socket.pause();

    const options =
      `version=9p2000.L,trans=fd,rfdno=3,wfdno=3,uname=${config.user},` +
      'msize=65536,noxattr,nodev,nosuid';
    trace?.(`cpud: 9p: mount -t 9p -o ${options} localhost /tmp/cpu`);
    const result = await runMount(['-t', '9p', '-o', options, 'localhost', '/tmp/cpu'], [
      'ignore',
      'ignore',
      'pipe',
      socket,
    ]);
    trace?.(`cpud: 9p: ${result.ok ? 'mounted on /tmp/cpu' : `mount failed: ${result.message}`}`);
    if (!result.ok) return fail(explain(result.message));
    return undefined;
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    socket.destroy();
  }
}

// PROTOCOL.md: try ::1 first, then 127.0.0.1.
async function dialLoopback(port: number): Promise<Socket | undefined> {
  for (const host of ['::1', '127.0.0.1']) {
    const socket = await dialOnce(host, port);
    if (socket) return socket;
  }
  return undefined;
}

function dialOnce(host: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    // onread makes pause() stop the kernel-level reads (readStop), not only
    // the stream: after the mount, every byte belongs to the kernel.
    const socket = connect({ host, port, onread: { buffer: Buffer.alloc(4096), callback: () => true } });
    socket.once('connect', () => {
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

function explain(message: string): string {
  if (!kernelHas9p()) {
    return (
      'this kernel has no 9p file system (load it with "modprobe 9p 9pnet_fd", ' +
      'or build the kernel with CONFIG_9P_FS and CONFIG_NET_9P_FD)'
    );
  }
  return message;
}

function kernelHas9p(): boolean {
  try {
    return /\t9p$/m.test(readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return existsSync('/sys/module/9p');
  }
}
