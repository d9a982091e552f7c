import type ssh2 from 'ssh2';

interface ChannelInternals {
  outgoing: { id: number; state: string };
  _client: { _protocol: { signal(id: number, name: string): void } };
}

/**
 * Sends a `signal` request on a session channel. ssh2's `Channel.signal()`
 * drops it once the channel's stdin has ended, yet RFC 4254 lets requests
 * follow an EOF, and `cpu host cmd </dev/null` must stay interruptible.
 */
export function signalChannel(channel: ssh2.ClientChannel, name: string): void {
  const inner = channel as unknown as ChannelInternals;
  const { state, id } = inner.outgoing;
  if (state === 'open' || state === 'eof') inner._client._protocol.signal(id, name);
}
