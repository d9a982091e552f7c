/**
 * The `env` requests of one session, within the limits: how many, how long
 * one may be, and how much all of them may weigh. A refusal names the
 * variable and the limit, never its value (values may be secrets).
 */
import type { Limits } from '../ssh/limits.js';

// Consumed by the session and carried to the helper in a file: only the
// helper's own file limit applies to them, not Linux's exec limits.
const HANDED_IN_A_FILE = new Set(['CPU_FSTAB', 'LC_GLENDA_CPU_FSTAB']);

export class EnvRequests {
  readonly values = new Map<string, string>();
  #limits: Limits;
  #total = 0;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Returns why the variable was refused, or undefined when it was taken. */
  add(name: string, value: string): string | undefined {
    const printable = JSON.stringify(name.slice(0, 64));
    if (!/^[^=\0]+$/.test(name) || value.includes('\0')) return `variable ${printable}: bad name or NUL byte`;
    if (!this.values.has(name) && this.values.size >= this.#limits.maxEnvCount) {
      return `variable ${printable}: more than ${this.#limits.maxEnvCount} variables`;
    }
    const bytes = Buffer.byteLength(name) + 1 + Buffer.byteLength(value);
    const limit = HANDED_IN_A_FILE.has(name) ? this.#limits.maxFstabBytes : this.#limits.maxEnvBytes;
    if (bytes > limit) return `variable ${printable}: ${bytes} bytes, the limit is ${limit}`;

    const old = this.values.get(name);
    const oldBytes = old === undefined ? 0 : Buffer.byteLength(name) + 1 + Buffer.byteLength(old);
    const counted = HANDED_IN_A_FILE.has(name) ? 0 : bytes - oldBytes;
    if (this.#total + counted > this.#limits.maxEnvTotalBytes) {
      return `variable ${printable}: the session's variables would pass ${this.#limits.maxEnvTotalBytes} bytes`;
    }
    this.#total += counted;
    this.values.set(name, value);
    return undefined;
  }
}
