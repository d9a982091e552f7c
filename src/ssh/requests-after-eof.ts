import type ssh2 from 'ssh2';

/**
 * ssh2's server refuses every request on a session once the client has sent
 * EOF, but EOF only ends the client's data (RFC 4254 5.3): `cpu host cmd
 * </dev/null` sends it at once and must still be able to signal the command,
 * as sshd allows. The flag is set again when the channel closes.
 */
export function keepRequestsAfterEof(session: ssh2.Session): void {
  session.once('eof', () => {
    (session as unknown as { _ending: boolean })._ending = false;
  });
}
