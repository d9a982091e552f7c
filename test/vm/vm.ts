/**
 * Boots the Debian kernel with an initramfs under qemu (TCG only: KVM hangs
 * on this machine) and runs one shell script in the guest. The serial
 * console accumulates in `console` and in a log file under
 * test/vm/cache/logs/; `stop()` always kills qemu.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpioEntry } from './cpio.js';
import { writeArchive, type Initramfs } from './initramfs.js';
import { VM_CACHE } from './paths.js';

export interface HostForward {
  guestPort: number;
  /** Host port on 127.0.0.1; a free one when left out. */
  hostPort?: number;
}

/** A guest file with its own mode (plain content is written 0644). */
export interface GuestFile {
  data: string | Buffer;
  mode: number;
}

export interface VmOptions {
  initramfs: Initramfs;
  /** Shell script run by /init after the network is up (busybox sh). */
  script: string;
  /** Run the script as PID 1 (`exec`) instead of as a child of /init. */
  execScript?: boolean;
  /**
   * A guest path the kernel runs as PID 1 instead of the harness's /init
   * (`rdinit=`): nothing is mounted, no module loaded, no link up. Put the
   * program in `files` with an executable mode.
   */
  init?: string;
  /** Extra guest files for this boot only: guest path to content. */
  files?: Record<string, string | Buffer | GuestFile>;
  hostForwards?: HostForward[];
  memoryMb?: number;
  cpus?: number;
  /** qemu is killed after this long whatever happens. */
  timeoutMs?: number;
  /** Names the console log file. */
  name?: string;
}

export interface Forward {
  guestPort: number;
  hostPort: number;
}

export async function startVm(options: VmOptions): Promise<Vm> {
  const work = await mkdtemp(join(tmpdir(), 'cpud-vm-'));
  const initrd = join(work, 'initrd.cpio');
  const forwards: Forward[] = [];
  for (const f of options.hostForwards ?? []) {
    forwards.push({ guestPort: f.guestPort, hostPort: f.hostPort ?? (await freePort()) });
  }

  // The base archive is cached; this boot's script goes in a second archive
  // appended to a copy (initramfs accepts concatenated cpio archives).
  await copyFile(options.initramfs.path, initrd);
  const extra: CpioEntry[] = [{ kind: 'file', path: '/vm/run.sh', mode: 0o755, data: Buffer.from(options.script) }];
  if (options.execScript) extra.push({ kind: 'file', path: '/vm/exec', data: Buffer.alloc(0) });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const { data, mode } = asGuestFile(content);
    extra.push({ kind: 'file', path, mode, data: typeof data === 'string' ? Buffer.from(data) : data });
  }
  await writeArchive(initrd, extra, 'a');

  const rdinit = options.init ? ` rdinit=${options.init}` : '';
  const hostfwd = forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`);
  const args = [
    '-accel', 'tcg', '-cpu', 'max',
    '-m', String(options.memoryMb ?? 1024), '-smp', String(options.cpus ?? 1),
    '-machine', 'q35', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-chardev', 'stdio,id=con,signal=off', '-serial', 'chardev:con',
    '-kernel', options.initramfs.kernel.image, '-initrd', initrd,
    '-append', `console=ttyS0 quiet panic=-1${rdinit}`,
    '-netdev', `user,id=n0,ipv6=off${hostfwd.join('')}`,
    '-device', 'virtio-net-pci,netdev=n0,romfile=',
  ];
  const child = spawn('qemu-system-x86_64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Vm(child, { work, forwards, name: options.name ?? 'vm', timeoutMs: options.timeoutMs });
}

function asGuestFile(content: string | Buffer | GuestFile): GuestFile {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return { data: content, mode: 0o644 };
  return content;
}

/** A running guest. Every method is safe after the guest has gone. */
export class Vm {
  readonly forwards: Forward[];
  readonly logPath: string;
  readonly exited: Promise<number | null>;
  #console = '';
  #child: ChildProcess;
  #log: WriteStream;
  #work: string;
  #wake = new Set<() => void>();
  #gone = false;
  #stopping: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #onExit = (): void => void this.#child.kill('SIGKILL');

  constructor(child: ChildProcess, o: { work: string; forwards: Forward[]; name: string; timeoutMs?: number }) {
    this.#child = child;
    this.#work = o.work;
    this.forwards = o.forwards;
    mkdirSync(join(VM_CACHE, 'logs'), { recursive: true });
    this.logPath = join(VM_CACHE, 'logs', `${o.name}.log`);
    this.#log = createWriteStream(this.logPath);
    const echo = process.env.VM_CONSOLE === '1';
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8').replace(/\r/g, '');
      this.#console += text;
      this.#log.write(text);
      if (echo) process.stderr.write(text);
      for (const wake of this.#wake) wake();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', (chunk: Buffer) => take(Buffer.from(`[qemu] ${chunk}`)));
    child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => {
      const gone = (code: number | null): void => {
        this.#gone = true;
        for (const wake of this.#wake) wake();
        resolve(code);
      };
      child.on('error', (err) => {
        take(Buffer.from(`[qemu] cannot run qemu-system-x86_64 (Debian package qemu-system-x86): ${err.message}\n`));
        gone(null);
      });
      child.on('close', gone);
    });
    // A test process that dies must not leave qemu running.
    process.on('exit', this.#onExit);
    if (o.timeoutMs) this.#timer = setTimeout(() => void this.stop(), o.timeoutMs);
  }

  /** The serial console so far, without carriage returns. */
  get console(): string {
    return this.#console;
  }

  /** Types into the serial console (the guest's /dev/console). */
  write(text: string): void {
    if (!this.#gone) this.#child.stdin!.write(text);
  }

  /** Resolves with the first match in the console; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const finish = (error?: string, match?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.#wake.delete(check);
        if (match) resolve(match);
        else reject(new Error(`${error} waiting for ${pattern} (console in ${this.logPath}):\n` +
          this.#console.split('\n').slice(-30).join('\n')));
      };
      const check = (): void => {
        const match = pattern.exec(this.#console);
        if (match) finish(undefined, match);
        else if (this.#gone) finish('the VM stopped');
      };
      const timer = setTimeout(() => finish(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.#wake.add(check);
      check();
    });
  }

  /** Kills qemu (TERM, then KILL) and removes this boot's files. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#timer);
      if (!this.#gone) {
        this.#child.kill('SIGTERM');
        const kill = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
        await this.exited;
        clearTimeout(kill);
      }
      process.off('exit', this.#onExit);
      await new Promise((resolve) => this.#log.end(resolve));
      await rm(this.#work, { recursive: true, force: true });
    })();
    return this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** A port free on 127.0.0.1 now (qemu binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
