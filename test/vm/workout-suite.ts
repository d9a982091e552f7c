/**
 * The 9P workout as node:test cases: one boot runs the whole guest script
 * (workout.ts) in `before`, then each case checks one behaviour from the
 * guest's report and from the host's own view of the exported tree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildInitramfs } from './initramfs.js';
import { startVm, type Vm } from './vm.js';
import { workoutScript } from './workout.js';
import { makeWorkoutTree, type WorkoutTree } from './workout-tree.js';
import type { NinepServer } from './ninep-servers.js';
import * as R from './workout-results.js';

export interface WorkoutSuiteOptions {
  /** Starts the server for `root` (as root) and for `nobody` (as uid 65534). */
  servers(tree: WorkoutTree): Promise<[NinepServer, NinepServer]>;
  bigMiB: number;
  /** Names the console log, test/vm/cache/logs/<name>.log. */
  name: string;
}

const WORKOUT_TIMEOUT_MS = 9 * 60_000;

export function workoutSuite(title: string, o: WorkoutSuiteOptions): void {
  describe(title, () => {
    let tree: WorkoutTree | undefined;
    let servers: NinepServer[] = [];
    let vm: Vm | undefined;
    let results: R.WorkoutResults;
    const figures: string[] = [];
    const w = (...parts: string[]): string => join(tree!.root, 'w', ...parts);

    before(async () => {
      const started = Date.now();
      tree = makeWorkoutTree();
      servers = await o.servers(tree);
      const [main, nobody] = servers;
      const initramfs = await buildInitramfs();
      const script = workoutScript({
        ...tree, port: main.port, aname: main.aname,
        nobodyPort: nobody.port, nobodyAname: nobody.aname, bigMiB: o.bigMiB,
      });
      vm = await startVm({ initramfs, script, name: o.name, timeoutMs: WORKOUT_TIMEOUT_MS });
      await vm.waitFor(/^VM-READY/m, 90_000);
      const ready = Date.now();
      await vm.waitFor(/^WORKOUT-DONE/m, WORKOUT_TIMEOUT_MS);
      results = R.parseWorkout(vm.console);
      figures.push(`boot to VM-READY ${((ready - started) / 1000).toFixed(1)} s`,
        `workout ${((Date.now() - ready) / 1000).toFixed(1)} s`);
    }, { timeout: WORKOUT_TIMEOUT_MS + 120_000 });

    after(async () => {
      await vm?.stop();
      for (const server of servers) await server.stop();
      tree?.remove();
      if (vm) figures.push(`console log: ${vm.logPath}`);
      for (const line of figures) process.stderr.write(`${title}: ${line}\n`);
    });

    it('mounts the tree with the kernel client over TCP, as root and as another attach user', () => {
      R.assertChecks(results, 'mount', 'mount-as-nobody');
    });

    it('reads a file made on the host', () => R.assertChecks(results, 'read-host-file'));

    it('writes, appends and truncates files whose bytes the host sees', () => {
      R.assertChecks(results, 'write-read', 'append', 'truncate');
      const seq = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join('');
      assert.equal(readFileSync(w('seq.txt'), 'utf8'), seq);
      assert.equal(readFileSync(w('append.txt'), 'utf8'), 'one\ntwo\n');
      const trunc = readFileSync(w('trunc.txt'));
      assert.ok(trunc.equals(Buffer.concat([Buffer.alloc(100, 'x'), Buffer.alloc(3996)])));
    });

    it('renames files and directories across directories', () => {
      R.assertChecks(results, 'rename', 'rename-dir');
      assert.equal(readFileSync(w('b', 'g'), 'utf8'), 'moved\n');
      assert.equal(readFileSync(w('b', 'sub', 'inner'), 'utf8'), 'inner\n');
      assert.deepEqual(readdirSync(w('a')).sort(), ['s']);
    });

    it('makes hard and symbolic links', () => {
      R.assertChecks(results, 'hardlink', 'symlink');
      assert.equal(lstatSync(w('b', 'g')).ino, lstatSync(w('b', 'h')).ino);
      assert.equal(lstatSync(w('b', 'g')).nlink, 2);
      assert.equal(readlinkSync(w('a', 's')), '../b/g');
    });

    it('changes mode and times, visible through stat on both sides', () => {
      R.assertChecks(results, 'chmod', 'utimes');
      const stat = lstatSync(w('b', 'g'));
      assert.equal(stat.mode & 0o7777, 0o640);
      assert.equal(Math.floor(stat.mtimeMs / 1000), 981173106);
    });

    it('makes and removes directories', () => R.assertChecks(results, 'mkdir-rmdir'));

    it('lists a directory of 5000 entries and creates 500', () => {
      R.assertChecks(results, 'readdir-many', 'create-many');
      assert.equal(readdirSync(w('created')).length, 500);
      figures.push(`readdir of ${tree!.manyCount} entries ${R.seconds(results, 'readdir-seconds').toFixed(1)} s`);
    });

    it(`moves a ${o.bigMiB} MiB file in both directions`, () => {
      R.assertChecks(results, 'big-write-size');
      const md5 = R.checkBigFile(w('big'), o.bigMiB, R.value(results, 'big-body-sha256'));
      assert.equal(R.value(results, 'big-read-md5'), md5, 'what the guest read back');
      for (const dir of ['write', 'read']) {
        const s = R.seconds(results, `big-${dir}-seconds`);
        figures.push(`${dir} ${o.bigMiB} MiB ${s.toFixed(1)} s (${(o.bigMiB / s).toFixed(1)} MiB/s)`);
      }
    });

    it('copies trees with cp -a that diff -r finds equal', () => {
      R.assertChecks(results, 'cp-a', 'diff-r', 'cp-a-into', 'diff-r-into');
      R.assertSameTree(w('tree-copy'), join(tree!.root, 'tree'));
      assertSameFiles(w('modules'), '/lib/modules');
    });

    it('reports ENOENT, EEXIST and ENOTEMPTY as such', () => {
      R.assertChecks(results, 'enoent', 'eexist', 'eexist-link', 'enotempty');
    });

    it('reports EACCES to a guest user the mode bits refuse', () => {
      R.assertChecks(results, 'eacces-guest-user', 'eacces-guest-user-create');
    });

    it('reports EACCES when the server itself cannot open the file', () => {
      R.assertChecks(results, 'read-as-nobody', 'eacces-server');
    });

    it('unmounts cleanly', () => R.assertChecks(results, 'umount'));
  });
}

/** Every regular file under `copy` has the bytes of the same path under `original`. */
function assertSameFiles(copy: string, original: string): void {
  for (const name of readdirSync(copy)) {
    const stat = lstatSync(join(copy, name));
    if (stat.isDirectory()) assertSameFiles(join(copy, name), join(original, name));
    else if (stat.isFile()) {
      assert.ok(readFileSync(join(copy, name)).equals(readFileSync(join(original, name))), join(copy, name));
    }
  }
}
