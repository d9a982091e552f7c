/**
 * `node dist/bench/ninep-main.js [--quick] [--profile] [--rounds N] [--baseline DIR]`:
 * prints the 9P throughput section (ninep-bench.ts) as Markdown. DIR is
 * another build of the project (e.g. `git archive` of an older commit, built).
 */
import { runNinepBench } from './ninep-bench.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : undefined;
if (rounds !== undefined && !(rounds >= 1)) {
  process.stderr.write('--rounds needs a number of at least 1\n');
  process.exit(2);
}
const baselineAt = args.indexOf('--baseline');
const baseline = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
const section = await runNinepBench({
  baseline,
  quick: args.includes('--quick'),
  profile: args.includes('--profile'),
  rounds,
});
process.stdout.write(section);
