import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint form: `SHA256:` and unpadded base64 of the key blob. */
export function fingerprint(publicBlob: Buffer): string {
  const digest = createHash('sha256').update(publicBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
