/**
 * The machine facts cpud advertises: architecture and OS by Go's names,
 * cores, memory, and how busy the processors were since the last look.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { goArch, goOs } from './go-names.js';
import type { TxtRecord } from './txt-record.js';

interface CpuTimes {
  busy: number;
  total: number;
}

export class SystemStats {
  #last: CpuTimes | undefined;
  readonly #procDir: string;

  constructor(options: { procDir?: string } = {}) {
    this.#procDir = options.procDir ?? '/proc';
  }

  /** Facts that never change while cpud runs. */
  static fixed(): TxtRecord {
    return { arch: goArch(), os: goOs(), cores: String(availableParallelism()) };
  }

  /** Memory in bytes and the busy percentage since the previous call (since boot, first). */
  sample(): TxtRecord {
    const memory = this.#memory();
    return {
      'mem.avail': String(memory.avail),
      'mem.total': String(memory.total),
      'cpu.pcnt': String(this.#busyPercent()),
    };
  }

  #memory(): { avail: number; total: number } {
    try {
      const text = readFileSync(`${this.#procDir}/meminfo`, 'utf8');
      // MemAvailable (Linux 3.14+) counts reclaimable cache; MemFree does not.
      const kib = (name: string): number | undefined => {
        const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
        return match ? Number(match[1]) * 1024 : undefined;
      };
      const total = kib('MemTotal');
      const avail = kib('MemAvailable') ?? kib('MemFree');
      if (total !== undefined && avail !== undefined) return { avail, total };
    } catch {
      // No /proc (a bare init before it is mounted): Node's figures will do.
    }
    return { avail: freemem(), total: totalmem() };
  }

  #busyPercent(): number {
    const now = this.#cpuTimes();
    if (!now) return 0;
    const last = this.#last ?? { busy: 0, total: 0 };
    this.#last = now;
    const total = now.total - last.total;
    if (total <= 0) return 0;
    return Math.round((100 * (now.busy - last.busy)) / total);
  }

  #cpuTimes(): CpuTimes | undefined {
    try {
      const line = readFileSync(`${this.#procDir}/stat`, 'utf8').split('\n', 1)[0];
      // proc(5): "cpu user nice system idle iowait irq softirq steal guest guest_nice";
      // guest time is already inside user and nice, so only the first eight add up.
      const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
      if (ticks.length < 4 || ticks.some((n) => !Number.isFinite(n))) return undefined;
      const total = ticks.reduce((a, b) => a + b, 0);
      const idle = ticks[3] + (ticks[4] ?? 0);
      return { busy: total - idle, total };
    } catch {
      return undefined;
    }
  }
}
