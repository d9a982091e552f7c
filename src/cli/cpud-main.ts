import { CpudError, messageOf } from '../errors.js';
import { Logger } from '../log/logger.js';
import { cpudHelp, parseCpudFlags, type CpudFlags } from './cpud-flags.js';
import { HelpRequested } from './parse-flags.js';

/** Exit statuses: 2 for usage errors (as Go's flag package), 1 for the rest. */
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
    process.exit(2);
  }

  const log = new Logger({ level: flags.debug ? 'debug' : 'info' });
  try {
    const { runDaemon } = await import('../roles/daemon.js');
    await runDaemon(flags, log);
  } catch (err) {
    const message = err instanceof CpudError ? err.message : `unexpected failure: ${messageOf(err)}`;
    log.error(message);
    process.exit(1);
  }
}
