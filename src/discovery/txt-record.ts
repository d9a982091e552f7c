/**
 * DNS-SD TXT records (RFC 6763 section 6): the `-dsTxt k=v,k2=v2` flag,
 * and the strings on the wire. Keys are printable US-ASCII without `=`,
 * compared case-insensitively; each `key=value` string holds at most 255
 * bytes; a key without `=` is a boolean attribute (section 6.4).
 */
import { CpudError } from '../errors.js';

export type TxtRecord = Record<string, string>;

/**
 * Parses `-dsTxt`. As the Go daemon does, a key without `=` means
 * `key=true`. Throws CPUD_ERR_CFG_FLAG naming the bad pair.
 */
export function parseTxtPairs(text: string): TxtRecord {
  const txt: TxtRecord = {};
  for (const pair of text.split(',')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? 'true' : pair.slice(eq + 1);
    checkPair(key, value);
    txt[key.toLowerCase()] = value;
  }
  return txt;
}

/** The TXT strings of a record; an empty record is one empty string (section 6.1). */
export function encodeTxt(txt: TxtRecord): Buffer[] {
  const strings = Object.entries(txt).map(([key, value]) => Buffer.from(`${key}=${value}`));
  return strings.length ? strings : [Buffer.alloc(0)];
}

/** Decodes TXT strings; the first of a repeated key wins (section 6.4). */
export function decodeTxt(strings: ReadonlyArray<Buffer | string>): TxtRecord {
  const txt: TxtRecord = {};
  for (const item of strings) {
    const text = Buffer.isBuffer(item) ? item.toString('utf8') : item;
    if (!text) continue;
    const eq = text.indexOf('=');
    const key = (eq < 0 ? text : text.slice(0, eq)).toLowerCase();
    if (!key || key in txt) continue;
    txt[key] = eq < 0 ? '' : text.slice(eq + 1);
  }
  return txt;
}

function checkPair(key: string, value: string): void {
  if (!key || !/^[\x20-\x3c\x3e-\x7e]+$/.test(key)) {
    throw flagError(`flag "-dsTxt": "${key}" is not a key: printable ASCII without "=" expected`);
  }
  const bytes = Buffer.byteLength(`${key}=${value}`);
  if (bytes > 255) {
    throw flagError(`flag "-dsTxt": "${key}=..." is ${bytes} bytes, the limit is 255`);
  }
}

function flagError(message: string): CpudError {
  return new CpudError('CPUD_ERR_CFG_FLAG', message);
}
