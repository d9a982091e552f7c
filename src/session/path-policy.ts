/**
 * PATH for the command. cpu clients send their whole environment, and a
 * laptop's PATH may name folders this host lacks (/opt/homebrew/bin,
 * ~/go/bin). The rule: keep the client's folders that exist here (after the
 * namespace is built, so imported folders count); if none is left, or the
 * client sent no PATH, use the default. Decided in the command's namespace.
 */
import { statSync } from 'node:fs';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function fitPath(clientPath: string | undefined): string {
  if (!clientPath) return DEFAULT_PATH;
  const kept = clientPath.split(':').filter((dir) => dir.startsWith('/') && isDirectory(dir));
  return kept.length > 0 ? [...new Set(kept)].join(':') : DEFAULT_PATH;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
