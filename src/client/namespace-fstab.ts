/**
 * `-namespace` to CPU_FSTAB lines, as u-root's client builds them. The list
 * is colon-separated; each element is `where` or `where=what`: the command on
 * the remote host sees the client's `what` (default: the same path) at
 * `where`, through a bind mount from the 9P tree the daemon mounted on
 * /tmp/cpu. `/lib=/arm/lib` gives `/tmp/cpu/arm/lib /lib none defaults,bind 0 0`.
 * `none` (or an empty value) asks for no binds at all.
 */
import { posix } from 'node:path';
import { CpudError } from '../errors.js';

export const DEFAULT_NAMESPACE = '/lib:/lib64:/usr:/bin:/etc:/home';

/** Where the daemon mounts the client's tree (PROTOCOL.md, remote step 2). */
const NINEP_MOUNT = '/tmp/cpu';

export function namespaceFstab(namespace: string): string {
  if (namespace === '' || namespace === 'none') return '';

  const lines: string[] = [];
  namespace.split(':').forEach((element, index) => {
    // Only the first `=` splits: a client path may itself hold one.
    const eq = element.indexOf('=');
    const where = eq < 0 ? element : element.slice(0, eq);
    const what = eq < 0 ? element : element.slice(eq + 1);
    if (!where || !what) {
      const why = !element
        ? 'it is empty'
        : `the ${where ? 'client path' : 'mount point'} is empty`;
      throw new CpudError(
        'CPUD_ERR_CFG_FLAG',
        `flag "-namespace": element ${index + 1} ("${element}") ` +
          `is not a path or where=what: ${why}`,
      );
    }
    const source = posix.join(NINEP_MOUNT, what);
    lines.push(`${escapeField(source)} ${escapeField(where)} none defaults,bind 0 0`);
  });
  return lines.join('\n') + '\n';
}

/** Joins fstab texts, one newline between them and one at the end; empty parts drop out. */
export function joinFstab(...tables: readonly string[]): string {
  const parts = tables.map((t) => t.replace(/\n+$/, '')).filter((t) => t.trim() !== '');
  return parts.length ? parts.join('\n') + '\n' : '';
}

// fstab(5) fields are split on blanks: a blank, a backslash or a `#` (which
// would start a comment) inside a path is written as a 3-digit octal escape.
function escapeField(path: string): string {
  return path.replace(/[\s\\#]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
