/**
 * What a connection faces before it has logged in: the cap on
 * unauthenticated connections (random early drop, as sshd's MaxStartups)
 * and the login grace time. A half-open connection that never speaks costs
 * one socket for at most the grace time, and a flood is shed early.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { shouldDropStartup, type Limits } from './limits.js';

export interface Admission {
  /** The connection logged in: it no longer counts, and its grace timer stops. */
  authenticated(): void;
}

export class PreAuthGate {
  #limits: Limits;
  #log: Logger;
  #pending = 0;

  constructor(limits: Limits, log: Logger) {
    this.#limits = limits;
    this.#log = log;
  }

  get unauthenticated(): number {
    return this.#pending;
  }

  /** Returns undefined when the socket was refused (and destroyed). */
  admit(socket: Socket, peer: string, log: Logger = this.#log): Admission | undefined {
    if (shouldDropStartup(this.#pending, this.#limits.startups)) {
      log.info(`connection from ${peer} dropped: ${this.#pending} connections not yet logged in`);
      socket.destroy();
      return undefined;
    }

    this.#pending++;
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      this.#pending--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      log.info(`connection from ${peer} closed: no login within ${this.#limits.loginGraceMs / 1000}s`);
      release();
      socket.destroy();
    }, this.#limits.loginGraceMs);
    socket.once('close', release);
    return { authenticated: release };
  }
}
