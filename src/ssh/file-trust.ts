/**
 * sshd's StrictModes for the files that decide who gets in: a key file, or
 * any folder above it, that another user owns or may write would let that
 * user put in a key of their own. Root and cpud's own user may own them; a
 * folder others may write passes only with the sticky bit and root as its
 * owner (/tmp), where nobody can replace what is not theirs.
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why `path` cannot be trusted, or undefined when it can. */
export function untrustedBecause(path: string): string | undefined {
  const me = process.geteuid?.() ?? 0;
  const real = realpathSync(path);
  const file = statSync(real);
  if (file.uid !== 0 && file.uid !== me) return `it is owned by uid ${file.uid}, neither root nor cpud's user`;
  if ((file.mode & 0o022) !== 0) return `group or others may write it (mode ${octal(file.mode)}): run "chmod go-w ${path}"`;

  for (let dir = dirname(real); ; dir = dirname(dir)) {
    const st = statSync(dir);
    if (st.uid !== 0 && st.uid !== me) return `folder "${dir}" is owned by uid ${st.uid}, neither root nor cpud's user`;
    const sticky = (st.mode & 0o1000) !== 0 && st.uid === 0;
    if ((st.mode & 0o022) !== 0 && !sticky) {
      return `group or others may write folder "${dir}" (mode ${octal(st.mode)}): run "chmod go-w ${dir}"`;
    }
    if (dir === '/') return undefined;
  }
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
