/**
 * Well-behaved clients that keep working while the attacks run: each holds
 * its own connection (so the flood's early drop never touches it) and runs
 * sessions in a loop, checking the sha256 of every output and its status.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type ssh2 from 'ssh2';
import type { TestDaemon } from './daemon.js';
import { connectClient, exec, exitOf } from './ssh2-client.js';

export interface SteadyReport {
  runs: number;
  failures: string[];
}

export interface SteadyClients {
  stop(): Promise<SteadyReport>;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function expected(index: number): { command: string; stdout: string; status: number } {
  const count = 1000 * (index + 1);
  const lines = Array.from({ length: count }, (_, i) => `${i + 1}\n`).join('');
  return { command: `seq 1 ${count}; exit ${index + 3}`, stdout: sha256(lines), status: index + 3 };
}

interface Outcome {
  stdout: string;
  status?: number;
  signal?: string;
}

function run(client: ssh2.Client, command: string): Promise<Outcome> {
  return exec(client, command).then(
    (channel) =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        const outcome: Outcome = { stdout: '' };
        channel.on('data', (d: Buffer) => chunks.push(d));
        channel.stderr.resume();
        const exit = exitOf(channel);
        channel.on('close', () =>
          resolve({ ...outcome, status: exit.code, signal: exit.signal, stdout: sha256(Buffer.concat(chunks)) }),
        );
      }),
  );
}

export async function startSteadyClients(daemon: TestDaemon, count = 5): Promise<SteadyClients> {
  const report: SteadyReport = { runs: 0, failures: [] };
  const clients = await Promise.all(Array.from({ length: count }, () => connectClient(daemon)));
  let stopping = false;

  const loop = async (client: ssh2.Client, index: number): Promise<void> => {
    client.on('error', (err) => report.failures.push(`client ${index}: ${err.message}`));
    client.on('close', () => {
      if (!stopping) report.failures.push(`client ${index}: connection closed`);
    });
    const want = expected(index);
    while (!stopping) {
      try {
        const got = await run(client, want.command);
        report.runs++;
        if (got.stdout !== want.stdout || got.status !== want.status) {
          report.failures.push(
            `client ${index} run ${report.runs}: status ${got.status} signal ${got.signal}, ` +
              `sha256 ${got.stdout === want.stdout ? 'as expected' : 'wrong'}`,
          );
        }
      } catch (err) {
        report.failures.push(`client ${index}: ${(err as Error).message}`);
        await sleep(200);
      }
      await sleep(100);
    }
  };
  const loops = clients.map((client, i) => loop(client, i));

  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      for (const client of clients) client.end();
      return report;
    },
  };
}
