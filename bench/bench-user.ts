/**
 * The account every server logs the bench into: a temporary system user
 * whose shell is /bin/sh and whose home is the bench's key folder.
 *
 * Why not root: sshd and dropbear run every command as `$SHELL -c`, and
 * Debian's bash sources ~/.bashrc when started by an SSH server; root's
 * .bashrc on this machine (pyenv init) takes 0.3-1 s, which would measure
 * the dotfiles rather than the servers. sshd could be told to skip it
 * (AcceptEnv SHLVL), dropbear cannot: it takes no env requests. Dropbear
 * also reads keys only from the home in the password database, never from
 * $HOME, so this user's home holds .ssh/authorized_keys and root's stays
 * untouched. The account is removed when the bench ends, even on a crash.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_USER = 'cpud-bench';

export interface BenchUser {
  name: string;
  home: string;
  remove(): void;
}

export function addBenchUser(dir: string, publicKey: string): BenchUser {
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o755 });
  writeFileSync(join(home, '.ssh', 'authorized_keys'), `${publicKey} bench-client\n`, {
    mode: 0o644,
  });

  // A user left behind by a bench that was killed is replaced.
  if (exists()) userdel();
  execFileSync('useradd', [
    '--system',
    '--no-create-home',
    '--home-dir',
    home,
    '--shell',
    '/bin/sh',
    BENCH_USER,
  ]);
  // useradd locks the password with "!", and sshd without PAM refuses any
  // login to a locked account; "*" means "no password" without the lock.
  execFileSync('usermod', ['-p', '*', BENCH_USER]);
  const uid = Number(execFileSync('id', ['-u', BENCH_USER], { encoding: 'utf8' }).trim());

  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    endProcessesOf(uid);
    if (exists()) userdel();
  };
  process.once('exit', remove);
  return { name: BENCH_USER, home, remove };
}

// Commands a server left running after its client went (sshd does not end a
// command without a terminal when the connection closes) belong to this
// bench: each is ended by its pid, found by its owner.
function endProcessesOf(uid: number): void {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (statSync(`/proc/${name}`).uid === uid) process.kill(Number(name), 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

function exists(): boolean {
  try {
    execFileSync('id', [BENCH_USER], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function userdel(): void {
  try {
    execFileSync('userdel', [BENCH_USER], { stdio: 'ignore' });
  } catch {
    // Still logged in somewhere: a later bench replaces it.
  }
}
