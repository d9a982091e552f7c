/**
 * `-srv PROGRAM`: instead of the built-in SSH server, each accepted
 * connection goes to PROGRAM on its stdin and stdout, the way inetd starts
 * `sshd -i` or `dropbear -i`. PROGRAM is split on spaces (no quoting); its
 * stderr is cpud's own when that is safe, else /dev/null (sshd -i and
 * dropbear -i log to syslog anyway).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Socket } from 'node:net';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isRunnable } from '../session/resolve-command.js';

export interface SrvProgramOptions {
  logger: Logger;
  /** May fd 2 be shared with PROGRAM? */
  stderr: boolean;
}

export class SrvProgram {
  #argv: string[];
  #options: SrvProgramOptions;
  #children = new Set<ChildProcess>();
  #count = 0;

  constructor(program: string, options: SrvProgramOptions) {
    this.#argv = program.trim().split(/\s+/);
    this.#options = options;
    // Found wrong at start, not by every client that connects (with
    // execvp's own search path when PATH is unset).
    if (!isRunnable(this.#argv[0], process.env.PATH ?? '/bin:/usr/bin')) {
      throw new CpudError('CPUD_ERR_CFG_FLAG', `flag "-srv": "${this.#argv[0]}" is not an executable program here`);
    }
  }

  get running(): number {
    return this.#children.size;
  }

  /** Hands a socket (from a listener made with pauseOnConnect) to a new PROGRAM. */
  handle(socket: Socket): void {
    const address = (socket.remoteAddress ?? 'unix').replace(/^::ffff:/, '');
    const peer = `${address}:${socket.remotePort ?? 0}`;
    void this.start([socket, socket, this.#options.stderr ? 'inherit' : 'ignore'], peer);
    // The child holds its own copy of the connection now; ours must close,
    // or the client would not see EOF when PROGRAM exits.
    socket.destroy();
  }

  /** Starts PROGRAM on the given stdio; resolves with its exit status. */
  start(stdio: StdioOptions, peer: string): Promise<number> {
    const id = `s${++this.#count}`;
    const log = this.#options.logger.child(id);
    const started = Date.now();
    const child = spawn(this.#argv[0], this.#argv.slice(1), { stdio });
    this.#children.add(child);
    // Without a pid the spawn failed: its 'error' says so, not this line.
    if (child.pid !== undefined) log.info(`connection from ${peer}: started ${this.#argv[0]} (pid ${child.pid})`);

    return new Promise((resolve) => {
      child.once('error', (err) => {
        this.#children.delete(child);
        log.error(`cannot start "${this.#argv[0]}" for ${peer}: ${messageOf(err)}`);
        resolve(127);
      });
      child.once('exit', (code, signal) => {
        this.#children.delete(child);
        const status = signal ? `signal ${signal}` : `status ${code}`;
        log.info(
          `${this.#argv[0]} for ${peer} ended with ${status} after ${Date.now() - started} ms`,
        );
        resolve(code ?? 128);
      });
    });
  }

  /** Sends SIGTERM to every running PROGRAM. */
  close(): void {
    for (const child of this.#children) child.kill('SIGTERM');
  }
}
