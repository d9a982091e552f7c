/**
 * Which role this process takes, exactly as the design notes say: PID 1 is
 * init (which then runs the daemon); otherwise `CPUD_SESSION` in the
 * environment means one connection; otherwise the daemon. The environment
 * decides rather than a flag because inetd.conf and a boot loader's init=
 * cannot easily add flags, and `-init` (the Go daemon's debug switch) forces
 * init for testing without being PID 1. `-remote` is chosen earlier, in
 * src/cli/cpud.ts, before any flag parsing.
 */
export type Role = 'init' | 'session' | 'daemon';

export interface RoleInputs {
  pid: number;
  env: NodeJS.ProcessEnv;
  /** `-init` was given. */
  initFlag?: boolean;
}

export function chooseRole(inputs: RoleInputs): Role {
  if (inputs.pid === 1) return 'init';
  // Set means present and not empty, so `CPUD_SESSION=` can switch it off.
  if (inputs.env.CPUD_SESSION) return 'session';
  return inputs.initFlag ? 'init' : 'daemon';
}
