import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file runs as dist/test/vm/paths.js). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** Built initramfs archives and console logs; git-ignored. */
export const VM_CACHE = join(REPO, 'test', 'vm', 'cache');
