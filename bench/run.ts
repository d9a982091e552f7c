/**
 * `npm run bench [-- --quick]`: starts every server on loopback ports of its
 * own, drives them all with OpenSSH's ssh in alternation, prints the table
 * and writes it to bench/results/latest.md. Exits 0 whatever the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { burst } from './burst.js';
import { makeBenchKeys, type BenchKeys } from './bench-keys.js';
import { addBenchUser } from './bench-user.js';
import { connectLatency, execFirstByte, newFailures } from './latency.js';
import { machineInfo } from './machine.js';
import {
  bareNodeMemory,
  idleMemory,
  sessionMemory,
  type MemorySamples,
  type ProcessMemory,
} from './memory.js';
import { parseBenchOptions, type BenchOptions, type Figure } from './options.js';
import { runNinepBench } from './ninep-bench.js';
import { renderReport, type Goal, type Metric } from './report.js';
import { freePort, sleep } from './server-process.js';
import { REPO, SERVERS } from './servers.js';
import { sshArgs } from './ssh-client.js';
import type { Samples, Target } from './target.js';
import { streamIn, streamOut } from './throughput.js';
import { timedRun } from './timed-run.js';

const CONNECT = 'connect + auth + `true` + exit (ms)';
const FIRST_BYTE = 'exec to first byte, open connection (ms)';
const OUT = 'output stream (MB/s)';
const IN = 'input stream (MB/s)';
const RATE = 'burst of 32: sessions/s';
const WORST = 'burst of 32: worst latency (ms)';
const IDLE = 'idle RSS, server process (MB)';
const IDLE_ANON = 'idle RSS, server process: anonymous part (MB)';
const IDLE_AFTER = 'idle RSS after the load (MB)';
const SESSION_RSS = 'per extra session, tree RSS (MB)';
const SESSION_PSS = 'per extra session, tree PSS (MB)';

const GOALS: Goal[] = [
  { server: 'cpud', metric: CONNECT, limit: 1.0 },
  { server: 'cpud', metric: OUT, limit: 0.9 },
  { server: 'cpud', metric: IN, limit: 0.9 },
  { server: 'cpud', metric: RATE, limit: 1.0 },
  { server: 'cpud', metric: IDLE, limit: 4.0 },
  { server: 'cpud-socket', metric: CONNECT, limit: 2.0 },
];

function memorySamples(): MemorySamples {
  return {
    idleRss: new Map(),
    idleAnon: new Map(),
    idleTreeRss: new Map(),
    sessionRss: new Map(),
    sessionPss: new Map(),
  };
}

// Where the idle target stands against what Node itself costs, in the same run.
function floorNote(floor: ProcessMemory, memory: MemorySamples): string {
  const sshd = memory.idleRss.get('sshd')?.[0];
  const times = sshd ? ` (${(floor.rssMb / sshd).toFixed(2)}x sshd's idle RSS)` : '';
  return (
    `- Node's floor: a bare \`node\` that only waits idles at ${floor.rssMb.toFixed(1)} MB RSS` +
    `${times}, ${floor.anonMb.toFixed(1)} MB of it anonymous; the rest is the node binary's ` +
    'own mapped pages, shared with every Node process and reclaimable.'
  );
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date();
  const keys = makeBenchKeys();
  const user = addBenchUser(keys.dir, keys.clientPublic);
  const targets = await startTargets(keys, user.name, options);
  const stopAll = async (): Promise<void> => {
    await Promise.all(targets.map((t) => t.server?.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    const failures = newFailures();
    const memory = memorySamples();
    const afterLoad = memorySamples();
    let nodeFloor: ProcessMemory | undefined;
    const phase = timer();

    const wanted = (figure: Figure): boolean => options.figures.has(figure);
    const none = async (): Promise<Samples> => new Map();

    if (wanted('memory')) {
      idleMemory(targets, memory);
      nodeFloor = await bareNodeMemory();
    }
    const connect = wanted('connect')
      ? await connectLatency(targets, keys, { reps: options.connectReps, failures })
      : await none();
    phase('connect');
    const firstByte = wanted('first-byte')
      ? await execFirstByte(targets, keys, { reps: options.firstByteReps, failures })
      : await none();
    phase('exec to first byte');
    const bursts = wanted('burst')
      ? await burst(targets, keys, { size: options.burstSize, reps: options.burstReps, failures })
      : { rate: await none(), worst: await none() };
    phase('burst');
    const stream = { bytes: options.streamBytes, reps: options.streamReps, failures };
    const out = wanted('streams') ? await streamOut(targets, keys, stream) : await none();
    phase('stream out');
    const input = wanted('streams') ? await streamIn(targets, keys, stream) : await none();
    phase('stream in');
    if (wanted('memory')) {
      await sessionMemory(targets, keys, {
        sessions: options.memorySessions,
        reps: options.memoryReps,
        failures,
        into: memory,
      });
      idleMemory(targets, afterLoad);
    }
    phase('memory');

    const metrics: Metric[] = [
      { title: CONNECT, better: 'lower', samples: connect, digits: 1 },
      { title: FIRST_BYTE, better: 'lower', samples: firstByte, digits: 1 },
      { title: OUT, better: 'higher', samples: out, digits: 0 },
      { title: IN, better: 'higher', samples: input, digits: 0 },
      { title: RATE, better: 'higher', samples: bursts.rate, digits: 1 },
      { title: WORST, better: 'lower', samples: bursts.worst, digits: 0 },
      { title: IDLE, better: 'lower', samples: memory.idleRss, digits: 1 },
      { title: IDLE_ANON, better: 'lower', samples: memory.idleAnon, digits: 1 },
      { title: IDLE_AFTER, better: 'lower', samples: afterLoad.idleRss, digits: 1 },
      { title: SESSION_RSS, better: 'lower', samples: memory.sessionRss, digits: 1 },
      { title: SESSION_PSS, better: 'lower', samples: memory.sessionPss, digits: 1 },
    ];
    await stopAll();
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const text = renderReport({
      options,
      machine: machineInfo(),
      targets,
      metrics,
      goals: GOALS,
      failures,
      startedAt,
      seconds,
      notes: nodeFloor ? [floorNote(nodeFloor, memory)] : [],
    });
    // The 9P comparison boots a VM: the full run has it, --quick leaves it to
    // `npm run bench:9p` so that it stays under two minutes.
    const ninep =
      options.quick || !options.complete ? '' : `\n${await runNinepBench({ quick: false })}`;
    const file = resolve(REPO, options.output);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text + ninep);
    process.stdout.write(`${text}${ninep}\nwritten to ${options.output}\n`);
  } finally {
    await stopAll();
    user.remove();
    keys.cleanup();
  }
}

/** Starts each server; one that fails to start or to log in is reported n/a. */
async function startTargets(
  keys: BenchKeys,
  user: string,
  options: BenchOptions,
): Promise<Target[]> {
  const targets: Target[] = [];
  for (const spec of SERVERS.filter((s) => options.servers.has(s.id))) {
    const port = await freePort();
    const target: Target = { id: spec.id, label: spec.label, port, user, streams: spec.streams };
    targets.push(target);
    try {
      target.server = await spec.start(keys, port);
    } catch (err) {
      target.unavailable = `did not start: ${(err as Error).message.split('\n')[0]}`;
      continue;
    }
    const why = await firstLogins(target, keys);
    if (why !== undefined) {
      target.unavailable =
        spec.id === 'cpud-socket' ? `role not available: ${why}` : `no login: ${why}`;
      await target.server.stop();
    }
    log(`${spec.label}: ${target.unavailable ?? `port ${port}, pid ${target.server.pid}`}`);
  }
  return targets;
}

/**
 * Two logins, which also warm up what a server loads lazily. A failed one
 * is tried again after a pause (a machine shared with VMs and test runs has
 * moments where a fresh process starts very slowly), and what the server
 * itself printed is kept: the client only ever says "connection reset".
 */
async function firstLogins(target: Target, keys: BenchKeys): Promise<string | undefined> {
  let fails = 0;
  for (let ok = 0; ok < 2; ) {
    const run = await timedRun('ssh', [...sshArgs(target, keys), 'echo ok'], {
      timeoutMs: 20_000,
    });
    if (run.code === 0 && run.head.startsWith('ok')) {
      ok++;
      continue;
    }
    const client = run.stderr.trim().split('\n').pop() || `status ${run.code ?? run.signal}`;
    log(`${target.label}: first login failed: ${client}`);
    if (++fails < 3) {
      await sleep(2000);
      continue;
    }
    const server = serverLines(target.server?.log() ?? '');
    return server ? `${client}; the server said: ${server}` : client;
  }
  return undefined;
}

/** The server's last lines that are not routine, on one line. */
function serverLines(text: string): string {
  const routine = new RegExp(
    '^(Listening on|Communication attempt|Connection from|Spawned|Execing|' +
      'Child \\d+ died with code 0)|: info: ',
  );
  return text
    .split('\n')
    .filter((line) => line.trim() && !routine.test(line))
    .slice(-3)
    .join(' | ')
    .slice(0, 600);
}

function timer(): (name: string) => void {
  let last = Date.now();
  return (name) => {
    const now = Date.now();
    log(`${name}: ${((now - last) / 1000).toFixed(1)} s`);
    last = now;
  };
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
