#!/bin/sh
# pristine-root.sh - pristine Debian roots for trying README's commands as a
# new user would: `debootstrap --variant=minbase SUITE` plus git, nothing
# else.  As root:
#
#	scripts/pristine-root.sh make SUITE DIR    a fresh root at DIR (DIR must
#	                                           not exist), copied from the cache
#	scripts/pristine-root.sh clone DIR         git clone of this tree's HEAD
#	                                           into DIR/root/mailauth-pack
#	scripts/pristine-root.sh run DIR CMD...    run CMD chrooted in DIR, cwd /root
#	scripts/pristine-root.sh remove DIR        rm -rf DIR; refused while
#	                                           anything is mounted under it
#	scripts/pristine-root.sh cache SUITE       make the cached root if missing,
#	                                           print its path
#	scripts/pristine-root.sh reachable SUITE   exit 0 when the archive answers
#
# SUITE is a Debian codename (bookworm, trixie).  Example, a shell in a
# fresh Debian 13 with the clone:
#
#	d=/var/tmp/t13; scripts/pristine-root.sh make trixie $d &&
#	scripts/pristine-root.sh clone $d && scripts/pristine-root.sh run $d bash
#	scripts/pristine-root.sh remove $d
#
# The cache is one tar file per suite, $MAILAUTH_ROOTS/SUITE-minbase.tar
# (default /var/cache/mailauth-pack/roots), outside any clone; it is never
# entered or changed, only unpacked.  When it is missing, `make`/`cache`
# build it with debootstrap (installed with apt-get when absent) from
# $MAILAUTH_MIRROR (default http://deb.debian.org/debian, the host's apt
# source); delete it to rebuild.  Concurrent callers wait on a lock.
#
# `run` works in a private mount namespace (unshare), so nothing it mounts
# is seen outside it or outlives it.  There it bind-mounts DIR onto itself
# (so / is a mount point, as on a real machine: `unshare --propagation`,
# used by the demo and the test harness, needs that), mounts proc, a small
# tmpfs /dev (null zero full random urandom tty, devpts, shm) and a
# read-only sys.  The .debs of $MAILAUTH_APT_ARCHIVES/CODENAME (default
# /var/cache/mailauth-pack/apt/CODENAME; "none" to skip) are linked into
# the root's /var/cache/apt/archives before CMD, and the ones apt
# downloaded are linked back afterwards (under a lock; those unused for 60
# days are dropped): apt still installs every package, it only downloads
# a .deb once, and runs at the same time do not share apt's lock.  When
# CMD ends, or on INT/TERM, processes still running chrooted in DIR are
# stopped by PID, and every mount is unmounted in reverse order (umount
# -l when busy).  The exit status is CMD's.
# CMD gets a clean environment (HOME=/root, PATH, LANG=C.UTF-8,
# DEBIAN_FRONTEND=noninteractive, and MAILAUTH_PRISTINE_ROOT=CODENAME,
# which makes scripts/test.sh skip its own root stages there); pass
# others with `env VAR=...`.
#
# The clone is of the committed HEAD (uncommitted changes are not in it),
# with /root at mode 0700 as on a fresh install.
set -eu

prog=pristine-root
mirror=${MAILAUTH_MIRROR:-http://deb.debian.org/debian}
roots=${MAILAUTH_ROOTS:-/var/cache/mailauth-pack/roots}
archives=${MAILAUTH_APT_ARCHIVES:-/var/cache/mailauth-pack/apt}
top=$(cd "$(dirname "$0")/.." && pwd)

die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot, mount)"

# Absolute path of DIR without requiring it to exist.
abspath() {
	case $1 in
	/*) p=$1;;
	*) p=$(pwd)/$1;;
	esac
	printf '%s\n' "$p" | sed -e 's://*:/:g' -e 's:/\.$::' -e 's:\(.\)/$:\1:'
}

# Mount points at or under $1, as this namespace sees them.
mounts_under() {
	findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1'
}

reachable() {
	f=$(mktemp)
	ok=1
	timeout 60 /usr/lib/apt/apt-helper download-file \
		"$mirror/dists/$1/InRelease" "$f" >/dev/null 2>&1 && ok=0
	rm -f "$f"
	return $ok
}

# The cached root of SUITE: build it when missing.
cache() {
	suite=$1
	tar=$roots/$suite-minbase.tar
	mkdir -p "$roots"
	exec 8>"$roots/.lock-$suite"
	flock 8
	if [ ! -s "$tar" ]; then
		if ! command -v debootstrap >/dev/null 2>&1; then
			echo "$prog: installing debootstrap" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends debootstrap >/dev/null ||
				die "cannot install debootstrap"
		fi
		tmp=$roots/.build-$suite.$$
		remove "$tmp" 2>/dev/null || true
		echo "$prog: debootstrap --variant=minbase --include=git $suite (from $mirror)" >&2
		if ! debootstrap --variant=minbase --include=git "$suite" "$tmp" "$mirror" \
			>"$roots/.debootstrap-$suite.log" 2>&1; then
			tail -20 "$roots/.debootstrap-$suite.log" >&2
			remove "$tmp"
			die "debootstrap $suite failed (log: $roots/.debootstrap-$suite.log)"
		fi
		# Nothing of the host's: the root's own apt state only.
		rm -rf "$tmp/var/cache/apt/archives/"*.deb "$tmp/var/lib/apt/lists/"*_* 2>/dev/null || true
		tar -C "$tmp" --numeric-owner -cf "$tar.tmp" . || die "cannot write $tar"
		mv "$tar.tmp" "$tar"
		remove "$tmp"
	fi
	exec 8>&-
	printf '%s\n' "$tar"
}

make_root() {
	suite=$1 dir=$(abspath "$2")
	[ ! -e "$dir" ] || die "$dir exists (remove it first)"
	tar=$(cache "$suite")
	mkdir -p "$dir"
	chmod 755 "$dir"
	tar -C "$dir" --numeric-owner -xpf "$tar" || { remove "$dir"; die "cannot unpack $tar"; }
	chmod 755 "$dir"
}

clone() {
	dir=$(abspath "$1")
	[ -x "$dir/bin/sh" ] || die "$dir is not a root"
	rev=$(git -C "$top" rev-parse HEAD) || die "$top is not a git checkout"
	[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
		echo "$prog: note: uncommitted changes in $top are not in the clone" >&2
	chmod 700 "$dir/root"
	rm -rf "$dir/root/mailauth-pack"
	git clone -q --no-hardlinks --no-checkout "$top" "$dir/root/mailauth-pack" ||
		die "git clone failed"
	git -C "$dir/root/mailauth-pack" checkout -q --detach "$rev" ||
		die "git checkout $rev failed"
}

remove() {
	[ -n "$1" ] || die "remove: no directory named"
	dir=$(abspath "$1")
	[ -e "$dir" ] || return 0
	# Never a checkout (a root has its clone under root/, not here).
	[ ! -e "$dir/.git" ] && [ ! -e "$dir/configure.ac" ] ||
		die "refusing to remove $dir: a source tree, not a root"
	case $top/ in "$dir"/*) die "refusing to remove $dir: it holds $top";; esac
	case $dir in
	/|/*[!/]/*) ;;
	*) die "refusing to remove $dir";;
	esac
	case $dir in
	/|/var/tmp|/var/cache|"$roots") die "refusing to remove $dir";;
	esac
	m=$(mounts_under "$dir")
	[ -z "$m" ] || die "not removing $dir: still mounted under it: $(echo $m)"
	rm -rf --one-file-system "$dir"
}

# debs_in SHARED: the shared .debs into the root's apt archive (hard
# links where the file system allows, copies otherwise).
debs_in() {
	shared=$1
	into=$dir/var/cache/apt/archives
	mkdir -p "$shared" "$into/partial"
	for f in "$shared"/*.deb; do
		[ -f "$f" ] || continue
		ln -f "$f" "$into/" 2>/dev/null || cp -p "$f" "$into/"
	done
}
# debs_out: what apt downloaded in the root back into the shared archive.
debs_out() {
	(
		flock 7
		for f in "$dir/var/cache/apt/archives"/*.deb; do
			[ -f "$f" ] || continue
			t=$shared/${f##*/}
			[ -e "$t" ] || ln "$f" "$t" 2>/dev/null ||
				{ cp -p "$f" "$t.tmp" && mv "$t.tmp" "$t"; } || true
			touch -c "$t"
		done
		find "$shared" -maxdepth 1 -name '*.deb' -mtime +60 -delete
	) 7>"$shared/.lock"
}

# Runs in the private mount namespace made by run().
inner_run() {
	dir=$1
	shift
	mounted=""
	cleanup() {
		rc=$?
		trap - EXIT INT TERM
		# Processes left chrooted in DIR (a server a test did not stop).
		for sig in TERM TERM TERM KILL; do
			pids=""
			for p in /proc/[0-9]*; do
				r=$(readlink "$p/root" 2>/dev/null) || continue
				case $r in "$dir"|"$dir"/*) pids="$pids ${p#/proc/}";; esac
			done
			[ -n "$pids" ] || break
			# shellcheck disable=SC2086
			kill -s $sig $pids 2>/dev/null || true
			sleep 1
		done
		[ -z "${shared:-}" ] || debs_out
		for m in $mounted; do
			umount "$m" 2>/dev/null || umount -l "$m" ||
				echo "$prog: cannot unmount $m" >&2
		done
		exit $rc
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	mnt() { # mount ARGS... TARGET: remember TARGET for cleanup, newest first
		eval "t=\${$#}"
		mount "$@" || die "mount $* failed"
		mounted="$t $mounted"
	}
	mnt --bind "$dir" "$dir"
	mnt -t proc -o nosuid,nodev,noexec proc "$dir/proc"
	mnt -t tmpfs -o nosuid,mode=755,size=1m dev "$dir/dev"
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		name=${n%%:*} maj=${n#*:}
		min=${maj#*:} maj=${maj%:*}
		mknod -m 666 "$dir/dev/$name" c "$maj" "$min"
	done
	mkdir "$dir/dev/pts" "$dir/dev/shm"
	ln -s /proc/self/fd "$dir/dev/fd"
	ln -s /proc/self/fd/0 "$dir/dev/stdin"
	ln -s /proc/self/fd/1 "$dir/dev/stdout"
	ln -s /proc/self/fd/2 "$dir/dev/stderr"
	ln -s pts/ptmx "$dir/dev/ptmx"
	mnt -t devpts -o newinstance,ptmxmode=0666,mode=620,nosuid,noexec devpts "$dir/dev/pts"
	mnt -t tmpfs -o nosuid,nodev,mode=1777 shm "$dir/dev/shm"
	mnt -t sysfs -o ro,nosuid,nodev,noexec sysfs "$dir/sys"
	if [ "$archives" != none ]; then
		debs_in "$archives/$(. "$dir/etc/os-release" && echo "${VERSION_CODENAME:-unknown}")"
	fi
	# In the background with an explicit stdin, so that a signal to this
	# shell interrupts `wait` (a foreground child would delay the trap
	# until it ends) and CMD still reads our stdin.
	exec 9<&0
	chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive TERM="${TERM:-dumb}" \
		MAILAUTH_PRISTINE_ROOT="$(. "$dir/etc/os-release" && echo "${VERSION_CODENAME:-unknown}")" \
		/bin/sh -c 'cd /root && exec "$@"' sh "$@" <&9 9<&- &
	child=$!
	exec 9<&-
	set +e
	wait "$child"
	rc=$?
	set -e
	exit "$rc"
}

run() {
	dir=$(abspath "$1")
	shift
	[ $# -gt 0 ] || usage
	[ -x "$dir/bin/sh" ] || die "$dir is not a root"
	exec unshare --mount --propagation private "$0" __inner-run "$dir" "$@"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
make)	[ $# = 2 ] || usage; make_root "$1" "$2";;
clone)	[ $# = 1 ] || usage; clone "$1";;
run)	[ $# -ge 2 ] || usage; run "$@";;
remove)	[ $# = 1 ] || usage; remove "$1";;
cache)	[ $# = 1 ] || usage; cache "$1";;
reachable) [ $# = 1 ] || usage; reachable "$1";;
__inner-run) inner_run "$@";;
-h|--help) usage;;
*)	usage;;
esac
