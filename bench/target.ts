/**
 * A server as the measurements see it: where to connect, which process
 * tree to weigh, and why it is missing when it could not be started.
 */
import type { ServerProcess } from './server-process.js';
import type { ServerId } from './servers.js';

export interface Target {
  id: ServerId;
  label: string;
  port: number;
  user: string;
  server?: ServerProcess;
  /** False for a server compared on latency only (no shell to stream through). */
  streams: boolean;
  /** Set when the server could not be started or refused a first login. */
  unavailable?: string;
}

export type Samples = Map<ServerId, number[]>;

export function live(targets: Target[]): Target[] {
  return targets.filter((t) => !t.unavailable && t.server);
}

export function push(samples: Samples, id: ServerId, value: number): void {
  const list = samples.get(id) ?? [];
  list.push(value);
  samples.set(id, list);
}
