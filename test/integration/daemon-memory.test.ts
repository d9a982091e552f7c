import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { runSsh } from '../helpers/ssh.js';

function rssMb(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

describe('daemon memory', () => {
  it('gives back the memory of a stream once no connection is left', { timeout: 120_000 }, async () => {
    const daemon = await startDaemon({ args: ['-d'] });
    const pid = daemon.proc.pid as number;
    try {
      const idle = rssMb(pid);
      for (let i = 0; i < 2; i++) {
        const out = await runSsh(daemon, ['head -c 300000000 /dev/zero']);
        assert.equal(out.stdout.length, 300_000_000);
        const input = await runSsh(daemon, ['wc -c'], { input: Buffer.alloc(200_000_000) });
        assert.equal(input.stdout.toString().trim(), '200000000');
      }
      const loaded = rssMb(pid);
      await daemon.waitForLog(/idle: resident memory/, 20_000);
      const released = rssMb(pid);
      console.log(`daemon RSS: idle ${idle.toFixed(1)} MB, after streams ${loaded.toFixed(1)} MB, released ${released.toFixed(1)} MB`);
      // glibc alone keeps tens of MB after such streams (97-105 MB from 57).
      assert.ok(released < idle + 15, `RSS ${released.toFixed(1)} MB after release, ${idle.toFixed(1)} MB at start`);
    } finally {
      await daemon.stop();
    }
  });
});
