/**
 * What one bench run does: `--quick` keeps the whole run under two minutes
 * on the 2-core machine; the full run streams 1 GB and repeats more.
 */
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
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length) {
    throw new Error(`bench: unknown argument "${unknown[0]}": expected nothing or --quick`);
  }
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
    output: 'bench/results/latest.md',
  };
}
