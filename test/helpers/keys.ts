/**
 * Throw-away key material for a test: a host key, an authorized client key,
 * and a second client key that is not authorized.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519 } from '../../src/ssh/generate-key.js';

export interface TestKeys {
  dir: string;
  hostKey: string;
  hostPublic: string;
  /** authorized_keys file holding the client's public key. */
  authorized: string;
  clientKey: string;
  clientPrivate: string;
  strangerKey: string;
  knownHosts: string;
  cleanup(): void;
}

export function makeTestKeys(): TestKeys {
  const dir = mkdtempSync(join(tmpdir(), 'cpud-test-'));
  const host = generateEd25519();
  const client = generateEd25519('test-client');
  const stranger = generateEd25519();
  const write = (name: string, text: string, mode = 0o600): string => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode });
    return path;
  };
  return {
    dir,
    hostKey: write('host_key', host.private),
    hostPublic: host.public,
    authorized: write('authorized_keys', `# test key\n${client.public}\n`, 0o644),
    clientKey: write('client_key', client.private),
    clientPrivate: client.private,
    strangerKey: write('stranger_key', stranger.private),
    knownHosts: write('known_hosts', `* ${host.public}\n`, 0o644),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
