/**
 * A new ed25519 key pair in OpenSSH formats. ssh2 1.17 writes a private key
 * that its own parser rejects ("Malformed OpenSSH private key") for about
 * 1 in 300 keys, so each pair is parsed back and made again if need be.
 */
import ssh2 from 'ssh2';

export interface KeyPairText {
  private: string;
  public: string;
}

export function generateEd25519(comment = ''): KeyPairText {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    const parsed = ssh2.utils.parseKey(pair.private);
    if (!(parsed instanceof Error) && parsed) return pair;
  }
  throw new Error('could not make an ed25519 key that parses back');
}
