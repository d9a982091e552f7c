/**
 * Harness self-check: the same workout against Debian's diod, so a failure
 * in ninep-kernel.test.ts can be told apart from a broken harness.
 */
import { workoutSuite } from './workout-suite.js';
import { startDiod } from './ninep-servers.js';

workoutSuite('the VM harness drives the kernel 9P client against diod', {
  name: 'ninep-diod',
  bigMiB: 16,
  servers: async (tree) => [await startDiod(tree.root), await startDiod(tree.nobody, true)],
});
