/**
 * CPU_FSTAB: fstab(5) text, one mount per line (`what where type options
 * freq passno`). Comments and lines of fewer than four fields are skipped,
 * as the Go daemon skips them; `onShort` hears of the latter, so that a
 * mangled line is reported rather than lost without a word.
 */
export interface FstabEntry {
  /** 1-based line number in the text, for messages. */
  line: number;
  what: string;
  where: string;
  type: string;
  options: string[];
}

export function parseFstab(text: string, onShort?: (line: number) => void): FstabEntry[] {
  const entries: FstabEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/).filter(Boolean);
    if (fields.length < 4) {
      if (fields.length > 0) onShort?.(index + 1);
      return;
    }
    entries.push({
      line: index + 1,
      what: unescapeField(fields[0]),
      where: unescapeField(fields[1]),
      type: fields[2],
      options: fields[3].split(',').filter(Boolean),
    });
  });
  return entries;
}

// fstab(5) writes a space in a path as \040 (and tab as \011, backslash as \134).
function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
