/**
 * The guest half of the 9P file-system workout: a busybox shell script that
 * mounts the host's tree with the kernel's 9P client and prints one line per
 * check on the console:
 *   T <check> ok
 *   T <check> FAIL <what happened>
 *   V <name> <value>      (hashes and timings for the host to compare)
 *   WORKOUT-DONE
 * Errors are matched by their strerror text (glibc, as busybox-static
 * prints them), so an errno that is wrong shows as a FAIL with the text seen.
 */
import { HOST_FROM_GUEST } from './init-script.js';

export interface WorkoutOptions {
  /** Host port of the server that runs as root. */
  port: number;
  /** Host port of the server that runs as uid 65534 (for EACCES from the server). */
  nobodyPort: number;
  /** aname for each mount (diod needs the exported path; ours ignores it). */
  aname?: string;
  nobodyAname?: string;
  /** Size of the big file in MiB. */
  bigMiB: number;
  /** sha256 of host/hello.txt, computed on the host. */
  helloSha256: string;
  /** md5 of the sorted names in many/, one per line, computed on the host. */
  manyNamesMd5: string;
  manyCount: number;
}

const HELPERS = String.raw`
M=/mnt
up() { cut -d' ' -f1 /proc/uptime; }
ok() { echo "T $1 ok"; }
fail() { n=$1; shift; echo "T $n FAIL $(echo "$*" | tr '\n' ' ' | cut -c1-300)"; }
# check NAME CMD...: the command must succeed.
check() { n=$1; shift; if out=$("$@" 2>&1); then ok $n; else fail $n "status $?: $out"; fi; }
# expect_error NAME TEXT CMD...: the command must fail with the strerror TEXT.
expect_error() {
  n=$1; text=$2; shift 2
  if out=$("$@" 2>&1); then fail $n "succeeded, expected \"$text\": $out"
  elif echo "$out" | grep -q "$text"; then ok $n
  else fail $n "expected \"$text\", got: $out"; fi
}
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then ok $1; else fail $1 "got \"$2\", want \"$3\""; fi; }
`;

export function workoutScript(o: WorkoutOptions): string {
  const opts = (port: number, aname?: string): string =>
    `trans=tcp,port=${port},version=9p2000.L,msize=65536${aname ? `,aname=${aname}` : ''}`;
  // The server that runs as nobody only lets nobody attach (diod refuses
  // others), so that mount attaches once as 65534 whoever the guest user is.
  const nobodyOpts = `${opts(o.nobodyPort, o.nobodyAname)},access=any,dfltuid=65534,dfltgid=65534`;
  const blockBody = 1024 * 1024 - 8;
  return `${HELPERS}
echo "V start $(up)"
check mount mount -t 9p -o ${opts(o.port, o.aname)} ${HOST_FROM_GUEST} $M
mkdir -p /mnt2
check mount-as-nobody mount -t 9p -o ${nobodyOpts} ${HOST_FROM_GUEST} /mnt2
grep -q " $M 9p " /proc/mounts || { echo "T mounted FAIL no 9p mount on $M"; echo WORKOUT-DONE; exit 1; }
mkdir -p $M/w

same read-host-file "$(sha256sum < $M/host/hello.txt | cut -d' ' -f1)" ${o.helloSha256}

seq 1 20000 > $M/w/seq.txt
same write-read "$(sha256sum < $M/w/seq.txt)" "$(seq 1 20000 | sha256sum)"

echo one > $M/w/append.txt && echo two >> $M/w/append.txt
same append "$(cat $M/w/append.txt | tr '\\n' ,)" "one,two,"

head -c 200 /dev/zero | tr '\\0' x > $M/w/trunc.txt
truncate -s 100 $M/w/trunc.txt && s1=$(stat -c %s $M/w/trunc.txt)
truncate -s 4096 $M/w/trunc.txt && s2=$(stat -c %s $M/w/trunc.txt)
same truncate "$s1 $s2 $(tr -d '\\0' < $M/w/trunc.txt | wc -c)" "100 4096 100"

mkdir -p $M/w/a/sub $M/w/b && echo moved > $M/w/a/f && echo inner > $M/w/a/sub/inner
mv $M/w/a/f $M/w/b/g
same rename "$([ -e $M/w/a/f ] && echo left) $(cat $M/w/b/g)" " moved"
mv $M/w/a/sub $M/w/b/sub
same rename-dir "$([ -e $M/w/a/sub ] && echo left) $(cat $M/w/b/sub/inner)" " inner"

ln $M/w/b/g $M/w/b/h
same hardlink "$(stat -c %h $M/w/b/g) $(stat -c %i $M/w/b/h)" "2 $(stat -c %i $M/w/b/g)"
ln -s ../b/g $M/w/a/s
same symlink "$(readlink $M/w/a/s) $(cat $M/w/a/s)" "../b/g moved"

chmod 0640 $M/w/b/g
same chmod "$(stat -c %a $M/w/b/g) $(stat -c %a $M/w/b/h)" "640 640"
touch -d '2001-02-03 04:05:06' $M/w/b/g
same utimes "$(stat -c %Y $M/w/b/g)" 981173106

mkdir $M/w/d && d1=$([ -d $M/w/d ] && echo dir) && rmdir $M/w/d
same mkdir-rmdir "$d1 $([ -e $M/w/d ] && echo left)" "dir "

# A glob reads the directory without a stat per entry (busybox ls stats each).
t=$(up)
set -- $M/many/*
same readdir-many "$# $(for f; do echo "\${f##*/}"; done | md5sum | cut -d' ' -f1)" \\
  "${o.manyCount} ${o.manyNamesMd5}"
echo "V readdir-seconds $t $(up)"
set --
mkdir $M/w/created && for i in $(seq 1 500); do : > $M/w/created/c$i; done
same create-many "$(ls $M/w/created | wc -l)" 500

# Block i of the big file: "%07d\\n" then the same random body; the host
# checks every header, so lost, repeated or misplaced blocks show.
dd if=/dev/urandom of=/tmp/body bs=${blockBody} count=1 2>/dev/null
echo "V big-body-sha256 $(sha256sum < /tmp/body | cut -d' ' -f1)"
t=$(up)
for i in $(seq 0 ${o.bigMiB - 1}); do printf '%07d\\n' $i; cat /tmp/body; done |
  dd of=$M/w/big bs=1M iflag=fullblock 2>/dev/null
echo "V big-write-seconds $t $(up)"
same big-write-size "$(stat -c %s $M/w/big)" ${o.bigMiB * 1024 * 1024}
t=$(up)
echo "V big-read-md5 $(dd if=$M/w/big bs=1M 2>/dev/null | md5sum | cut -d' ' -f1)"
echo "V big-read-seconds $t $(up)"
rm /tmp/body

check cp-a cp -a $M/tree $M/w/tree-copy
check diff-r diff -r $M/tree $M/w/tree-copy
check cp-a-into cp -a /lib/modules $M/w/modules
check diff-r-into diff -r /lib/modules $M/w/modules

expect_error enoent 'No such file or directory' cat $M/no-such-file
expect_error eexist 'File exists' mkdir $M/w
expect_error eexist-link 'File exists' ln -s x $M/w/b/g
expect_error enotempty 'Directory not empty' rmdir $M/nonempty
expect_error eacces-guest-user 'Permission denied' su -s /bin/sh nobody -c "cat $M/host/secret"
expect_error eacces-guest-user-create 'Permission denied' su -s /bin/sh nobody -c ": > $M/host/by-nobody"
same read-as-nobody "$(cat /mnt2/pub)" pub
expect_error eacces-server 'Permission denied' cat /mnt2/root-only

check umount umount $M /mnt2
echo "V end $(up)"
echo WORKOUT-DONE
`;
}
