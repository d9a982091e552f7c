/**
 * The proof of our 9P server (src/ninep) against the real Linux 9P client:
 * a Debian kernel in qemu mounts the host's tree over TCP through slirp and
 * runs the file-system workout (workout.ts); the host checks its own tree.
 */
import { workoutSuite } from './workout-suite.js';
import { startOurs, startOursAsNobody } from './ninep-servers.js';

workoutSuite('the kernel 9P client works against serveNinep', {
  name: 'ninep-kernel',
  bigMiB: 200,
  servers: async (tree) => [
    await startOurs(tree.root, process.env.NINEP_TRACE === '1'),
    await startOursAsNobody(tree.nobody),
  ],
});
