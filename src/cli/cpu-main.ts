import { homedir, userInfo } from 'node:os';
import type { ReadStream } from 'node:tty';
import { clientLogger } from '../client/client-log.js';
import { runCpu } from '../client/run-cpu.js';
import { LocalTerminal } from '../client/terminal.js';
import { CpudError, messageOf } from '../errors.js';
import { cpuHelp, parseCpuFlags, type CpuFlags } from './cpu-flags.js';
import { HelpRequested } from './parse-flags.js';

/**
 * The client's process edge: reads argv, env and the tty, runs the session,
 * exits with its status. Exit statuses: the remote command's own; 2 for
 * usage errors; 255 when the command could not run at all (as ssh), so a
 * script can tell a failed connection from a failed command.
 */
const USAGE = 2;
const FAILED = 255;

export async function main(argv: string[]): Promise<void> {
  let flags: CpuFlags;
  try {
    flags = parseCpuFlags(argv);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(err.text);
      process.exit(0);
    }
    process.stderr.write(`cpu: ${messageOf(err)}\n\n${cpuHelp()}`);
    process.exit(USAGE);
  }

  const stdin = process.stdin as NodeJS.ReadStream & ReadStream;
  const terminal = stdin.isTTY
    ? new LocalTerminal(stdin, [process.stdout, process.stderr])
    : undefined;
  // The last line of defence: whatever ends the process, the shell gets its terminal back.
  process.once('exit', () => terminal?.restore());
  const log = clientLogger(process.stderr, {
    debug: flags.debug,
    isRaw: () => terminal?.raw ?? false,
  });
  // Before the session exists, ^C or a TERM simply ends cpu; runRemoteCommand
  // then adds its own listeners that forward them instead.
  const early = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) === 1) finish(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.on('SIGINT', early);
  process.on('SIGTERM', early);

  let status: number;
  try {
    const user = safeUserName();
    status = await runCpu(flags, {
      io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
      env: process.env,
      cwd: process.cwd(),
      home: process.env.HOME || homedir(),
      localUser: process.env.USER || user,
      signals: process,
      terminal,
      log,
    });
  } catch (err) {
    terminal?.restore();
    log.error(err instanceof CpudError ? err.message : `unexpected failure: ${messageOf(err)}`);
    // A flag's value found wrong only once used (an -fstab file to read) is
    // still a usage error.
    status = err instanceof CpudError && err.code === 'CPUD_ERR_CFG_FLAG' ? USAGE : FAILED;
  }
  finish(status);
}

function finish(status: number): never {
  // stdout and stderr are synchronous for files and pipes on Linux, and
  // runCpu waited for them otherwise: exiting now loses nothing.
  process.exit(status);
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'nobody';
  }
}
