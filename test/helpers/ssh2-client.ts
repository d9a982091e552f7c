/**
 * The ssh2 client library, for what OpenSSH's client cannot do (signals,
 * window changes at chosen moments, hostile sequences).
 */
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { TestDaemon } from './daemon.js';

export function connectClient(daemon: TestDaemon, key = daemon.keys.clientKey): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port: daemon.port, username: 'tester', privateKey: readFileSync(key) });
  });
}

export interface ExecOutcome {
  stdout: string;
  stderr: string;
  code?: number;
  signal?: string;
}

/** Resolves when the channel closes, with what the server reported. */
export function collect(channel: ssh2.ClientChannel): Promise<ExecOutcome> {
  const outcome: ExecOutcome = { stdout: '', stderr: '' };
  channel.on('data', (d: Buffer) => (outcome.stdout += d.toString()));
  channel.stderr.on('data', (d: Buffer) => (outcome.stderr += d.toString()));
  channel.on('exit', (code: number | null, signal?: string) => {
    if (code !== null && code !== undefined) outcome.code = code;
    if (signal) outcome.signal = signal;
  });
  return new Promise((resolve) => channel.on('close', () => resolve(outcome)));
}

export function exec(
  client: ssh2.Client,
  command: string,
  options: ssh2.ExecOptions = {},
): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (err, channel) => (err ? reject(err) : resolve(channel)));
  });
}
