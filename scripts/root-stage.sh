#!/bin/sh
# root-stage.sh - what scripts/test.sh runs inside a pristine Debian root
# (scripts/pristine-root.sh), from a fresh clone in /root, as a new user
# would.  Not meant to be run on a machine you care about: it installs
# packages.
#
#	scripts/root-stage.sh pristine   Debian 12 (bookworm): README's install
#	                                 step from nothing
#	scripts/root-stage.sh release    Debian 13 (trixie): the new release's
#	                                 Postfix, Dovecot, unbound, gcc, clang
#
# pristine: scripts/install-deps.sh on a minbase root (a package it
#   forgets fails here; it must leave no /usr/sbin/policy-rc.d behind,
#   in both stages), a second run that must be silent, the
#   toolchain the test command needs (clang with ASan+UBSan and libFuzzer,
#   the runtime of whatever clang the release has), ./scripts/demo.sh
#   (configure, build, the live stack, every row as expected), then the
#   normal build's whole `make check` unless ROOT_STAGE_QUICK=1, where a
#   skipped test counts as failed (tests skip when what they need is not
#   installed, so this is where a test package install-deps.sh forgets
#   shows).
# release: scripts/install-deps.sh, `autoreconf -fi && ./configure &&
#   make && make install` in the clone (warning-free with the release's
#   gcc), the sanitizer build with the release's clang (warning-free,
#   compiled only), the whole `make check` (the unit tests on the
#   release's OpenSSL and unbound, the peers, and the integration tests
#   against its Postfix, Dovecot and unbound: Dovecot plugin, Postfix +
#   Dovecot chain, signer and spf-policyd through Postfix, the demo), and
#   ./scripts/demo.sh on the installed build.
#
# Prints "ok - ...", "FAIL - ..." and "SKIP - ..." lines and ends with
# "root-stage: N passed, N failed, N skipped" (a `make check` counts its
# individual checks, as scripts/count-checks.sh does); exit 0 only when
# nothing failed.  Logs stay in ./root-stage-logs/.
#
# Environment: JOBS (default: number of CPUs), CONFIGURE_ARGS (added to
# every configure here, e.g. --with-dovecot=no), ROOT_STAGE_QUICK=1.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
stage=${1:-}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
logs=$top/root-stage-logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# check DESC LOG CMD...: one check, CMD's output in $logs/LOG
check() {
	desc=$1 log=$logs/$2
	shift 2
	t0=$(date +%s)
	if "$@" >"$log" 2>&1; then
		ok "$desc ($(( $(date +%s) - t0 )) s)"
		return 0
	fi
	fail "$desc (log: $log)"
	tail -30 "$log" | sed 's/^/#   /'
	return 1
}
# no_warnings DESC LOG: a build log without compiler warnings
no_warnings() {
	if grep -q 'warning:' "$logs/$2"; then
		fail "$1"
		grep 'warning:' "$logs/$2" | head -20 | sed 's/^/#   /'
	else
		ok "$1"
	fi
}
# make_check DESC DIR SKIPS [TESTS=...]: the checks of one `make check`;
# SKIPS=fail counts a skipped test as failed (in the pristine root a
# test skips only when install-deps.sh forgot what it needs)
make_check() {
	desc=$1 dir=$2 skips=$3
	shift 3
	t0=$(date +%s)
	make -C "$dir" -j"$jobs" check "$@" >"$logs/make-check.log" 2>&1
	set -- $("$top/scripts/count-checks.sh" "$dir" "$@" 2>/dev/null)
	if [ "$skips" = fail ] && [ "$3" != 0 ]; then
		echo "FAIL - $3 tests skipped in a root where install-deps.sh ran: a package is missing"
		set -- "$1" $(($2 + $3)) 0
	fi
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
	echo "checks of $desc: $1 passed, $2 failed, $3 skipped ($(( $(date +%s) - t0 )) s)"
	grep -E '^(SKIP|FAIL|ERROR|XPASS)' "$dir/test-suite.log" 2>/dev/null | sed 's/^/#   /'
	for l in $(sed -n 's/^\(FAIL\|ERROR\): //p' "$dir/test-suite.log" 2>/dev/null); do
		echo "#   --- $l.log"
		tail -40 "$dir/$l.log" | sed 's/^/#   /'
	done
}
# demo DESC BUILDDIR: ./scripts/demo.sh and each of its rows
demo() {
	t0=$(date +%s)
	MAILAUTH_BUILDDIR=$2 ./scripts/demo.sh >"$logs/demo.log" 2>&1
	rc=$?
	sed 's/^/#   /' "$logs/demo.log" | grep -E '^#   (#|[0-9]) |Everything stopped'
	if [ $rc = 0 ]; then ok "$1 exits 0 ($(( $(date +%s) - t0 )) s)"; else fail "$1 exits $rc (log: $logs/demo.log)"; tail -30 "$logs/demo.log" | sed 's/^/#   /'; fi
	for n in 1 2 3 4 5 6; do
		if grep -Eq "^$n  .*  ok\$" "$logs/demo.log"; then ok "demo row $n"; else fail "demo row $n"; fi
	done
}
# install_deps: scripts/install-deps.sh, then no policy-rc.d left behind
# when there was none before (one left would keep every later package
# from starting its service)
install_deps() {
	had_policy_rc=no
	[ -e /usr/sbin/policy-rc.d ] && had_policy_rc=yes
	check "scripts/install-deps.sh on a minbase root" install-deps.log ./scripts/install-deps.sh || finish
	if [ $had_policy_rc = yes ]; then :
	elif [ -e /usr/sbin/policy-rc.d ]; then fail "install-deps.sh left /usr/sbin/policy-rc.d behind"
	else ok "install-deps.sh left no /usr/sbin/policy-rc.d behind"; fi
}
finish() {
	echo "root-stage: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
	exit
}

# The sanitizer and fuzzer runtimes of the installed clang (test.sh's
# second and third builds need them).
clang_toolchain() {
	d=$(mktemp -d)
	printf 'int main(int c, char **v) { (void)v; return c - 1; }\n' >"$d/a.c"
	printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$d/f.c"
	clang --version | head -1 &&
	clang -fsanitize=address,undefined -o "$d/a" "$d/a.c" && "$d/a" &&
	clang -fsanitize=fuzzer,address -o "$d/f" "$d/f.c" && "$d/f" -runs=10
	rc=$?
	rm -rf "$d"
	return $rc
}

. /etc/os-release
echo "root-stage $stage on $PRETTY_NAME, clone at $(git rev-parse --short HEAD 2>/dev/null)"
# shellcheck disable=SC2086
case $stage in
pristine)
	install_deps
	out=$(./scripts/install-deps.sh 2>&1)
	if [ $? = 0 ] && [ -z "$out" ]; then ok "install-deps.sh again: nothing to do, silent"
	else fail "install-deps.sh again: $out"; fi
	check "clang with ASan+UBSan and libFuzzer runtimes" clang.log clang_toolchain
	demo "./scripts/demo.sh (builds ./build)" "$top/build"
	if [ "${ROOT_STAGE_QUICK:-0}" != 1 ] && [ -f build/Makefile ]; then
		make -C build -s -j"$jobs" check TESTS= >"$logs/make-tests.log" 2>&1
		make_check "make check (./build)" "$top/build" fail
	fi
	;;
release)
	install_deps
	check "autoreconf -fi" autoreconf.log autoreconf -fi || finish
	# The sanitizer build first: a VPATH build needs an unconfigured source tree.
	mkdir -p build-clang
	check "configure --enable-sanitizers CC=clang ($(clang --version | sed -n 's/.*clang version \([0-9.]*\).*/clang \1/p'))" \
		configure-clang.log sh -c "cd build-clang && ../configure -q --enable-sanitizers CC=clang CFLAGS='-g -O1' ${CONFIGURE_ARGS:-}" &&
	check "make (clang, sanitizers)" make-clang.log sh -c "make -C build-clang -j$jobs && make -C build-clang -j$jobs check TESTS=" &&
	no_warnings "clang builds without warnings" make-clang.log
	rm -rf build-clang
	check "./configure $(gcc -dumpfullversion 2>/dev/null | sed 's/^/(gcc /;s/$/)/')" configure.log ./configure -q ${CONFIGURE_ARGS:-} || finish
	check "make" make.log make -j"$jobs" || finish
	check "make (test programs)" make-tests.log make -j"$jobs" check TESTS=
	no_warnings "gcc builds without warnings" make.log
	no_warnings "gcc builds the test programs without warnings" make-tests.log
	check "make install" make-install.log make install
	# All of it: the unit tests (this release's OpenSSL, unbound), the
	# peers, and the integration tests that meet its Postfix, Dovecot and
	# unbound (Dovecot plugin, Postfix + Dovecot chain, signer and
	# spf-policyd through Postfix, the demo).
	make_check "make check" "$top" count
	demo "./scripts/demo.sh (the in-tree build)" "$top"
	;;
*)
	echo "usage: $0 pristine|release" >&2
	exit 2;;
esac
finish
