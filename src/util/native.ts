/**
 * Loads cpud's own Node-API addon (native/, built by scripts/build-native.sh)
 * on demand: the init role's calls, and the pipes of a session's command.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CpudError, messageOf } from '../errors.js';

export interface CpudNative {
  /** waitpid(pid, WNOHANG): the raw status, -1 if still running, or -errno. */
  reap(pid: number): number;
  mount(source: string, target: string, fstype: string, flags: number, data: string): number;
  linkUp(name: string): number;
  setChildSubreaper(): number;
  /** pipe2(O_CLOEXEC) grown to `capacity` bytes: [readFd, writeFd], or -errno. */
  pipe(capacity: number): [number, number] | number;
  /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): two connected ends, or -errno. */
  socketPair(): [number, number] | number;
  /** malloc_trim(0): 1 when pages went back to the kernel. */
  mallocTrim(): number;
}

// dist/src/util/native.js -> <package>/native/build/Release/
const ADDON = fileURLToPath(
  new URL('../../../native/build/Release/cpud_native.node', import.meta.url),
);

let loaded: CpudNative | undefined;

export function loadNative(): CpudNative {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(ADDON) as CpudNative;
  } catch (err) {
    throw new CpudError(
      'CPUD_ERR_INIT_NATIVE',
      `cannot load cpud's addon "${ADDON}": ${messageOf(err)} ` +
        '(build it with scripts/build-native.sh)',
      { cause: err },
    );
  }
  return loaded;
}
