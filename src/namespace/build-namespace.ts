/**
 * PROTOCOL.md, "Building the remote namespace", steps 2 and 3. Runs in the
 * `-remote` helper, inside the private mount namespace that `cpud-exec -n`
 * made (step 1: tmpfs on /tmp, / on /tmp/local), so nothing here is seen by
 * the host or by another session. A failed 9P mount stops the command; a
 * bad fstab line is reported and the rest still applies.
 */
import type { CpudError } from '../errors.js';
import type { RemoteConfig } from '../session/remote-config.js';
import { applyFstab, type Report } from './apply-fstab.js';
import { mountNinep } from './mount-9p.js';

export type { Report };

/** Returns the error that stops the command, or undefined when all is built. */
export async function buildNamespace(config: RemoteConfig, report: Report): Promise<CpudError | undefined> {
  if (config.nonce && config.port9p) {
    const problem = await mountNinep(config, config.dbg9p ? report : undefined);
    if (problem) return problem;
  }

  if (config.fstab) await applyFstab(config.fstab, report);
  return undefined;
}
