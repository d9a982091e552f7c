/**
 * One SSH session channel: its env and pty requests, one exec or shell, the
 * signals and window changes that follow, then exit-status (or exit-signal)
 * after the last byte of output, EOF and close, in that order.
 */
import type ssh2 from 'ssh2';
import { CpudError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Limits } from '../ssh/limits.js';
import { EnvRequests } from './env-requests.js';
import { commandEnv } from './command-env.js';
import { parseExecString, type ExecRequest } from './exec-string.js';
import { helperCommand, helperEnv, remoteHelperCommand, type HelperCommand } from './helper-command.js';
import { fitPath } from './path-policy.js';
import { startPipeCommand } from './pipe-command.js';
import { removeRemoteConfig, writeRemoteConfig, type RemoteConfig } from './remote-config.js';
import { resolveCommand } from './resolve-command.js';
import type { CommandExit, RunningCommand, TerminalSize } from './running-command.js';
import { parseSignalName, parseTerminalSize } from './session-requests.js';

export interface SessionOptions {
  logger: Logger;
  /** "peer-ip peer-port local-ip local-port". */
  connection: string;
  runtimeDir: string;
  /** Commands get a private mount namespace (cpud is root). */
  namespace: boolean;
  dbg9p: boolean;
  user: string;
  limits: Limits;
  /** How long a hung-up command has between SIGHUP and SIGKILL. */
  hangupGraceMs: number;
  onStart?: () => void;
  onEnd?: () => void;
}

interface PtyRequest {
  term: string;
  size: TerminalSize;
}

export class Session {
  #options: SessionOptions;
  #log: Logger;
  #env: EnvRequests;
  #pty: PtyRequest | undefined;
  #command: RunningCommand | undefined;
  #started = false;
  #closed = false;
  #envRefusals = 0;
  #killTimer: NodeJS.Timeout | undefined;
  #markEnded!: () => void;
  /** Settles when the session is over: its command reported, or none ran. */
  readonly ended: Promise<void> = new Promise((resolve) => (this.#markEnded = resolve));

  constructor(session: ssh2.Session, options: SessionOptions) {
    this.#options = options;
    this.#log = options.logger;
    this.#env = new EnvRequests(options.limits);

    session.on('env', (accept, reject, info) => {
      const refusal = this.#started ? 'the command already runs' : this.#env.add(info.key, info.val);
      if (refusal === undefined) {
        accept?.();
        return;
      }
      // One line at info per session: a client can send a thousand.
      const later = this.#envRefusals++ > 0;
      if (later) this.#log.debug(`env request refused: ${refusal}`);
      else this.#log.info(`env request refused: ${refusal} (any more in this session are logged with -d)`);
      reject?.();
    });
    session.on('pty', (accept, reject, info) => this.#onPty(accept, reject, info));
    session.on('window-change', (accept, reject, info) => this.#onWindowChange(accept, reject, info));
    session.on('signal', (accept, reject, info) => this.#onSignal(accept, reject, info.name));
    session.on('exec', (accept, reject, info) => this.#begin(accept, reject, info.command));
    session.on('shell', (accept, reject) => this.#begin(accept, reject, ''));
    session.on('close', () => this.close());
  }

  /** The client went away: hang up the command's group, then kill it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#command) this.#hangUp(this.#command);
    else if (!this.#started) this.#markEnded();
  }

  #hangUp(command: RunningCommand): void {
    command.signal('SIGHUP');
    this.#killTimer = setTimeout(() => command.signal('SIGKILL'), this.#options.hangupGraceMs);
    command.finished.then(() => clearTimeout(this.#killTimer));
  }

  #onPty(accept: Accept, reject: Reject, info: ssh2.PseudoTtyInfo): void {
    const size = parseTerminalSize(info.cols, info.rows);
    if (this.#pty || this.#started || !size) {
      this.#log.debug(`pty-req refused (${size ? 'too late' : 'bad size'})`);
      reject?.();
      return;
    }
    this.#pty = { term: info.term || 'vt100', size };
    accept?.();
  }

  #onWindowChange(accept: Accept, reject: Reject, info: ssh2.WindowChangeInfo): void {
    const size = parseTerminalSize(info.cols, info.rows);
    if (!size || !this.#pty) {
      reject?.();
      return;
    }
    this.#pty.size = size;
    this.#command?.resize(size);
    accept?.();
  }

  #onSignal(accept: Accept, reject: Reject, name: string): void {
    const signal = parseSignalName(name);
    if (!signal || !this.#command) {
      this.#log.debug(`signal "${name}" ignored: ${signal ? 'no command yet' : 'unknown name'}`);
      reject?.();
      return;
    }
    this.#log.debug(`signal ${signal} to the command`);
    this.#command.signal(signal);
    accept?.();
  }

  #begin(accept: () => ssh2.ServerChannel | undefined, reject: Reject, text: string): void {
    if (this.#started || this.#closed) {
      reject?.();
      return;
    }
    this.#started = true;
    const channel = accept();
    if (!channel) return;
    watchClose(channel);
    this.#run(channel, text).catch((err) => this.#log.error(`session failed: ${messageOf(err)}`));
  }

  async #run(channel: ssh2.ServerChannel, text: string): Promise<void> {
    let request: ExecRequest;
    try {
      request = parseExecString(text);
    } catch (err) {
      const message = err instanceof CpudError ? err.message : `exec: ${messageOf(err)}`;
      this.#log.info(`exec refused: ${message}`);
      channel.stderr.write(`cpud: ${message}\r\n`);
      await this.#finish(channel, { code: 2 }, Date.now());
      return;
    }

    const started = Date.now();
    const launch = this.#launch(this.#remoteConfig(request));
    if ('error' in launch) {
      channel.stderr.write(`cpud: ${launch.error}\r\n`);
      await this.#finish(channel, { code: launch.status }, started);
      return;
    }
    const { helper, env, configPath } = launch;
    try {
      // node-pty is loaded on the first terminal: most sessions never need it,
      // and a socket-activated cpud pays every import at each connection.
      const pty = this.#pty && (await import('./pty-command.js'));
      this.#command =
        pty && this.#pty
          ? pty.startPtyCommand(helper, { channel, env, term: this.#pty.term, size: this.#pty.size })
          : startPipeCommand(helper, { channel, env, pipeKind: configPath ? 'socket' : 'pipe' });
    } catch (err) {
      if (configPath) removeRemoteConfig(configPath);
      channel.stderr.write(`cpud: cannot start the command: ${messageOf(err)}\r\n`);
      await this.#finish(channel, { code: 1 }, started);
      return;
    }

    this.#options.onStart?.();
    this.#log.info(`command started: ${describe(request)} (pid ${this.#command.pid})`);
    if (this.#closed) this.#hangUp(this.#command);
    const exit = await this.#command.finished;
    if (configPath) removeRemoteConfig(configPath);
    this.#options.onEnd?.();
    await this.#finish(channel, exit, started);
  }

  /**
   * A plain command is resolved here and started by cpud-exec alone: outside
   * /tmp, its namespace shows the host's files, so PATH and the program look
   * the same from here. A session importing the client's files needs the
   * 9P mount and CPU_FSTAB first: `cpud -remote` does that work inside the
   * namespace, with the config in a hand-over file.
   */
  #launch(config: RemoteConfig): Launch | { error: string; status: number } {
    if (config.namespace && ((config.nonce && config.port9p) || config.fstab)) {
      const configPath = writeRemoteConfig(this.#options.runtimeDir, config);
      const env = helperEnv(this.#pty ? { TERM: this.#pty.term } : {});
      return { helper: remoteHelperCommand(configPath), env, configPath };
    }
    const env: Record<string, string> = { ...config.env, PATH: fitPath(config.env.PATH) };
    const command = resolveCommand({ ...config, env });
    if ('error' in command) return command;
    const helper = helperCommand({
      namespace: config.namespace,
      pwd: config.cwd,
      home: env.HOME,
      argv0: command.argv0,
      file: command.file,
      args: command.args,
    });
    return { helper, env };
  }

  #remoteConfig(request: ExecRequest): RemoteConfig {
    const env = commandEnv({
      clientEnv: this.#env.values,
      term: this.#pty?.term,
      connection: this.#options.connection,
    });
    const nonce = this.#env.get('CPUNONCE');
    return {
      argv: request.argv,
      shellCommand: request.shellCommand,
      text: request.text,
      env,
      cwd: this.#env.get('PWD'),
      namespace: this.#options.namespace,
      tty: this.#pty !== undefined,
      nonce: nonce && request.port9p ? nonce : undefined,
      port9p: request.port9p,
      fstab: this.#env.get('CPU_FSTAB') ?? this.#env.get('LC_GLENDA_CPU_FSTAB'),
      dbg9p: this.#options.dbg9p || request.debug,
      user: this.#env.get('USER') ?? this.#options.user,
    };
  }

  // Output first, then the status, then EOF and close: a client that reads
  // the status must already hold every byte.
  async #finish(channel: ssh2.ServerChannel, exit: CommandExit, started: number): Promise<void> {
    await Promise.all([drained(channel), drained(channel.stderr)]);
    const seconds = ((Date.now() - started) / 1000).toFixed(3);
    if (exit.signal) {
      channel.exit(exit.signal.replace(/^SIG/, ''), exit.coreDumped ?? false, '');
      this.#log.info(`command ended: signal ${exit.signal} after ${seconds}s`);
    } else {
      channel.exit(exit.code ?? 255);
      this.#log.info(`command ended: status ${exit.code} after ${seconds}s`);
    }
    channel.end();
    // The session is over once the client has answered our close: a daemon
    // that hangs up the connection before then makes OpenSSH's client exit
    // 255 instead of with the status it was just sent.
    await closedOrTimeout(channel, CLOSE_WAIT_MS);
    this.#markEnded();
  }
}

interface Launch {
  helper: HelperCommand;
  env: Record<string, string>;
  configPath?: string;
}

const CLOSE_WAIT_MS = 3000;

const channelClosed = new WeakMap<ssh2.ServerChannel, Promise<void>>();

/** Remembers the channel's close from the start: it may come before we wait. */
function watchClose(channel: ssh2.ServerChannel): void {
  channelClosed.set(channel, new Promise((resolve) => channel.once('close', () => resolve())));
}

function closedOrTimeout(channel: ssh2.ServerChannel, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void channelClosed.get(channel)?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type Accept = (() => void) | undefined;
type Reject = (() => void) | undefined;

// A zero-length write completes only after every earlier write was handed
// to the SSH layer (which itself waits for the client's window).
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!(stream as { writable?: boolean }).writable) return resolve();
    stream.write(Buffer.alloc(0), () => resolve());
  });
}

// A command line may be 30 KB or more: one log line keeps its head.
const LOGGED_COMMAND_CHARS = 200;

function describe(request: ExecRequest): string {
  if (request.argv.length === 0 && request.shellCommand === undefined) return 'login shell';
  const text = request.shellCommand ?? request.argv.join(' ');
  if (text.length <= LOGGED_COMMAND_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, LOGGED_COMMAND_CHARS))}... (${text.length} characters)`;
}
