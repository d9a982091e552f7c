/**
 * Tells systemd how the daemon is doing (sd_notify(3)): `READY=1` once it
 * serves, `STATUS=` lines, `WATCHDOG=1` every half `WATCHDOG_USEC`, and
 * `STOPPING=1` when it shuts down. Only when `NOTIFY_SOCKET` is set.
 *
 * Node has no AF_UNIX datagram sockets (nodejs/node#29339), so the messages
 * go through the optional `sd-notify` addon (libsystemd's own sd_notify).
 * Where it did not build (no libsystemd headers), `systemd-notify` does the
 * same from the command line: systemd 252 run as root sends it with our pid,
 * so `NotifyAccess=main` accepts it. With neither, notification is off and
 * the debug log says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '../log/logger.js';

interface SdNotify {
  ready(): void;
  stopping(pid: number): void;
  watchdog(): void;
  sendStatus(text: string): void;
}

type Send = (fields: string[]) => void;

export class Notifier {
  #send: Send | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #lastStatus = '';

  /** How it will notify, or undefined when it won't. */
  readonly via: 'sd-notify' | 'systemd-notify' | undefined;

  constructor(log: Logger, env: NodeJS.ProcessEnv = process.env) {
    if (!env.NOTIFY_SOCKET) {
      this.via = undefined;
      return;
    }
    const addon = loadSdNotify();
    if (addon) {
      this.via = 'sd-notify';
      this.#send = (fields) => sendWithAddon(addon, fields);
    } else if (hasCommand('systemd-notify')) {
      this.via = 'systemd-notify';
      this.#send = sendWithCommand;
    } else {
      this.via = undefined;
      log.debug(
        'notify: NOTIFY_SOCKET is set but neither sd-notify nor systemd-notify ' +
          'is available; not notifying',
      );
      return;
    }
    log.debug(`notify: via ${this.via} to "${env.NOTIFY_SOCKET}"`);
    this.#startWatchdog(env, log);
  }

  ready(status: string): void {
    this.#lastStatus = status;
    this.#send?.(['READY=1', `STATUS=${status}`]);
  }

  /** Sends STATUS= only when the text changed. */
  status(text: string): void {
    if (text === this.#lastStatus) return;
    this.#lastStatus = text;
    this.#send?.([`STATUS=${text}`]);
  }

  stopping(status: string): void {
    this.#stopWatchdog();
    this.#send?.(['STOPPING=1', `STATUS=${status}`]);
  }

  #startWatchdog(env: NodeJS.ProcessEnv, log: Logger): void {
    const usec = Number(env.WATCHDOG_USEC);
    // sd_watchdog_enabled(3): WATCHDOG_PID, when set, must be our pid.
    if (!(usec > 0) || (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid)) return;
    const everyMs = Math.max(1, Math.floor(usec / 2000));
    this.#watchdog = setInterval(() => this.#send?.(['WATCHDOG=1']), everyMs);
    this.#watchdog.unref();
    log.debug(`notify: watchdog every ${everyMs} ms`);
  }

  #stopWatchdog(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }
}

function loadSdNotify(): SdNotify | undefined {
  try {
    return createRequire(import.meta.url)('sd-notify') as SdNotify;
  } catch {
    return undefined;
  }
}

function sendWithAddon(addon: SdNotify, fields: string[]): void {
  for (const field of fields) {
    if (field === 'READY=1') addon.ready();
    else if (field === 'STOPPING=1') addon.stopping(process.pid);
    else if (field === 'WATCHDOG=1') addon.watchdog();
    else if (field.startsWith('STATUS=')) addon.sendStatus(field.slice('STATUS='.length));
  }
}

function sendWithCommand(fields: string[]): void {
  const child = spawn('systemd-notify', fields, { stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}
