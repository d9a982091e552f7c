/**
 * The stage of an attack file: a daemon, warmed up (pipes and a pty used
 * once, so lazily loaded code is in the baseline), its holdings measured,
 * and five steady clients running. `finish()` stops them, checks they never
 * failed, and checks the daemon gave back everything the attacks cost.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDaemon, type DaemonOptions, type TestDaemon } from './daemon.js';
import { describeHoldings, holdings, type Holdings } from './hostile-probe.js';
import { startSteadyClients, type SteadyClients } from './hostile-steady.js';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { collect, connectClient, exec } from './ssh2-client.js';

/** Memory the daemon may keep after the attacks: V8 returns heap pages lazily. */
export const RSS_NOISE_MB = 30;

export interface Arena {
  daemon: TestDaemon;
  baseline: Holdings;
  /** The daemon still runs and a new client still gets a command's output. */
  assertServing(): Promise<void>;
  finish(): Promise<{ baseline: Holdings; after: Holdings; runs: number }>;
}

export interface ArenaOptions extends DaemonOptions {
  /**
   * Sessions run before the baseline, 8 at a time: V8 grows its heap to the
   * load it meets and keeps it, which is not a leak. Measured here: RSS rises
   * by about 20 MB over the first thousand sessions and then stays flat.
   */
  warmSessions?: number;
  /** Memory the daemon may keep over its baseline (default RSS_NOISE_MB). */
  rssNoiseMb?: number;
}

export async function openArena(options: ArenaOptions = {}): Promise<Arena> {
  const daemon = await startDaemon(options);
  const pid = daemon.proc.pid!;
  const warm = await connectClient(daemon);
  await collect(await exec(warm, 'echo warm'));
  await collect(await exec(warm, 'echo warm', { pty: { rows: 24, cols: 80 } }));
  let left = options.warmSessions ?? 0;
  const worker = async (): Promise<void> => {
    for (; left > 0; left--) await collect(await exec(warm, 'true'));
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  warm.end();
  await settle(pid, (h) => h.descendants.length === 0 && h.ptys === 0);
  await sleep(500);
  const baseline = holdings(pid);
  const steady: SteadyClients = await startSteadyClients(daemon);

  const assertServing = async (): Promise<void> => {
    assert.equal(daemon.proc.exitCode, null, `the daemon exited:\n${daemon.logs.slice(-20).join('\n')}`);
    assert.equal(daemon.proc.signalCode, null, 'the daemon was killed by a signal');
    let lastError: unknown;
    // A flood may still fill the early-drop window: a few tries, as a real client would.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const client = await connectOnce(daemon);
        const outcome = await collect(await exec(client, 'echo alive'));
        client.end();
        assert.deepEqual(outcome, { stdout: 'alive\n', stderr: '', code: 0 });
        return;
      } catch (err) {
        lastError = err;
        await sleep(300);
      }
    }
    const logs = daemon.logs.slice(-15).join("\n");
    throw new Error(`the daemon no longer serves: ${String(lastError)}\n${logs}`);
  };

  const finish = async (): Promise<{ baseline: Holdings; after: Holdings; runs: number }> => {
    const report = await steady.stop();
    assert.deepEqual(report.failures, [], 'the well-behaved sessions failed');
    assert.ok(report.runs >= 5, `only ${report.runs} well-behaved sessions ran`);
    const back = (h: Holdings): boolean =>
      h.fds <= baseline.fds && h.ptys <= baseline.ptys && h.descendants.length === 0;
    await settle(pid, back, 20_000);
    // Give V8 a few seconds to collect and return what the attacks allocated.
    await sleep(3000);
    const after = holdings(pid);
    const figures = `baseline: ${describeHoldings(baseline)}\nafter:    ${describeHoldings(after)}`;
    await daemon.stop();
    assert.ok(after.fds <= baseline.fds, `descriptors leaked\n${figures}`);
    assert.ok(after.ptys <= baseline.ptys, `ptys leaked\n${figures}`);
    assert.deepEqual(after.descendants, [], `processes left\n${figures}`);
    assert.deepEqual(after.mounts, baseline.mounts, `host mounts changed\n${figures}`);
    assert.ok(after.rssMb <= baseline.rssMb + (options.rssNoiseMb ?? RSS_NOISE_MB), `memory kept\n${figures}`);
    return { baseline, after, runs: report.runs };
  };

  return { daemon, baseline, assertServing, finish };
}

/** Waits until `done` holds for the daemon's holdings (or the time is up). */
export async function settle(
  pid: number,
  done: (h: Holdings) => boolean,
  timeoutMs = 10_000,
): Promise<Holdings> {
  const deadline = Date.now() + timeoutMs;
  let h = holdings(pid);
  while (!done(h) && Date.now() < deadline) {
    await sleep(200);
    h = holdings(pid);
  }
  return h;
}

// connectClient rejects on the first error only; a dropped connection may report two.
function connectOnce(daemon: TestDaemon): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.once('ready', () => resolve(client));
    client.connect({
      host: '127.0.0.1',
      port: daemon.port,
      username: 'tester',
      privateKey: readFileSync(daemon.keys.clientKey),
    });
  });
}
