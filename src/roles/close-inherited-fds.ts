/**
 * A command must not inherit descriptors above 2 (sshd closes them with
 * closefrom). Whatever started cpud may have left some open without
 * close-on-exec, and systemd's LISTEN_FDS sockets have none either; Node
 * cannot set FD_CLOEXEC. Node's own descriptors all carry O_CLOEXEC, so any
 * descriptor above 2 without it was inherited: the helper closes those
 * before it starts the command.
 */
import { closeSync, readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

export function closeInheritedFds(): void {
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd <= 2) continue;
    let flags: number;
    try {
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
      flags = parseInt(/^flags:\s*(\d+)/m.exec(info)?.[1] ?? '0', 8);
    } catch {
      continue;
    }
    if (flags & O_CLOEXEC) continue;
    try {
      closeSync(fd);
    } catch {
      // Gone already.
    }
  }
}
