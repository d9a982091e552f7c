/**
 * PROTOCOL.md, "Building the remote namespace". Runs in the `-remote`
 * helper, which `unshare --mount --propagation private` started in a mount
 * namespace of its own, so nothing here is seen by the host or by another
 * session. A step that would break isolation returns a problem (the command
 * does not run); a bad fstab line is reported and the rest still applies.
 */
import { mkdirSync } from 'node:fs';
import { CpudError } from '../errors.js';
import type { RemoteConfig } from '../session/remote-config.js';
import { applyFstab, type Report } from './apply-fstab.js';
import { mountNinep } from './mount-9p.js';
import { runMount } from './run-mount.js';

export type { Report };

const SUBDIRS = ['/tmp/cpu', '/tmp/local', '/tmp/merge', '/tmp/root'];

/** Returns the error that stops the command, or undefined when all is built. */
export async function buildNamespace(config: RemoteConfig, report: Report): Promise<CpudError | undefined> {
  const tmp = await runMount(['-t', 'tmpfs', '-o', 'mode=1777,nosuid,nodev', 'cpud-tmp', '/tmp']);
  if (!tmp.ok) return new CpudError('CPUD_ERR_NS_SETUP', `cannot mount a private /tmp: ${tmp.message}`);
  for (const dir of SUBDIRS) mkdirSync(dir, { recursive: true, mode: 0o755 });
  const local = await runMount(['--bind', '/', '/tmp/local']);
  if (!local.ok) return new CpudError('CPUD_ERR_NS_SETUP', `cannot bind / on /tmp/local: ${local.message}`);

  if (config.nonce && config.port9p) {
    const problem = await mountNinep(config, config.dbg9p ? report : undefined);
    if (problem) return problem;
  }

  if (config.fstab) await applyFstab(config.fstab, report);
  return undefined;
}
