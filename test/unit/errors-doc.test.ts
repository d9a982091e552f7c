import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';
import { REPO } from '../helpers/paths.js';

it('docs/errors.md lists exactly the codes of src/errors.ts', () => {
  const text = readFileSync(join(REPO, 'docs', 'errors.md'), 'utf8');
  const documented = [...text.matchAll(/^## (CPUD_ERR_[A-Z0-9_]+)$/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), [...ERROR_CODES].sort());
});
