/**
 * The guest's /init: a busybox shell script run by the kernel as PID 1.
 * It prints markers on the serial console that vm.ts waits for:
 *   VM-READY            the network is up, the test script starts
 *   VM-EXIT <status>    the test script ended (then the guest powers off)
 * The test script is /vm/run.sh, added per boot as a second cpio archive
 * (the kernel unpacks concatenated archives in order). If /vm/exec exists,
 * the script replaces /init and so runs as PID 1 (for cpud's init role).
 */
export const GUEST_ADDRESS = '10.0.2.15';
/** slirp's gateway: guest connections to it reach the host's loopback. */
export const HOST_FROM_GUEST = '10.0.2.2';

export function initScript(modules: string[], modulesDir: string): string {
  const insmods = modules
    .map((m) => `insmod ${modulesDir}/${m} || echo "VM-WARN: insmod ${m} failed"`)
    .join('\n');
  return `#!/bin/sh
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root TZ=UTC
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /mnt /run
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
echo "VM-BOOTED $(cut -d' ' -f1 /proc/uptime)"
${insmods}
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
ip link set eth0 up
ip addr add ${GUEST_ADDRESS}/24 dev eth0
# No default route on purpose: the only address a test may reach is the
# host at ${HOST_FROM_GUEST}, on-link; anything else fails with ENETUNREACH.
hostname vm
echo "VM-READY $(cut -d' ' -f1 /proc/uptime)"
if [ -e /vm/exec ]; then exec /bin/sh /vm/run.sh; fi
/bin/sh /vm/run.sh
status=$?
sync
echo "VM-EXIT $status"
poweroff -f
`;
}
