import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (tests run from dist/test/...). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CPUD_BIN = join(REPO, 'bin', 'cpud');
