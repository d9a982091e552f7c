/**
 * `cpud -demo`: a client key pair and a known_hosts file in the state
 * folder, so that a first-time user can connect with one ssh command and
 * still verify the host key.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { makeFolder } from '../util/make-folder.js';
import { join } from 'node:path';
import { generateEd25519 } from '../ssh/generate-key.js';
import type { HostKey } from '../ssh/host-key.js';

export interface DemoKeys {
  privateKeyFile: string;
  publicKeyFile: string;
  knownHostsFile: string;
}

export function ensureDemoKeys(stateDir: string, hostKey: HostKey): DemoKeys {
  makeFolder(stateDir, 0o700);
  const privateKeyFile = join(stateDir, 'demo_client_key');
  const publicKeyFile = `${privateKeyFile}.pub`;
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) {
    const pair = generateEd25519('cpud-demo');
    writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
    writeFileSync(publicKeyFile, `${pair.public}\n`, { mode: 0o644 });
  }
  const knownHostsFile = join(stateDir, 'demo_known_hosts');
  const publicLine = `${hostKey.type} ${hostKey.publicSSH.toString('base64')}`;
  writeFileSync(knownHostsFile, `* ${publicLine}\n`, { mode: 0o644 });
  return { privateKeyFile, publicKeyFile, knownHostsFile };
}

/** The exact ssh command that reaches the demo daemon. */
export function demoSshCommand(keys: DemoKeys, where: { host: string; port: number }): string {
  return (
    `ssh -i ${keys.privateKeyFile} -o UserKnownHostsFile=${keys.knownHostsFile} ` +
    `-o IdentitiesOnly=yes -p ${where.port} ${where.host}`
  );
}

/** The host ssh should dial for a daemon bound to `address` (every address: localhost). */
export function demoHost(address: string | undefined): string {
  if (!address || address === '0.0.0.0' || address === '::') return 'localhost';
  return address;
}
