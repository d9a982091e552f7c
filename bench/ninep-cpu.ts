/**
 * Servers for the 9P bench as child processes whose CPU time can be read:
 * serveNinep of a given build, and Debian's diod (the same flags as
 * test/vm/ninep-servers.ts: no auth, no config file, one export).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';

/** Linux's USER_HZ, the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/** serveNinep of the build at `repo` in a process of its own. */
export async function startNinepProcess(
  repo: string,
  root: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const script = join(repo, 'dist', 'bench', 'ninep-server-process.js');
  return startServerProcess(process.execPath, [...nodeArgs, script, root, String(port)], { port });
}

export async function startDiodProcess(root: string): Promise<ServerProcess> {
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const args = ['-f', '-n', '-c', '/dev/null', '-e', root, '-l', listen, '-L', 'stderr'];
  try {
    return await startServerProcess('/usr/sbin/diod', args, { port });
  } catch (err) {
    throw new Error(`cannot run diod (Debian package diod): ${(err as Error).message}`);
  }
}

/** User plus system CPU seconds of a live process (all its threads). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces, closed by ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
