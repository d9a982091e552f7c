/**
 * The server's identity. A key that other users can read is refused, as
 * sshd refuses it: anyone who reads it can impersonate this host.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { makeFolder } from '../util/make-folder.js';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';
import { CpudError, fileErrorWords, messageOf, systemCodeOf } from '../errors.js';
import { untrustedBecause } from './file-trust.js';
import { fingerprint } from './fingerprint.js';
import { generateEd25519 } from './generate-key.js';

export interface HostKey {
  path: string;
  /** The private key text, as ssh2's `hostKeys` takes it. */
  privateKey: Buffer;
  type: string;
  fingerprint: string;
  publicSSH: Buffer;
}

/** Reads and checks a host key file; throws CPUD_ERR_CFG_HOSTKEY naming it. */
export function loadHostKey(path: string): HostKey {
  const fail = (why: string, cause?: unknown): CpudError =>
    new CpudError('CPUD_ERR_CFG_HOSTKEY', `cannot read host key "${path}": ${why}`, { cause });

  let text: Buffer;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
    text = readFileSync(path);
  } catch (err) {
    const code = systemCodeOf(err);
    if (code === 'ENOENT') throw fail(`no such file (make one with "cpud -keygen -hostkey ${path}")`, err);
    if (code === 'EISDIR') throw fail('it is a folder, expected a key file', err);
    throw fail(fileErrorWords(err), err);
  }
  if (text.length === 0) throw fail(`the file is empty (remove it; "cpud -keygen -hostkey ${path}" makes a new key)`);
  if (mode & 0o077) {
    throw fail(`mode ${mode.toString(8).padStart(4, '0')}, expected 0600 (chmod 600 it)`);
  }
  const untrusted = untrustedBecause(path);
  if (untrusted) throw fail(untrusted);

  const parsed = ssh2.utils.parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    const why = key instanceof Error ? key.message : 'no key found';
    throw fail(`${why}; expected an OpenSSH private key (ed25519, ecdsa or rsa)`);
  }
  if (!key.isPrivateKey()) throw fail('it holds a public key, expected the private key');

  const publicSSH = key.getPublicSSH();
  return { path, privateKey: text, type: key.type, fingerprint: fingerprint(publicSSH), publicSSH };
}

/** Makes an ed25519 host key at `path` (mode 0600) unless one is there. */
export function ensureHostKey(path: string): { created: boolean } {
  try {
    statSync(path);
    return { created: false };
  } catch (err) {
    if (systemCodeOf(err) !== 'ENOENT') return { created: false };
  }

  try {
    makeFolder(dirname(path), 0o700);
    const pair = generateEd25519();
    // 'wx': never overwrite a key another process made meanwhile.
    writeFileSync(path, pair.private, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  } catch (err) {
    if (systemCodeOf(err) === 'EEXIST') return { created: false };
    throw new CpudError(
      'CPUD_ERR_CFG_HOSTKEY',
      `cannot create host key "${path}": ${messageOf(err)}`,
      { cause: err },
    );
  }
  return { created: true };
}
