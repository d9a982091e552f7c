/**
 * How a Session starts a command: through cpud-exec (native/src/cpud_exec.c),
 * found by absolute path (never PATH). cpud-exec makes the private mount
 * namespace when asked (Node, being multithreaded, cannot unshare for a
 * child), enters the working directory and becomes the command, so the
 * command's status reaches the daemon directly. When the client imports its
 * files (9P, CPU_FSTAB), cpud-exec becomes `cpud -remote` instead, which
 * finishes the namespace and starts the command through cpud-exec again.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CpudError } from '../errors.js';

export interface HelperCommand {
  file: string;
  args: string[];
}

export interface LaunchPlan {
  /** Make a private mount namespace first (tmpfs /tmp, / on /tmp/local). */
  namespace: boolean;
  /** With `namespace`: keep this folder under /tmp visible over the fresh /tmp. */
  keep?: string;
  /** Detach a folder kept by `keep` before the command starts. */
  unkeep?: string;
  /** The client's working directory, tried first; then home, then /. */
  pwd?: string;
  home?: string;
  argv0?: string;
  file: string;
  args: string[];
}

// dist/src/session/helper-command.js -> <package>/native/build/Release/
export const EXEC_HELPER = fileURLToPath(new URL('../../../native/build/Release/cpud-exec', import.meta.url));
const ENTRY = fileURLToPath(new URL('../cli/cpud.js', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * cpud's own folder when it lies under /tmp (a checkout there): each
 * command's namespace mounts a fresh /tmp, which would hide the `-remote`
 * helper's own code, so cpud-exec keeps this folder over it until the
 * command starts. An installed cpud (/usr/lib/cpud) needs none of this.
 */
export function folderToKeep(): string | undefined {
  return PACKAGE_ROOT.startsWith('/tmp/') ? PACKAGE_ROOT.replace(/\/+$/, '') : undefined;
}

/** Refuses to start a daemon that could run no command at all. */
export function checkExecHelper(): void {
  if (existsSync(EXEC_HELPER)) return;
  throw new CpudError(
    'CPUD_ERR_CFG_HELPER',
    `the command starter "${EXEC_HELPER}" is missing: build it with "npm run build" (needs make and gcc)`,
  );
}

export function helperCommand(plan: LaunchPlan): HelperCommand {
  const args: string[] = [];
  if (plan.namespace) args.push('-n');
  if (plan.keep) args.push('-k', plan.keep);
  if (plan.unkeep) args.push('-u', plan.unkeep);
  if (plan.pwd) args.push('-w', plan.pwd);
  if (plan.home) args.push('-H', plan.home);
  if (plan.argv0) args.push('-a', plan.argv0);
  return { file: EXEC_HELPER, args: [...args, '--', plan.file, ...plan.args] };
}

/** `cpud -remote` in a fresh namespace, for sessions that import the client's files. */
export function remoteHelperCommand(configPath: string): HelperCommand {
  return helperCommand({
    namespace: true,
    keep: folderToKeep(),
    file: process.execPath,
    args: [ENTRY, '-remote', configPath],
  });
}

/** The remote helper's own environment: its real one comes in the hand-over file. */
export function helperEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...extra };
}
