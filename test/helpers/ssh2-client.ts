/**
 * The ssh2 client library, for what OpenSSH's client cannot do (signals,
 * window changes at chosen moments, hostile sequences).
 */
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { TestDaemon } from './daemon.js';

export function connectClient(
  daemon: TestDaemon,
  key = daemon.keys.clientKey,
  username = 'tester',
): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port: daemon.port, username, privateKey: readFileSync(key) });
  });
}

export interface ExecOutcome {
  stdout: string;
  stderr: string;
  code?: number;
  signal?: string;
}

/** Resolves when the channel closes, with what the server reported. */
/**
 * Data waits in the channel's stream until read, but 'exit' is a plain
 * event: a command that ends at once can have its status parsed from the
 * same TCP read as the exec reply, before the caller's `await exec()`
 * resumes. exec() therefore records the status from the start.
 */
const exits = new WeakMap<ssh2.ClientChannel, Pick<ExecOutcome, 'code' | 'signal'>>();

function recordExit(channel: ssh2.ClientChannel): void {
  const status: Pick<ExecOutcome, 'code' | 'signal'> = {};
  exits.set(channel, status);
  channel.on('exit', (code: number | null, signal?: string) => {
    if (code !== null && code !== undefined) status.code = code;
    if (signal) status.signal = signal;
  });
}

/** The status recorded since exec() for `channel` (filled when 'exit' came). */
export function exitOf(channel: ssh2.ClientChannel): Pick<ExecOutcome, 'code' | 'signal'> {
  if (!exits.has(channel)) recordExit(channel);
  return exits.get(channel) as Pick<ExecOutcome, 'code' | 'signal'>;
}

export function collect(channel: ssh2.ClientChannel): Promise<ExecOutcome> {
  const status = exitOf(channel);
  const outcome: ExecOutcome = { stdout: '', stderr: '' };
  channel.on('data', (d: Buffer) => (outcome.stdout += d.toString()));
  channel.stderr.on('data', (d: Buffer) => (outcome.stderr += d.toString()));
  return new Promise((resolve) =>
    channel.on('close', () => resolve({ ...outcome, ...status })),
  );
}

export function exec(
  client: ssh2.Client,
  command: string,
  options: ssh2.ExecOptions = {},
): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (err, channel) => {
      if (err) return reject(err);
      recordExit(channel);
      resolve(channel);
    });
  });
}

/** One command on a connection of its own, with these environment variables. */
export async function runOnce(
  daemon: TestDaemon,
  command: string,
  env: Record<string, string> = {},
): Promise<ExecOutcome> {
  const client = await connectClient(daemon);
  try {
    return await collect(await exec(client, command, { env }));
  } finally {
    client.end();
  }
}
