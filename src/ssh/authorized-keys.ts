/**
 * The client keys allowed in. Read again at every login so that keys can be
 * rotated without a restart. A missing or empty file is an error, never an
 * open door.
 */
import { readFileSync, statSync } from 'node:fs';
import ssh2 from 'ssh2';
import { CpudError, fileErrorWords } from '../errors.js';
import { untrustedBecause } from './file-trust.js';

type ParsedKey = ssh2.ParsedKey;

export interface AuthorizedKeys {
  keys: ParsedKey[];
  /** 1-based numbers of lines that held no usable key. */
  badLines: number[];
  /**
   * Keys whose lines start with options (from="...", command="...",
   * restrict, ...). cpud enforces none of them, so these keys are refused:
   * letting them in would drop the limits the file asks for.
   */
  withOptions: { line: number; key: ParsedKey }[];
  /** The file was a private key that needs a passphrase. */
  encrypted?: boolean;
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-\S+)$/;

// Parsed files by path, valid while the file's identity and mtime stay the
// same: each login still sees the file as it is now, without parsing it again.
const cache = new Map<string, { stamp: string; keys: AuthorizedKeys }>();

export function readAuthorizedKeys(path: string): AuthorizedKeys {
  let stamp = '';
  try {
    const st = statSync(path, { bigint: true });
    stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    cache.delete(path);
  }
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.keys;

  if (stamp) refuseUntrusted(path);
  const keys = parseAuthorizedKeys(path);
  if (stamp) cache.set(path, { stamp, keys });
  return keys;
}

function refuseUntrusted(path: string): void {
  const why = untrustedBecause(path);
  if (why) throw new CpudError('CPUD_ERR_CFG_KEYFILE', `key file "${path}" is refused: ${why}`);
}

function parseAuthorizedKeys(path: string): AuthorizedKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = fileErrorWords(err);
    throw new CpudError(
      'CPUD_ERR_CFG_KEYFILE',
      `cannot read key file "${path}": ${why}; put the clients' public keys there or pass -key`,
      { cause: err },
    );
  }

  const result = text.includes('PRIVATE KEY') ? fromPrivateKey(text) : fromLines(text);
  if (result.keys.length === 0 && result.encrypted) {
    throw new CpudError(
      'CPUD_ERR_CFG_KEYFILE',
      `key file "${path}" is an encrypted private key: give its public half (the .pub file) instead`,
    );
  }
  if (result.keys.length === 0 && result.withOptions.length > 0) {
    throw new CpudError(
      'CPUD_ERR_CFG_KEYFILE',
      `key file "${path}" holds no key cpud can let in: ${optionsRefusal(result.withOptions)}`,
    );
  }
  if (result.keys.length === 0) {
    throw new CpudError(
      'CPUD_ERR_CFG_KEYFILE',
      `key file "${path}" holds no usable key: expected lines such as ` +
        '"ssh-ed25519 AAAA... user@host"',
    );
  }
  return result;
}

/** Why keys with options are refused, for the log. */
export function optionsRefusal(withOptions: readonly { line: number }[]): string {
  const lines = withOptions.map((k) => k.line);
  return (
    `${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')} ` +
    `${lines.length === 1 ? 'starts' : 'start'} with options (from=, command=, restrict, ...), ` +
    'which cpud does not enforce, so those keys are refused; remove the options to let them in'
  );
}

/** The authorized key whose public blob (which names its type) is `blob`. */
export function findAuthorizedKey(keys: readonly ParsedKey[], blob: Buffer): ParsedKey | undefined {
  return keys.find((key) => key.getPublicSSH().equals(blob));
}

// A private key file is accepted: its public half is the authorized key.
function fromPrivateKey(text: string): AuthorizedKeys {
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const encrypted = key instanceof Error && /encrypt|passphrase/i.test(key.message);
    return { keys: [], badLines: [1], withOptions: [], encrypted };
  }
  return { keys: [key], badLines: [], withOptions: [] };
}

function fromLines(text: string): AuthorizedKeys {
  const keys: ParsedKey[] = [];
  const badLines: number[] = [];
  const withOptions: { line: number; key: ParsedKey }[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    // authorized_keys lines may start with options (from="...",no-pty ...).
    const at = words.findIndex((w) => KEY_TYPE.test(w));
    if (at < 0 || at + 1 >= words.length) {
      badLines.push(index + 1);
      return;
    }
    const parsed = ssh2.utils.parseKey(`${words[at]} ${words[at + 1]}`);
    if (parsed instanceof Error || Array.isArray(parsed)) {
      badLines.push(index + 1);
      return;
    }
    if (at > 0) withOptions.push({ line: index + 1, key: parsed });
    else keys.push(parsed);
  });
  return { keys, badLines, withOptions };
}
