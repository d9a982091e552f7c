/**
 * One run of `cpu host command...`: check everything local first (keys,
 * fstab, root), connect, export the local tree over 9P, run the command,
 * and return the status the process should exit with.
 */
import { readFileSync, statSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type ssh2 from 'ssh2';
import type { CpuFlags } from '../cli/cpu-flags.js';
import { isDnssdHost } from '../discovery/dnssd-query.js';
import { CpudError, fileErrorWords, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { resolveTarget, type ClientTarget } from './client-target.js';
import { connectSsh } from './connect.js';
import { listDnssdHosts, resolveDnssdHost } from './dnssd-host.js';
import { execCommand } from './exec-command.js';
import { readPinnedHostKey, readPrivateKey, type PinnedHostKey } from './key-files.js';
import { joinFstab, namespaceFstab } from './namespace-fstab.js';
import { NinepExport } from './ninep-export.js';
import { makeNonce } from './nonce.js';
import { runRemoteCommand, type ClientIo } from './remote-command.js';
import type { LocalTerminal } from './terminal.js';

export interface RunCpuOptions {
  io: ClientIo;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
  localUser: string;
  /** Where SIGINT and SIGTERM arrive. */
  signals: EventEmitter;
  /** Set when stdin is a terminal: the session gets a pty. */
  terminal?: LocalTerminal;
  log: Logger;
}

interface Prepared {
  target: ClientTarget;
  privateKey: Buffer;
  hostKey?: PinnedHostKey;
  fstab: string;
}

export async function runCpu(given: CpuFlags, options: RunCpuOptions): Promise<number> {
  if (given.list) return listDnssdHosts(given, { stdout: options.io.stdout, log: options.log });
  // A dnssd: host is a query: the server it picks is then dialled like any other.
  const flags = isDnssdHost(given.host) ? await resolveDnssdHost(given, options.log) : given;
  const prepared = prepare(flags, options);
  const { log } = options;

  const client = await connectSsh(prepared.target, {
    privateKey: prepared.privateKey,
    hostKey: prepared.hostKey,
    log,
  });
  client.on('error', (err) => log.debug(`connection error: ${err.message}`));
  let exporter: NinepExport | undefined;
  try {
    const env = sessionEnv(options.env, options.cwd);
    let port9p: number | undefined;
    if (flags.ninep) {
      const nonce = makeNonce();
      const started = await NinepExport.start(client, {
        root: flags.root,
        nonce,
        nonceTimeoutMs: flags.timeout9pMs,
        log,
        trace: flags.dbg9p,
      });
      exporter = started.exporter;
      port9p = started.port;
      env.CPUNONCE = nonce;
    }
    if (prepared.fstab) {
      // OpenSSH servers accept only LC_* by default (AcceptEnv): the copy gets through.
      env.CPU_FSTAB = prepared.fstab;
      env.LC_GLENDA_CPU_FSTAB = prepared.fstab;
    }

    const argv = flags.argv.length ? flags.argv : [options.env.SHELL || '/bin/sh'];
    return await runRemoteCommand(client, {
      command: execCommand(argv, port9p),
      env,
      terminal: options.terminal,
      term: options.env.TERM || 'ansi',
      io: options.io,
      signals: options.signals,
      log,
    });
  } finally {
    exporter?.close();
    endClient(client);
  }
}

function prepare(flags: CpuFlags, options: RunCpuOptions): Prepared {
  const target = resolveTarget(flags, { home: options.home, localUser: options.localUser });
  const privateKey = readPrivateKey(target.keyFile);
  const hostKey = flags.hostKeyFile ? readPinnedHostKey(flags.hostKeyFile) : undefined;

  let fstab = '';
  if (flags.ninep) {
    checkRoot(flags.root);
    fstab = namespaceFstab(flags.namespace);
  }
  if (flags.fstabFile) fstab = joinFstab(fstab, readFstabFile(flags.fstabFile));
  options.log.debug(
    `target ${target.user}@${target.address} port ${target.port}, key "${target.keyFile}"` +
      `${flags.ninep ? `, serving "${flags.root}"` : ', 9P off'}`,
  );
  return { target, privateKey, hostKey, fstab };
}

/** The whole local environment (u-root's client sends it all), with PWD made true. */
function sessionEnv(local: NodeJS.ProcessEnv, cwd: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(local)) if (value !== undefined) env[key] = value;
  env.PWD = cwd;
  return env;
}

function checkRoot(root: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (err) {
    throw new CpudError(
      'CPUD_ERR_CFG_FLAG',
      `flag "-root": cannot use "${root}": ${messageOf(err)}`,
      { cause: err },
    );
  }
  if (!isDirectory)
    throw new CpudError('CPUD_ERR_CFG_FLAG', `flag "-root": "${root}" is not a folder`);
}

function readFstabFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CpudError('CPUD_ERR_CFG_FLAG', `flag "-fstab": cannot read "${path}": ${fileErrorWords(err)}`, { cause: err });
  }
}

function endClient(client: ssh2.Client): void {
  try {
    client.end();
  } catch {
    // Already gone.
  }
}
