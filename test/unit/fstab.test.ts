import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFstab } from '../../src/namespace/fstab.js';

describe('fstab parser', () => {
  it('reads the lines of the default cpu namespace', () => {
    const text = '/tmp/cpu/usr /usr none defaults,bind 0 0\n/tmp/cpu/bin /bin none defaults,bind 0 0\n';
    assert.deepEqual(parseFstab(text), [
      { line: 1, what: '/tmp/cpu/usr', where: '/usr', type: 'none', options: ['defaults', 'bind'] },
      { line: 2, what: '/tmp/cpu/bin', where: '/bin', type: 'none', options: ['defaults', 'bind'] },
    ]);
  });

  const skipped = ['', '# comment', '   ', 'a b c', '  # x y z w', 'only two'];
  for (const line of skipped) {
    it(`skips ${JSON.stringify(line)}`, () => assert.deepEqual(parseFstab(line), []));
  }

  it('tells of short lines by number, not of comments and blank lines', () => {
    const short: number[] = [];
    parseFstab('# comment\n\na b c\ntmpfs /mnt tmpfs size=1m\n  # x y z w\nonly two\n', (line) => short.push(line));
    assert.deepEqual(short, [3, 6]);
  });

  it('keeps line numbers across skipped lines and strips trailing comments', () => {
    const entries = parseFstab('# head\n\ntmpfs /mnt tmpfs size=1m 0 0 # small\n');
    assert.equal(entries.length, 1);
    assert.equal(entries[0].line, 3);
    assert.deepEqual(entries[0].options, ['size=1m']);
  });

  it('decodes octal escapes in paths', () => {
    const [entry] = parseFstab('/a\\040b /c\\011d none bind 0 0');
    assert.equal(entry.what, '/a b');
    assert.equal(entry.where, '/c\td');
  });

  it('accepts lines without freq and passno', () => {
    assert.equal(parseFstab('tmpfs /x tmpfs rw').length, 1);
  });
});
