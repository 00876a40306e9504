#!/bin/sh
# test.sh - README's test command: install what is missing, build, and run
# every test: the normal build's `make check` (unit, conformance,
# integration with real unbound/Postfix/Dovecot), the same under
# ASan+UBSan, the fuzz targets over their seed corpora, `make
# distcheck`, and stages in pristine Debian roots
# (scripts/pristine-root.sh: debootstrap --variant=minbase + git, cached
# in /var/cache/mailauth-pack/roots, a fresh copy per run, a git clone of
# HEAD in its /root; scripts/root-stage.sh says what runs there):
#   - Debian 12 (bookworm): install-deps.sh from nothing, the clang
#     runtimes, ./scripts/demo.sh, and the build's whole `make check`
#     (where a skipped test counts as failed); a package install-deps.sh
#     forgets fails here;
#   - Debian 13 (trixie): install-deps.sh, autoreconf + configure + make +
#     make install warning-free with its gcc (and clang, sanitizer build),
#     the whole `make check` (the integration tests against its Postfix,
#     Dovecot and unbound), and ./scripts/demo.sh;
#   - and README's "Setting up a real server" followed literally in a
#     third fresh Debian 12 root (tests/pristine/readme-guide.sh).
# Their checks count in the closing line.  When the Debian archive cannot
# be reached (or not root, or inside such a root already), a stage counts
# as one skipped test.  The
# stages test the committed HEAD, not uncommitted changes.
# Ends with one line "tests: N passed, N failed, N skipped" (a skipped
# test counts once as skipped, never as passed).
#
# Environment: JOBS (default: number of CPUs), SKIP_DISTCHECK=1,
# SKIP_SANITIZERS=1, SKIP_FUZZ=1, SKIP_PRISTINE=1 (the Debian 12 root),
# SKIP_TRIXIE=1 (the Debian 13 root), SKIP_GUIDE=1 (README's server
# guide in a Debian 12 root, tests/pristine/readme-guide.sh), KEEP_ROOTS=1 (leave the roots in
# /var/tmp for a look; remove them with `scripts/pristine-root.sh remove
# DIR`), ROOT_CONFIGURE_ARGS (added to configure in the roots).  These are
# for quick local runs; CI sets none.  The stages' logs are copied to
# build/root-stage-SUITE/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
passed=0 failed=0 skipped=0 status=0

step() { printf '\n==== %s\n' "$*"; }

# Count the individual checks of one build's `make check`
# (scripts/count-checks.sh says how).
count_suite() {
	dir=$1
	set -- $("$top/scripts/count-checks.sh" "$dir" 2>/dev/null)
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
	echo "checks in $dir: $1 passed, $2 failed, $3 skipped"
	[ "$3" -eq 0 ] || grep '^SKIP' "$dir/test-suite.log"
}

build_and_check() {
	dir=$1
	shift
	step "configure $* (in $dir)"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@") || { failed=$((failed + 1)); status=1; return 1; }
	step "make ($dir)"
	# The programs, then the test programs (check_PROGRAMS): a warning in
	# either fails the run.
	{ make -C "$dir" -s -j"$jobs" && make -C "$dir" -s -j"$jobs" check TESTS=; } \
		>"$dir/make.out" 2>&1 || {
		tail -40 "$dir/make.out"; failed=$((failed + 1)); status=1; return 1; }
	if grep -q 'warning:' "$dir/make.out"; then
		echo "compiler warnings in $dir:"; grep 'warning:' "$dir/make.out"
		failed=$((failed + 1)); status=1
	fi
	step "make check ($dir)"
	rm -f "$dir/test-suite.log"
	make -C "$dir" -j"$jobs" check || status=1
	count_suite "$dir"
	[ -f "$dir/test-suite.log" ] && grep -E '^(FAIL|ERROR)' "$dir/test-suite.log" && cat "$dir/test-suite.log" | head -200
	return 0
}

step "dependencies"
"$top/scripts/install-deps.sh" || exit 1

step "autoreconf"
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }

build_and_check "$top/build"

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
	export ASAN_OPTIONS UBSAN_OPTIONS
	build_and_check "$top/build-asan" --enable-sanitizers CC=clang CFLAGS="-g -O1"
	unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	step "fuzz targets over their corpora"
	mkdir -p "$top/build-fuzz"
	if (cd "$top/build-fuzz" && "$top/configure" -q --enable-fuzzers CC=clang) &&
	   make -C "$top/build-fuzz" -s -j"$jobs" >"$top/build-fuzz/make.out" 2>&1; then
		fz=$("$top/scripts/fuzz.sh" "$top/build-fuzz" 10)
		echo "$fz"
		p=$(echo "$fz" | awk '/^fuzz: /{print $2}')
		f=$(echo "$fz" | awk '/^fuzz: /{print $4}')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-1}))
		[ "${f:-1}" = 0 ] || status=1
	else
		tail -30 "$top/build-fuzz/make.out" 2>/dev/null
		failed=$((failed + 1)); status=1
	fi
fi

if [ "${SKIP_DISTCHECK:-0}" != 1 ]; then
	step "make distcheck"
	if make -C "$top/build" -j"$jobs" distcheck >"$top/build/distcheck.out" 2>&1; then
		passed=$((passed + 1))
		grep -A3 'archives ready' "$top/build/distcheck.out"
	else
		tail -60 "$top/build/distcheck.out"
		failed=$((failed + 1)); status=1
	fi
fi

# A scripts/root-stage.sh STAGE in a fresh root of SUITE.
root_stage() {
	suite=$1 what=$2
	step "scripts/root-stage.sh $what in a fresh Debian $suite root"
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: the $suite root needs root (debootstrap, chroot, mount)"
		skipped=$((skipped + 1)); return 0
	fi
	if [ -n "${MAILAUTH_PRISTINE_ROOT:-}" ]; then
		echo "SKIP: already inside a root made by scripts/pristine-root.sh (no roots in roots)"
		skipped=$((skipped + 1)); return 0
	fi
	if ! "$top/scripts/pristine-root.sh" reachable "$suite"; then
		echo "SKIP: the Debian archive (${MAILAUTH_MIRROR:-http://deb.debian.org/debian}) cannot be reached"
		skipped=$((skipped + 1)); return 0
	fi
	t0=$(date +%s)
	root=$(mktemp -d "/var/tmp/mailauth-root-$suite.XXXXXX") && rmdir "$root" || {
		echo "FAIL: no directory for the $suite root in /var/tmp"
		failed=$((failed + 1)); status=1
		return 0; }
	"$top/scripts/pristine-root.sh" make "$suite" "$root" &&
	"$top/scripts/pristine-root.sh" clone "$root" || {
		echo "FAIL: cannot make the $suite root"
		failed=$((failed + 1)); status=1
		"$top/scripts/pristine-root.sh" remove "$root"
		return 0; }
	echo "root $root made in $(( $(date +%s) - t0 )) s"
	log=$top/build/root-stage-$suite.log
	mkdir -p "$top/build"
	# The whole stage has 40 minutes; a hung test is stopped (TERM: the
	# runner stops what runs in the root and unmounts).
	timeout -s TERM -k 60 2400 "$top/scripts/pristine-root.sh" run "$root" \
		env JOBS="$jobs" CONFIGURE_ARGS="${ROOT_CONFIGURE_ARGS:-}" \
		mailauth-pack/scripts/root-stage.sh "$what" >"$log" 2>&1
	cat "$log"
	rm -rf "$top/build/root-stage-$suite"
	cp -r "$root/root/mailauth-pack/root-stage-logs" "$top/build/root-stage-$suite" 2>/dev/null
	set -- $(sed -n 's/^root-stage: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log" | tail -1)
	if [ $# = 3 ]; then
		passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
		[ "$2" = 0 ] || status=1
	else
		echo "FAIL: the $suite stage ended without its count"
		failed=$((failed + 1)); status=1
	fi
	if [ "${KEEP_ROOTS:-0}" = 1 ]; then
		echo "kept: $root"
	else
		"$top/scripts/pristine-root.sh" remove "$root" || status=1
	fi
	echo "the $suite stage took $(( $(date +%s) - t0 )) s"
}

# README's "Setting up a real server", followed literally in a fresh
# Debian 12 root by tests/pristine/readme-guide.sh (its checks count).
guide_stage() {
	step "README's server guide in a fresh Debian 12 root (tests/pristine/readme-guide.sh)"
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: the guide's root needs root (debootstrap, chroot, namespaces)"
		skipped=$((skipped + 1)); return 0
	fi
	if ! "$top/scripts/pristine-root.sh" reachable bookworm; then
		echo "SKIP: the Debian archive (${MAILAUTH_MIRROR:-http://deb.debian.org/debian}) cannot be reached"
		skipped=$((skipped + 1)); return 0
	fi
	t0=$(date +%s)
	root=$(mktemp -d /var/tmp/mailauth-guide-bookworm.XXXXXX) && rmdir "$root" &&
	"$top/scripts/pristine-root.sh" make bookworm "$root" &&
	"$top/scripts/pristine-root.sh" clone "$root" || {
		echo "FAIL: cannot make the guide's root"
		failed=$((failed + 1)); status=1
		"$top/scripts/pristine-root.sh" remove "$root"
		return 0; }
	log=$top/build/readme-guide.log
	mkdir -p "$top/build"
	timeout -s TERM 1800 "$top/tests/pristine/readme-guide.sh" "$root" >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|# the)' "$log"
	set -- $(grep -c '^ok ' "$log") $(grep -c '^not ok ' "$log")
	passed=$((passed + $1)) failed=$((failed + $2))
	if [ $rc != 0 ]; then
		status=1
		[ "$2" != 0 ] || { failed=$((failed + 1)); tail -30 "$log"; }
	fi
	echo "the guide stage took $(( $(date +%s) - t0 )) s ($1 passed, $2 failed; log: $log)"
	if [ "${KEEP_ROOTS:-0}" = 1 ]; then
		echo "kept: $root"
	else
		"$top/scripts/pristine-root.sh" remove "$root" || status=1
	fi
}

[ "${SKIP_PRISTINE:-0}" = 1 ] || root_stage bookworm pristine
[ "${SKIP_GUIDE:-0}" = 1 ] || guide_stage
[ "${SKIP_TRIXIE:-0}" = 1 ] || root_stage trixie release

printf '\ntests: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
