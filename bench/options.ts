/**
 * What one bench run does: `--quick` keeps the whole run under two minutes
 * on the 2-core machine; the full run streams 1 GB and repeats more.
 * `--servers=cpud-socket,sshd` and `--figures=connect,memory` narrow a run
 * for one change (sshd is always kept: every ratio is to it);
 * `--output=FILE` writes somewhere else than the committed results.
 */
import type { ServerId } from './servers.js';

export const FIGURES = ['connect', 'first-byte', 'burst', 'streams', 'memory'] as const;
export type Figure = (typeof FIGURES)[number];

const SERVER_IDS: readonly ServerId[] = ['cpud', 'cpud-socket', 'cpud-nons', 'sshd', 'dropbear'];

export interface BenchOptions {
  quick: boolean;
  /** Connect + auth + `true` + exit, per server. */
  connectReps: number;
  /** Exec to first byte over an existing connection, per server. */
  firstByteReps: number;
  /** Bytes streamed each way per repetition. */
  streamBytes: number;
  streamReps: number;
  /** Concurrent sessions in one burst, and how many bursts. */
  burstSize: number;
  burstReps: number;
  /** Concurrent idle sessions held open to weigh one session, and rounds. */
  memorySessions: number;
  memoryReps: number;
  output: string;
  /** Servers to start; all when the flag is absent. */
  servers: ReadonlySet<ServerId>;
  figures: ReadonlySet<Figure>;
  /** Whether this run is the whole thing (the committed results). */
  complete: boolean;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const servers = listFlag(argv, '--servers', SERVER_IDS);
  const figures = listFlag(argv, '--figures', FIGURES);
  const output = argv.find((a) => a.startsWith('--output='))?.slice('--output='.length);
  const unknown = argv.filter(
    (a) => a !== '--quick' && !/^--(servers|figures|output)=/.test(a),
  );
  if (unknown.length) {
    throw new Error(
      `bench: unknown argument "${unknown[0]}": expected --quick, --servers=A,B, ` +
        '--figures=A,B, --output=FILE',
    );
  }
  if (servers) servers.add('sshd');
  return {
    quick,
    connectReps: quick ? 8 : 30,
    firstByteReps: quick ? 8 : 30,
    streamBytes: quick ? 100e6 : 1e9,
    streamReps: quick ? 2 : 3,
    burstSize: 32,
    burstReps: quick ? 1 : 3,
    memorySessions: 8,
    memoryReps: quick ? 1 : 2,
    output: output ?? 'bench/results/latest.md',
    servers: servers ?? new Set(SERVER_IDS),
    figures: figures ?? new Set(FIGURES),
    complete: !servers && !figures,
  };
}

function listFlag<T extends string>(
  argv: string[],
  name: string,
  allowed: readonly T[],
): Set<T> | undefined {
  const arg = argv.find((a) => a.startsWith(`${name}=`));
  if (arg === undefined) return undefined;
  const items = arg.slice(name.length + 1).split(',').filter(Boolean);
  const bad = items.find((item) => !allowed.includes(item as T));
  if (bad !== undefined || !items.length) {
    throw new Error(`bench: ${name}: "${bad ?? ''}" is not one of ${allowed.join(', ')}`);
  }
  return new Set(items as T[]);
}
