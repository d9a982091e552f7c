import { existsSync } from 'node:fs';
import { fatalMessage, messageOf } from '../errors.js';
import { Logger, stderrSink } from '../log/logger.js';
import { syslogSink } from '../log/syslog-sink.js';
import { chooseRole } from '../roles/choose-role.js';
import { cpudHelp, parseCpudFlags, type CpudFlags } from './cpud-flags.js';
import { HelpRequested } from './parse-flags.js';

/**
 * Picks the role (src/roles/choose-role.ts) and runs it: init or the daemon.
 * The one-connection role never gets here: src/cli/cpud.ts chooses it before
 * flags are parsed (under inetd, fd 2 is the client, so even a usage error
 * must go to its logger, not to stderr).
 * Exit statuses: 2 for usage errors (as Go's flag package), 1 for the rest.
 */
export async function main(argv: string[]): Promise<void> {
  let flags: CpudFlags;
  try {
    flags = parseCpudFlags(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      process.exit(0);
    }
    process.stderr.write(`cpud: ${messageOf(err)}\n\n${cpudHelp()}`);
    // PID 1 must not exit over a typo on the kernel command line: serve with the defaults.
    if (process.pid !== 1) process.exit(2);
    argv = [];
    flags = parseCpudFlags(argv);
  }

  if (flags.keygen) return keygen(flags);

  // The daemon's stderr is never a client's socket (that is the one-connection
  // role), so with -syslog it still carries what must not be lost: a missing
  // syslog socket, and the error cpud dies of.
  const syslogPath = process.env.CPUD_SYSLOG_SOCKET ?? '/dev/log';
  if (flags.syslog && !existsSync(syslogPath)) {
    process.stderr.write(`cpud: -syslog: no syslog socket at ${syslogPath}; log lines will be lost\n`);
  }
  const log = new Logger({
    level: flags.debug ? 'debug' : 'info',
    sink: flags.syslog ? syslogSink({ path: syslogPath }) : stderrSink,
  });
  try {
    if (chooseRole({ pid: process.pid, env: process.env, initFlag: flags.init }) === 'init') {
      const { runInit } = await import('../roles/init.js');
      await runInit(argv, log);
      return;
    }
    const { runDaemon } = await import('../roles/daemon.js');
    await runDaemon(flags, log);
  } catch (err) {
    log.error(fatalMessage(err));
    if (flags.syslog) process.stderr.write(`cpud: ${fatalMessage(err)}\n`);
    if (process.pid !== 1) process.exit(1);
  }
}

async function keygen(flags: CpudFlags): Promise<void> {
  const { defaultHostKeyPath, defaultStateDir } = await import('./defaults.js');
  const { ensureHostKey, loadHostKey } = await import('../ssh/host-key.js');
  const path = flags.hostKey ?? defaultHostKeyPath(flags.stateDir ?? defaultStateDir());
  try {
    const { created } = ensureHostKey(path);
    const key = loadHostKey(path);
    const what = created ? 'created' : 'kept';
    process.stdout.write(`${what} ${path}: ${key.type} ${key.fingerprint}\n`);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`cpud: ${messageOf(err)}\n`);
    process.exit(1);
  }
}
