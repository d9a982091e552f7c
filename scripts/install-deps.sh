#!/usr/bin/env bash
# Debian packages the test suite drives for real. Services in these packages
# are not started at install: policy-rc.d refuses, as in a build chroot.
set -euo pipefail
packages=(
  openssh-client openssh-server dropbear-bin util-linux iproute2 procps psmisc
  openbsd-inetd systemd libsystemd-dev python3 make g++
  qemu-system-x86 linux-image-amd64 busybox-static diod cpio kmod
  tmux bsdutils passwd dpkg-dev debhelper fakeroot lintian rpm rpmlint
  avahi-utils avahi-daemon dbus
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages (run as root): ${missing[*]}" >&2
    exit 1
  fi
  restore_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    restore_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ "$restore_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
# A stray inetd from the package's own postinst would hold ports the tests use.
pkill -x inetd 2>/dev/null || true
exit 0
