import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinFstab, namespaceFstab } from '../../src/client/namespace-fstab.js';
import { CpudError } from '../../src/errors.js';
import { parseFstab } from '../../src/namespace/fstab.js';

const bind = (what: string, where: string): string => `${what} ${where} none defaults,bind 0 0\n`;

// The cases of u-root's client (where=what: the host's `where` shows our `what`).
const CASES: { namespace: string; fstab: string }[] = [
  { namespace: '', fstab: '' },
  { namespace: 'none', fstab: '' },
  { namespace: '/lib', fstab: bind('/tmp/cpu/lib', '/lib') },
  { namespace: '/lib=/arm/lib', fstab: bind('/tmp/cpu/arm/lib', '/lib') },
  {
    namespace: '/lib=/arm/lib:/bin',
    fstab: bind('/tmp/cpu/arm/lib', '/lib') + bind('/tmp/cpu/bin', '/bin'),
  },
  {
    namespace: '/lib:/lib64:/usr:/bin:/etc:/home',
    fstab: ['/lib', '/lib64', '/usr', '/bin', '/etc', '/home']
      .map((p) => bind(`/tmp/cpu${p}`, p))
      .join(''),
  },
  {
    namespace: '/a:/bin==/b/bin',
    fstab: bind('/tmp/cpu/a', '/a') + bind('/tmp/cpu/=/b/bin', '/bin'),
  },
  { namespace: '/x/../y', fstab: bind('/tmp/cpu/y', '/x/../y') },
  { namespace: '/my dir', fstab: bind('/tmp/cpu/my\\040dir', '/my\\040dir') },
];

const BAD = ['/lib=:/bin', '=/lib', '/a::/b', ':', '/a:'];

describe('-namespace to CPU_FSTAB', () => {
  for (const { namespace, fstab } of CASES) {
    it(`turns ${JSON.stringify(namespace)} into its bind lines`, () => {
      assert.equal(namespaceFstab(namespace), fstab);
    });
  }

  for (const namespace of BAD) {
    it(`refuses ${JSON.stringify(namespace)} naming the flag`, () => {
      assert.throws(
        () => namespaceFstab(namespace),
        (err: unknown) =>
          err instanceof CpudError &&
          err.code === 'CPUD_ERR_CFG_FLAG' &&
          /-namespace/.test(err.message),
      );
    });
  }

  it('writes paths the daemon fstab parser reads back, blanks and # included', () => {
    const [entry] = parseFstab(namespaceFstab('/a b#c=/d\te\\f'));
    assert.equal(entry.where, '/a b#c');
    assert.equal(entry.what, '/tmp/cpu/d\te\\f');
    assert.deepEqual(entry.options, ['defaults', 'bind']);
  });

  it('joins fstab texts with one newline between and at the end', () => {
    assert.equal(joinFstab(), '');
    assert.equal(joinFstab('', ''), '');
    assert.equal(joinFstab('a b c\n\n', 'd e f'), 'a b c\nd e f\n');
    assert.equal(joinFstab('', 'd e f\n1 2 3'), 'd e f\n1 2 3\n');
  });
});
