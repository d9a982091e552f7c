/**
 * The init role: PID 1 of a boot image whose /init is cpud (or `-init`).
 * It sets up the machine, then runs the daemon role in a child process and
 * reaps every other process that ends up as its child.
 *
 * Why a child and not the daemon in this process: the daemon's sessions are
 * spawned by child_process and node-pty, which wait for their own pids. In
 * one process, the reaper would have to know every such pid before it
 * could die, from code it does not own. With the daemon one level down, the
 * only child this process spawns is the daemon, so "not owned" is exactly
 * "an orphan", and session exit statuses are out of the reaper's reach by
 * construction. It also means a crashed daemon is restarted, not a kernel
 * panic ("Attempted to kill init!").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { setUpMachine } from './machine-setup.js';
import { loadNative, type CpudNative } from '../util/native.js';
import { OrphanReaper } from './orphan-reaper.js';

const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;
/** A daemon that ran this long before dying restarts at once. */
const HEALTHY_RUN_MS = 60_000;

export async function runInit(argv: readonly string[], log: Logger): Promise<void> {
  const pid1 = process.pid === 1;
  // PID 1 never exits: the kernel panics. Log and keep serving.
  process.on('uncaughtException', (err) =>
    log.error(`init: unexpected failure, going on: ${messageOf(err)}`),
  );
  let native: CpudNative | undefined;
  try {
    native = loadNative();
  } catch (err) {
    // Serving matters more than tidiness: run the daemon without them.
    log.error(`init: ${messageOf(err)}; no machine set-up and no orphan reaping`);
  }

  if (native && pid1) {
    const { mounted, failed } = setUpMachine(native, log);
    log.info(
      `init: PID 1; mounted ${mounted.join(' ') || 'nothing (all present)'}` +
        (failed.length ? `; failed ${failed.join(' ')}` : ''),
    );
  } else if (native) {
    const rc = native.setChildSubreaper();
    if (rc !== 0) log.warn(`init: cannot become a child subreaper: errno ${-rc}`);
    log.info(
      `init: not PID 1 (pid ${process.pid}): no machine set-up; reaping as a child subreaper`,
    );
  }

  const supervisor = new DaemonSupervisor(argv, log);
  if (native) new OrphanReaper(native, { logger: log, owned: () => supervisor.owned }).start();
  supervisor.start();

  process.on('SIGHUP', () => supervisor.signal('SIGHUP'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (pid1) {
        log.info(`init: ${signal} ignored: PID 1 keeps serving`);
        return;
      }
      log.info(`init: ${signal}: stopping the daemon, then exiting`);
      supervisor.stop(signal);
    });
  }
}

/** Runs the daemon role as a child and restarts it when it ends. */
class DaemonSupervisor {
  #argv: string[];
  #log: Logger;
  #child: ChildProcess | undefined;
  #owned = new Set<number>();
  #delayMs = RESTART_MIN_MS;
  #stopping = false;

  constructor(argv: readonly string[], log: Logger) {
    // The child must be the daemon: without -init, not PID 1, no CPUD_SESSION.
    this.#argv = argv.filter((word) => !/^--?init(=.*)?$/.test(word));
    this.#log = log;
  }

  get owned(): ReadonlySet<number> {
    return this.#owned;
  }

  start(): void {
    const env = { ...process.env };
    delete env.CPUD_SESSION;
    const started = Date.now();
    const child = spawn(process.execPath, [process.argv[1], ...this.#argv], {
      env,
      stdio: 'inherit',
    });
    // Registered before any sweep can run: both happen on this thread.
    if (child.pid) this.#owned.add(child.pid);
    this.#child = child;
    this.#log.info(`init: daemon started (pid ${child.pid ?? '?'})`);

    child.once('error', (err) =>
      this.#log.error(`init: cannot start the daemon: ${messageOf(err)}`),
    );
    child.once('close', (code, signal) => {
      if (child.pid) this.#owned.delete(child.pid);
      if (this.#stopping) process.exit(0);
      if (Date.now() - started >= HEALTHY_RUN_MS) this.#delayMs = RESTART_MIN_MS;
      const status = signal ? `signal ${signal}` : `status ${code}`;
      this.#log.error(`init: daemon ended with ${status}; restarting in ${this.#delayMs} ms`);
      setTimeout(() => this.start(), this.#delayMs);
      this.#delayMs = Math.min(this.#delayMs * 2, RESTART_MAX_MS);
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  stop(signal: NodeJS.Signals): void {
    this.#stopping = true;
    if (!this.#child || this.#child.exitCode !== null || this.#child.signalCode !== null)
      process.exit(0);
    this.#child.kill(signal);
  }
}
