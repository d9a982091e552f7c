/**
 * Applies CPU_FSTAB with ONE mount(8) run (`mount -a -T FILE`). A
 * mount per line would start the mount program again after each bind, and
 * once the client's /usr, /bin or /lib are bound over the host's, that
 * program and its libraries would be the client's, loaded over 9P (slow,
 * and wrong for a client of another architecture). mount --all goes on past
 * a failed line; its messages are matched back to our line numbers.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { parseFstab, type FstabEntry } from './fstab.js';
import { runMount } from './run-mount.js';

export type Report = (line: string) => void;

export async function applyFstab(text: string, report: Report): Promise<void> {
  const entries = parseFstab(text, (line) =>
    report(`cpud: CPU_FSTAB line ${line}: fewer than the four fields "what where type options"; skipped`),
  );
  if (entries.length === 0) return;

  // Our private /tmp: nobody else sees the file, and it is gone with us.
  const file = `/tmp/.cpud-fstab-${process.pid}`;
  writeFileSync(file, entries.map(fstabLine).join(''), { mode: 0o600 });
  // Short options: busybox mount (tiny boot images) knows -a -T, not --fstab.
  const result = await runMount(['-a', '-T', file]);
  try {
    unlinkSync(file);
  } catch {
    // A line may have mounted over /tmp itself.
  }
  if (result.ok) return;

  const unreported = [...entries];
  for (const message of result.lines) {
    // util-linux: "/where: reason"; busybox: "mounting what on /where failed: reason".
    const at = unreported.findIndex(
      (e) => message.startsWith(`${e.where}:`) || message.includes(` on ${e.where} failed`),
    );
    const entry = at >= 0 ? unreported.splice(at, 1)[0] : undefined;
    report(
      entry
        ? `cpud: CPU_FSTAB line ${entry.line} (${entry.what} on ${entry.where}): ${message}`
        : `cpud: CPU_FSTAB: ${message}`,
    );
  }
}

// `defaults` alone would leave the field empty; `noauto` would make
// mount --all skip a line the client asked for.
function fstabLine(entry: FstabEntry): string {
  const options = entry.options.filter((o) => o !== 'noauto');
  const fields = [escape(entry.what), escape(entry.where), entry.type, options.join(',') || 'defaults'];
  return `${fields.join(' ')} 0 0\n`;
}

function escape(path: string): string {
  return path.replace(/[\\\s#]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
