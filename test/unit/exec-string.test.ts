import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpudError } from '../../src/errors.js';
import { parseExecString, type ExecRequest } from '../../src/session/exec-string.js';

const cases: Array<[string, Partial<ExecRequest>]> = [
  ['', { argv: [], debug: false }],
  ['ls', { argv: ['ls'] }],
  ["-port9p=40001 'ls' '-l'", { port9p: 40001, argv: ['ls', '-l'] }],
  ["-port9p 40001 -d 'echo' 'a b'", { port9p: 40001, debug: true, argv: ['echo', 'a b'] }],
  [` 'echo' 'it'"'"'s'`, { argv: ['echo', "it's"] }],
  ["'echo' '$HOME' '|' ';'", { argv: ['echo', '$HOME', '|', ';'], shellCommand: undefined }],
  ['echo "a  b" c\\ d', { argv: ['echo', 'a  b', 'c d'] }],
  ['ls | wc -l', { shellCommand: 'ls | wc -l' }],
  ['echo $HOME', { shellCommand: 'echo $HOME' }],
  ['echo "$HOME"', { shellCommand: 'echo "$HOME"' }],
  ['cat < /etc/hostname', { shellCommand: 'cat < /etc/hostname' }],
  ['true && false', { shellCommand: 'true && false' }],
  ['ls *.c', { shellCommand: 'ls *.c' }],
  ['FOO=1 env', { shellCommand: 'FOO=1 env' }],
  ['cd ~', { shellCommand: 'cd ~' }],
  ["-port9p=7 'sh' '-c' 'echo x; exit 3'", { port9p: 7, argv: ['sh', '-c', 'echo x; exit 3'] }],
  ["-port9p=7 echo $X", { port9p: 7, shellCommand: 'echo $X' }],
  ["'-d' x", { debug: false, argv: ['-d', 'x'] }],
];

describe('exec string', () => {
  for (const [text, expected] of cases) {
    it(`splits ${JSON.stringify(text)}`, () => {
      const got = parseExecString(text);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(got[key as keyof ExecRequest], value, key);
      }
    });
  }

  for (const bad of ["echo 'open", 'echo "open', '-port9p=99999 ls', '-port9p=x ls']) {
    it(`refuses ${JSON.stringify(bad)} with a coded error`, () => {
      assert.throws(() => parseExecString(bad), (err: unknown) => {
        return err instanceof CpudError && err.code === 'CPUD_ERR_SESSION_EXEC';
      });
    });
  }
});
