/**
 * A guest whose PID 1 is cpud: the initramfs with Node and the project
 * (`withNode`), the test's keys under /etc/cpud, and a port forward from
 * 127.0.0.1 on the host to cpud's 17010 in the guest. `bootCpudGuest`
 * returns once the daemon logs that it listens.
 */
import { findGuestKernel, resolveModules, DEFAULT_MODULES } from './kernel.js';
import { buildInitramfs } from './initramfs.js';
import { GUEST_ADDRESS } from './init-script.js';
import { GUEST_PROJECT } from './node-payload.js';
import { startVm, type Vm } from './vm.js';

export const CPUD_PORT = 17010;
export const GUEST_HOSTNAME = 'cpu-e2e-vm';
const PRELUDE = '/cpud-prelude';

export interface GuestKeys {
  /** OpenSSH private host key. */
  hostKey: string;
  /** authorized_keys text. */
  authorized: string;
}

export interface CpudGuest {
  vm: Vm;
  /** Host port on 127.0.0.1 that reaches cpud in the guest. */
  port: number;
  /** Milliseconds from qemu's start to cpud listening. */
  bootMs: number;
  /** Milliseconds building (or finding in the cache) the initramfs. */
  initramfsMs: number;
}

export async function bootCpudGuest(keys: GuestKeys, timeoutMs: number): Promise<CpudGuest> {
  const building = Date.now();
  const initramfs = await buildInitramfs({ withNode: true });
  const initramfsMs = Date.now() - building;

  const started = Date.now();
  const vm = await startVm({
    initramfs,
    script: '',
    init: PRELUDE,
    files: {
      [PRELUDE]: { data: prelude(), mode: 0o755 },
      '/etc/cpud/ssh_host_ed25519_key': { data: keys.hostKey, mode: 0o600 },
      '/etc/cpud/authorized_keys': { data: keys.authorized, mode: 0o644 },
      '/etc/hostname': `${GUEST_HOSTNAME}\n`,
    },
    hostForwards: [{ guestPort: CPUD_PORT }],
    // Node's heap for PID 1, the daemon and a helper per command, on top
    // of the ~180 MB rootfs the archive unpacks into.
    memoryMb: 1536,
    cpus: 2,
    timeoutMs,
    name: 'cpu-e2e',
  });
  try {
    await vm.waitFor(/daemon listening on /, 180_000);
  } catch (err) {
    await vm.stop();
    throw err;
  }
  return { vm, port: vm.forwards[0].hostPort, bootMs: Date.now() - started, initramfsMs };
}

/**
 * PID 1 for a moment, then `exec`s cpud so that cpud is PID 1. Why a shell
 * prelude at all: Debian's kernel builds virtio-net and 9P as modules and
 * cpud's init role loads none (the kernel's autoload runs modprobe, which
 * needs a modules.dep this initramfs does not have), and it brings up only
 * lo, while qemu's port forward needs eth0 with its address. The prelude
 * mounts nothing: /proc, /sys, /dev, /dev/pts, /dev/shm, /tmp and /run are
 * left to cpud, which is what the test proves.
 */
function prelude(): string {
  const kernel = findGuestKernel();
  const insmods = resolveModules(kernel, DEFAULT_MODULES)
    .map((m) => `/bin/busybox insmod ${kernel.modulesDir}/${m} || echo "PRELUDE-WARN: insmod ${m}"`)
    .join('\n');
  return `#!/bin/sh
${insmods}
i=0
while ! /bin/busybox ip link show eth0 >/dev/null 2>&1 && [ $i -lt 50 ]; do
  /bin/busybox sleep 0.1; i=$((i+1))
done
/bin/busybox ip link set eth0 up
/bin/busybox ip addr add ${GUEST_ADDRESS}/24 dev eth0
echo "PRELUDE-DONE"
exec /usr/bin/node ${GUEST_PROJECT}/bin/cpud -key /etc/cpud/authorized_keys \\
  -hostkey /etc/cpud/ssh_host_ed25519_key
`;
}
