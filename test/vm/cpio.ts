/**
 * A writer for the "newc" cpio format, the only one the kernel's initramfs
 * unpacker reads (Documentation/driver-api/early-userspace/buffer-format.rst).
 * Written here rather than by running cpio(1) because entries such as
 * /dev/console must be character devices, and mknod needs no root when the
 * node only exists as a header in an archive.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; mode?: number; data: Buffer }
  | { kind: 'copy'; path: string; mode: number; source: string; size: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; mode?: number; major: number; minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

/** Appends entries to an archive file; `finish()` writes the trailer. */
export class CpioWriter {
  #file: FileHandle;
  #ino = 1;

  private constructor(file: FileHandle) {
    this.#file = file;
  }

  /** `flags` 'w' starts a new archive, 'a' appends one to an existing file. */
  static async create(path: string, flags: 'w' | 'a' = 'w'): Promise<CpioWriter> {
    return new CpioWriter(await open(path, flags));
  }

  async add(entry: CpioEntry): Promise<void> {
    const name = entry.path.replace(/^\/+/, '');
    switch (entry.kind) {
      case 'dir':
        return this.#entry(name, S_IFDIR | (entry.mode ?? 0o755), 0, 0, Buffer.alloc(0));
      case 'file':
        return this.#entry(name, S_IFREG | (entry.mode ?? 0o644), 0, 0, entry.data);
      case 'symlink':
        return this.#entry(name, S_IFLNK | 0o777, 0, 0, Buffer.from(entry.target));
      case 'chardev': {
        const rdev = [entry.major, entry.minor] as const;
        return this.#entry(name, S_IFCHR | (entry.mode ?? 0o600), ...rdev, Buffer.alloc(0));
      }
      case 'copy':
        return this.#copy(name, entry.mode, entry.source, entry.size);
    }
  }

  async finish(): Promise<void> {
    await this.#entry('TRAILER!!!', 0, 0, 0, Buffer.alloc(0));
    await this.#file.close();
  }

  async #entry(name: string, mode: number, major: number, minor: number, data: Buffer) {
    await this.#file.write(this.#header(name, mode, data.length, major, minor));
    await this.#file.write(Buffer.concat([data, pad(data.length)]));
  }

  async #copy(name: string, mode: number, source: string, size: number): Promise<void> {
    await this.#file.write(this.#header(name, S_IFREG | mode, size, 0, 0));
    let copied = 0;
    for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) {
      const buffer = chunk as Buffer;
      copied += buffer.length;
      await this.#file.write(buffer);
    }
    if (copied !== size) throw new Error(`"${source}" changed size while archived`);
    await this.#file.write(pad(size));
  }

  #header(name: string, mode: number, size: number, major: number, minor: number): Buffer {
    const nameBytes = Buffer.from(`${name}\0`);
    const fields = [this.#ino++, mode, 0, 0, 1, 0, size, 0, 0, major, minor, nameBytes.length, 0];
    const text = '070701' + fields.map((n) => n.toString(16).padStart(8, '0')).join('');
    const head = Buffer.concat([Buffer.from(text, 'ascii'), nameBytes]);
    return Buffer.concat([head, pad(head.length)]);
  }
}

function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
