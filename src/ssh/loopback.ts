import { isIP } from 'node:net';

/** True for names and addresses that stay on this host: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

/** The address to bind for a loopback name ("localhost" binds IPv4). */
export function loopbackBindAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '');
  return bare === 'localhost' ? '127.0.0.1' : bare;
}
