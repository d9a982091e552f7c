import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execCommand, quoteArgument } from '../../src/client/exec-command.js';
import { parseExecString } from '../../src/session/exec-string.js';

// Each argv must come back word for word from the daemon's parser, with no
// shell involved, whatever characters it holds.
const ROUND_TRIPS: { name: string; argv: string[] }[] = [
  { name: 'plain words', argv: ['ls', '-l', '/tmp'] },
  { name: 'a word with spaces', argv: ['echo', 'hello world'] },
  { name: 'a single quote', argv: ['echo', "it's"] },
  { name: 'only quotes', argv: ["'", "''", `'"'"'`] },
  { name: 'double quotes and backslashes', argv: ['printf', '"%s\\n"', 'a\\b'] },
  {
    name: 'shell syntax stays literal',
    argv: ['echo', '$HOME', '`id`', 'a|b', 'x;y', '*', '~', '#c'],
  },
  { name: 'an empty argument', argv: ['printf', '%s|', '', 'x'] },
  { name: 'newlines and tabs', argv: ['echo', 'a\nb', 'c\td'] },
  { name: 'non-ASCII', argv: ['echo', 'héllo', '日本'] },
  { name: 'words that look like daemon flags', argv: ['-port9p=1', '-d', 'x'] },
  { name: 'an assignment-like first word', argv: ['A=b', 'c'] },
];

describe('exec string (u-root quoting) round-trips through the daemon parser', () => {
  for (const { name, argv } of ROUND_TRIPS) {
    it(`keeps ${name}`, () => {
      const request = parseExecString(execCommand(argv));
      assert.deepEqual(request.argv, argv);
      assert.equal(request.shellCommand, undefined);
      assert.equal(request.port9p, undefined);
    });
  }

  it('puts -port9p=N first, as its own word', () => {
    const text = execCommand(['ls', "it's"], 5640);
    assert.equal(text, `-port9p=5640 'ls' 'it'"'"'s'`);
    const request = parseExecString(text);
    assert.equal(request.port9p, 5640);
    assert.deepEqual(request.argv, ['ls', "it's"]);
  });

  it('starts with a space without 9P, as u-root does', () => {
    assert.equal(execCommand(['true']), " 'true'");
  });

  it("writes a quote inside a word as '\"'\"'", () => {
    assert.equal(quoteArgument("a'b"), `'a'"'"'b'`);
    assert.equal(quoteArgument(''), "''");
  });
});
