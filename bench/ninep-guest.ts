/**
 * The guest half of the 9P throughput bench: a busybox shell script that
 * mounts every target with the kernel's 9P client (trans=tcp, cache=none,
 * so each read, write and stat is a round trip to the server) and times the
 * workloads, alternating targets within each workload and reversing the
 * order every round (A B, B A, ...) so that drift on a shared machine falls
 * on both. The host page cache is warm: the host wrote the tree just before.
 * It prints on the console:
 *   MSIZE <target> <negotiated msize from /proc/mounts>
 *   R <round> <workload> <target> <seconds>
 *   BENCH-DONE
 * Times come from /proc/uptime (10 ms steps; every run lasts seconds).
 */
import { HOST_FROM_GUEST } from '../test/vm/init-script.js';

export const WORKLOADS = ['read', 'write', 'stat', 'lsR'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface GuestTarget {
  /** Short name, used as mount directory and in the result lines. */
  name: string;
  port: number;
  aname?: string;
  msize: number;
  /** Workloads run on this target; all when left out. */
  workloads?: readonly Workload[];
  /** Mounted only to learn the msize the server accepts. */
  probeOnly?: boolean;
}

export interface GuestOptions {
  targets: GuestTarget[];
  rounds: number;
  /** Size of the host's file `big`, read whole. */
  bigMiB: number;
  /** Size of the file each write run makes. */
  writeMiB: number;
}

const MSIZE_OF = String.raw`sed -n 's/.*msize=\([0-9]*\).*/\1/p'`;

export function ninepGuestScript(o: GuestOptions): string {
  const mounts = o.targets.map((t) => {
    const aname = t.aname ? `,aname=${t.aname}` : '';
    const opts = `trans=tcp,port=${t.port},version=9p2000.L,msize=${t.msize},cache=none${aname}`;
    return `mkdir -p /b/${t.name}
mount -t 9p -o ${opts} ${HOST_FROM_GUEST} /b/${t.name} || echo "BENCH-FAIL mount ${t.name}"
echo "MSIZE ${t.name} $(grep " /b/${t.name} " /proc/mounts | ${MSIZE_OF})"
${t.probeOnly ? `umount /b/${t.name}` : `ls /b/${t.name} >/dev/null`}`;
  });
  const active = o.targets.filter((t) => !t.probeOnly);
  const names = active.map((t) => t.name);
  // Each workload alternates over the targets that run it.
  const orders = WORKLOADS.map((w) => {
    const ts = active.filter((t) => (t.workloads ?? WORKLOADS).includes(w)).map((t) => t.name);
    return `    ${w}) order="${ts.join(' ')}"; reverse="${[...ts].reverse().join(' ')}" ;;`;
  });
  return `
up() { cut -d' ' -f1 /proc/uptime; }
# timed ROUND WORKLOAD TARGET CMD...: one run, its output discarded.
timed() {
  r=$1; w=$2; t=$3; shift 3
  a=$(up)
  if ! "$@" >/dev/null 2>/tmp/err; then echo "BENCH-FAIL $w $t $(head -c 300 /tmp/err)"; fi
  b=$(up)
  echo "R $r $w $t $(echo "$a $b" | awk '{ printf "%.2f", $2 - $1 }')"
}
run() {
  r=$1; w=$2; t=$3; d=/b/$t
  case $w in
    read) timed $r $w $t dd if=$d/big of=/dev/null bs=1M ;;
    write) timed $r $w $t dd if=/dev/zero of=$d/w-$t bs=1M count=${o.writeMiB}; rm -f $d/w-$t ;;
    stat) timed $r $w $t ls -ln $d/many ;;
    lsR) timed $r $w $t ls -lnR $d/tree ;;
  esac
}
${mounts.join('\n')}
r=1
while [ $r -le ${o.rounds} ]; do
  for w in ${WORKLOADS.join(' ')}; do
    case $w in
${orders.join('\n')}
    esac
    if [ $((r % 2)) -eq 0 ]; then order=$reverse; fi
    for t in $order; do run $r $w $t; done
  done
  r=$((r + 1))
done
for t in ${names.join(' ')}; do umount /b/$t; done
echo BENCH-DONE
`;
}
