/**
 * The two key files a cpu client reads before it dials: its private key
 * (OpenSSH or PEM, unencrypted: cpu does not ask for passphrases) and,
 * with -hostkey, the host's public key to pin.
 */
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { CpudError, fileErrorWords, messageOf } from '../errors.js';
import { fingerprint } from '../ssh/fingerprint.js';

export interface PinnedHostKey {
  file: string;
  /** The key blob in SSH wire form, as the server sends it. */
  blob: Buffer;
  type: string;
}

export function readPrivateKey(path: string): Buffer {
  const text = readKeyFile(path, 'CPUD_ERR_CFG_KEYFILE', 'key');
  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key) {
    const why = /encrypted|passphrase/i.test(messageOf(key))
      ? 'it is encrypted, and cpu cannot ask for a passphrase'
      : 'not an SSH private key';
    throw new CpudError('CPUD_ERR_CFG_KEYFILE', `cannot use key "${path}": ${why}`);
  }
  if (!key.isPrivateKey()) {
    throw new CpudError(
      'CPUD_ERR_CFG_KEYFILE',
      `cannot use key "${path}": it is a public key, expected the private half`,
    );
  }
  return text;
}

/** Accepts a bare `type base64 [comment]` line, or a known_hosts line with host names first. */
export function readPinnedHostKey(path: string): PinnedHostKey {
  const text = readKeyFile(path, 'CPUD_ERR_CFG_HOSTKEY', 'host key').toString('utf8');
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (!words[0] || words[0].startsWith('#')) continue;
    for (const start of [0, 1]) {
      const parsed = ssh2.utils.parseKey(words.slice(start).join(' '));
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key && !(key instanceof Error))
        return { file: path, blob: key.getPublicSSH(), type: key.type };
    }
  }
  throw new CpudError(
    'CPUD_ERR_CFG_HOSTKEY',
    `cannot use host key "${path}": no OpenSSH public key line found ` +
      '(expected "ssh-ed25519 AAAA...")',
  );
}

/** OpenSSH's way to show a key: its SHA256 fingerprint. */
export function describeKeyBlob(blob: Buffer): string {
  return fingerprint(blob);
}

function readKeyFile(
  path: string,
  code: 'CPUD_ERR_CFG_KEYFILE' | 'CPUD_ERR_CFG_HOSTKEY',
  what: string,
): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CpudError(code, `cannot read ${what} "${path}": ${fileErrorWords(err)}`, { cause: err });
  }
}
