/**
 * One trace line per message (-dbg9p), e.g.
 *   <- Twalk tag=3 fid=1 newfid=2 wnames=[usr,bin]
 *   -> Rwalk tag=3 qids=2
 * Data fields show their length only; file contents never reach the log.
 */
import { QidType } from './constants.js';
import type { Message, Qid } from './messages.js';

export function traceLine(arrow: '<-' | '->', msg: Message): string {
  const parts = [`${arrow} ${msg.type} tag=${msg.tag}`];
  for (const [key, value] of Object.entries(msg)) {
    if (key === 'type' || key === 'tag') continue;
    parts.push(`${key}=${show(value)}`);
  }
  return parts.join(' ');
}

function show(value: unknown): string {
  if (Buffer.isBuffer(value)) return `${value.length}b`;
  if (Array.isArray(value)) {
    const names = value.every((v) => typeof v === 'string');
    return names ? `[${value.join(',')}]` : String(value.length);
  }
  if (typeof value === 'object' && value !== null) return showQid(value as Qid);
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function showQid(q: Qid): string {
  const kind = q.type & QidType.DIR ? 'dir' : q.type & QidType.SYMLINK ? 'link' : 'file';
  return `(${kind} ${q.path.toString(16)} v${q.version})`;
}
