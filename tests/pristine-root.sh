#!/bin/sh
# pristine-root.sh - scripts/pristine-root.sh's runner and remover, which
# scripts/test.sh's Debian 12/13 stages rely on (issue 17), on a tiny root
# made here from a few host programs (no debootstrap, no network):
#   - run: / is a mount point inside (the demo and the harness use
#     `unshare --propagation`, which fails otherwise), proc, /dev/null,
#     the shared apt archive cache both ways, cwd /root, a clean environment, CMD's exit
#     status; a process left running in the root is stopped; on TERM the
#     command is stopped and the status is 143; what it mounted is gone
#     afterwards (its mount namespace is empty of processes);
#   - remove: refused while anything is mounted under the root (rm -rf
#     would walk into the mount), for /, /var/tmp, an empty name and a
#     source tree; done otherwise;
#   - clone: HEAD in /root/mailauth-pack, /root mode 0700.
# Root only (chroot, mount, unshare); exit 77 (SKIP) otherwise.
set -u
. "$srcdir/tests/harness/lib.sh"

harness_need_root "(chroot, mount namespaces)"
harness_need /usr/bin/unshare /usr/sbin/chroot /usr/bin/setsid
pr=$srcdir/scripts/pristine-root.sh
t=$(harness_tmpdir pristine-root)
r=$t/root
arch=$t/apt
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	umount "$r/a" 2>/dev/null
	findmnt -rn -o TARGET | grep -q "^$t" || rm -rf "$t"
}
trap cleanup EXIT

# The tiny root: these programs and their libraries.
for b in /bin/sh /usr/bin/env /bin/sleep /bin/cat /bin/echo /usr/bin/setsid /usr/bin/stat; do
	for f in "$b" $(ldd "$b" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$r$(dirname "$f")"
		cp -L "$f" "$r$f" || fail "cannot copy $f"
	done
done
mkdir -p "$r/proc" "$r/dev" "$r/sys" "$r/root" "$r/tmp" "$r/etc" "$r/var/cache/apt/archives"
chmod 700 "$r/root"
printf 'VERSION_CODENAME=tiny\n' > "$r/etc/os-release"
export MAILAUTH_APT_ARCHIVES="$arch"

# 1. run: what the command sees.
out=$(LEAK=host "$pr" run "$r" /bin/sh -c '
	cat /proc/self/mountinfo | while read -r _ _ _ _ mp _; do echo "mount $mp"; done
	echo "cwd $(pwd)"; env
	echo x > /dev/null && echo "devnull ok"
	echo deb > /var/cache/apt/archives/probe.deb
	exit 7' 2>&1)
rc=$?
expect_eq "$rc" 7 "run: the command's exit status"
expect_match "$out" '^mount /$' "run: / is a mount point inside (unshare --propagation needs it)"
expect_match "$out" '^mount /proc$' "run: proc is mounted"
expect_match "$out" '^devnull ok$' "run: /dev/null works"
expect_match "$out" '^cwd /root$' "run: the command starts in /root"
expect_match "$out" '^HOME=/root$' "run: HOME=/root"
expect_eq "$(printf '%s\n' "$out" | grep -c '^LEAK=')" 0 "run: the caller's environment stays outside"
expect_eq "$(cat "$arch/tiny/probe.deb" 2>/dev/null)" deb "run: a .deb apt left in the root goes to the shared archive cache"
rm -f "$r/var/cache/apt/archives/probe.deb"
"$pr" run "$r" /bin/cat /var/cache/apt/archives/probe.deb >"$t/probe.out" 2>&1
expect_eq "$(cat "$t/probe.out")" deb "run: the shared archive cache's .debs are in the root's apt archive"
expect_eq "$(findmnt -rn -o TARGET | grep -c "^$r")" 0 "run: nothing of it mounted outside"

expect_eq "$(echo from-stdin | "$pr" run "$r" /bin/cat 2>&1)" from-stdin "run: the command reads the caller's stdin"

# 2. a server the command leaves running is stopped by PID.
"$pr" run "$r" /bin/sh -c 'setsid /bin/sleep 300 </dev/null >/dev/null 2>&1 & echo $! > /tmp/pid' >/dev/null 2>&1
left=$(cat "$r/tmp/pid" 2>/dev/null)
sleep 1
# (its PID as the host sees it: the sleep whose root is $r)
alive=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && { alive=1; pids="$pids ${p#/proc/}"; }
done
expect_eq "$alive" 0 "run: a process left in the root is stopped (left: ${left:-none})"

# 3. TERM: the command is stopped, status 143, no process left in the root.
"$pr" run "$r" /bin/sleep 300 >/dev/null 2>&1 &
runner=$!
pids="$pids $runner"
i=0
while [ $i -lt 50 ]; do
	found=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && found=1
	done
	[ $found = 1 ] && break
	sleep 0.1
	i=$((i + 1))
done
kill -TERM "$runner"
# (the runner must not wait for the command's own end: 60 s of a 300 s sleep)
i=0
while kill -0 "$runner" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$runner" 2>/dev/null && kill -9 "$runner"
wait "$runner"
expect_eq "$?" 143 "run: TERM ends the run at once with status 143"
left=0
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && left=1
done
expect_eq "$left" 0 "run: after TERM no process is left in the root"

# 4. remove: never with a mount under the root.
mkdir -p "$r/a" "$t/outside"
echo keep > "$t/outside/file"
mount --bind "$t/outside" "$r/a" || fail "mount --bind"
"$pr" remove "$r" >/dev/null 2>&1
expect_eq "$?" 1 "remove: refused while something is mounted under the root"
expect_eq "$(cat "$t/outside/file")" keep "remove: the mounted directory's files are untouched"
umount "$r/a"
"$pr" remove / >/dev/null 2>&1
expect_eq "$?" 1 "remove: refuses /"
"$pr" remove /var/tmp >/dev/null 2>&1
expect_eq "$?" 1 "remove: refuses /var/tmp"
# (decoys, never the real tree: an empty name meant the current directory)
mkdir -p "$t/decoy/x" "$t/tree/.git"
echo keep > "$t/decoy/x/file"
echo keep > "$t/tree/configure.ac"
(cd "$t/decoy/x" && "$pr" remove "" >/dev/null 2>&1)
expect_eq "$?/$(cat "$t/decoy/x/file" 2>/dev/null)" "1/keep" "remove: refuses an empty name (not the current directory)"
"$pr" remove "$t/tree" >/dev/null 2>&1
expect_eq "$?/$(cat "$t/tree/configure.ac" 2>/dev/null)" "1/keep" "remove: refuses a source tree"

# 5. clone: the committed HEAD, /root 0700 (only in a git checkout: not
# in make distcheck's unpacked tarball, which may lie inside another
# checkout's tree)
if [ "$(git -C "$srcdir" rev-parse --show-toplevel 2>/dev/null)" = \
	"$(cd "$srcdir" && pwd -P)" ]; then
	chmod 755 "$r/root"
	"$pr" clone "$r" >/dev/null 2>&1
	expect_eq "$(git -C "$r/root/mailauth-pack" rev-parse HEAD 2>/dev/null)" \
		"$(git -C "$srcdir" rev-parse HEAD)" "clone: HEAD in /root/mailauth-pack"
	expect_eq "$(stat -c %a "$r/root")" 700 "clone: /root has mode 0700"
fi

"$pr" remove "$r"
expect_eq "$?/$(test -e "$r" && echo exists)" "0/" "remove: done when nothing is mounted"
finish
