#!/bin/sh
# authcheck-trace-bomb.sh - probe 2026-12 F01: `authcheck verify` (the same
# lib/msgauth as the Dovecot plugin) on headers made of tens of thousands
# of trace fields stays within a 64 MB address space.  Before the fix,
# every Authentication-Results / Received-SPF field past the 256 kept
# ones was parsed into the message's arena and kept: the 3.7 MB message
# of 137 000 "Authentication-Results: x" lines took 558 MB.  The messages
# are made here, at run time.
#
# The limit is `ulimit -v` on the normal build.  The sanitizer build
# reserves terabytes of address space for ASan's shadow memory, so there
# the limit cannot be set; instead the peak resident size (/usr/bin/time's
# %M) must stay under $asan_rss_kb, with ASan's quarantine of freed
# memory made small: ASan's own overhead is a few tens of MB, while the
# old code peaked at 806 MB on the first message under ASan.
# The arena bound itself is checked in both builds by check_msgauth
# (test_trace_memory_bounded).
set -u
. "$srcdir/tests/harness/lib.sh"

work=$(harness_tmpdir authcheck-trace-bomb)
trap 'rm -rf "$work"' EXIT
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
limit_kb=65536
asan_rss_kb=65536

if nm "$ac" 2>/dev/null | grep -q ' __asan_init$' ||
	ldd "$ac" 2>/dev/null | grep -q libasan; then
	sanitizer=1
	echo "# sanitizer build: no address-space limit possible (ASan shadow memory)"
else
	sanitizer=0
fi

# bomb FILE N LINE: N copies of the header line LINE, then a short
# message (CRLF)
bomb() {
	{
		yes "$3" | head -n "$2"
		printf 'From: Alice <alice@mail.test>\nTo: bob@example.org\nSubject: hi\n\nHello\n'
	} | sed 's/$/\r/' > "$1"
}

# verify NAME FILE: authcheck verify, under the limit in the normal build,
# its peak RSS in KB written to $work/NAME.rss in the sanitizer build;
# stdout to $work/NAME.out, stderr to $work/NAME.err, exit code printed
verify() {
	(
		if [ "$sanitizer" = 1 ]; then
			# freed memory waits in ASan's quarantine (256 MB by
			# default) before it is reused: keep that small
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=16"
			export ASAN_OPTIONS
			exec /usr/bin/time -o "$work/$1.rss" -f %M \
				"$ac" verify --keytable /dev/null --authserv-id mx.test \
				"$2" > "$work/$1.out" 2> "$work/$1.err"
		fi
		ulimit -v "$limit_kb" || exit 99
		exec "$ac" verify --keytable /dev/null --authserv-id mx.test "$2" \
			> "$work/$1.out" 2> "$work/$1.err"
	)
	echo $?
}

# check NAME FILE WHAT: verified (exit 0, one dkim=none field for an
# unsigned message) within the limit
check() {
	rc=$(verify "$1" "$2")
	if [ "$sanitizer" = 1 ]; then
		expect_eq "$rc" 0 "$3: verified"
		rss=$(tail -1 "$work/$1.rss" 2>/dev/null)
		if [ "${rss:-999999999}" -lt "$asan_rss_kb" ] 2>/dev/null; then
			expect_eq ok ok "$3: peak RSS ${rss} KB < $asan_rss_kb KB"
		else
			expect_eq "${rss:-none}" "< $asan_rss_kb" "$3: peak RSS in KB"
		fi
	else
		expect_eq "$rc" 0 "$3: verified within $limit_kb KB of address space"
	fi
	expect_eq "$(cat "$work/$1.out")" "Authentication-Results: mx.test; dkim=none" "$3: verdict"
}

# 1. the probe's message: 137 000 minimal A-R fields claiming no trusted
# id (3.7 MB; 558 MB before)
bomb "$work/ar.eml" 137000 'Authentication-Results: x'
expect_eq "$(wc -c < "$work/ar.eml" | tr -d ' ')" 3699074 "the probe's 3.7 MB message"
check ar "$work/ar.eml" "137000 x A-R"
expect_eq "$(cat "$work/ar.err")" "" "137000 x A-R: nothing logged (no trusted id claimed)"

# 2. 60 000 fields claiming our authserv-id (503 MB before): 256 kept,
# 256 more listed for dropping (MSGAUTH_MAX_EXCESS_FORGED), the rest
# counted and reported - the plugin refuses such a message
bomb "$work/forged.eml" 60000 'Authentication-Results: mx.test; spf=pass smtp.mailfrom=mail.test'
check forged "$work/forged.eml" "60000 forged A-R"
expect_match "$(cat "$work/forged.err")" 'warning: msgauth: 59488 more fields claim a trusted authserv-id than can be dropped: hostile' "60000 forged A-R: the unlisted ones are counted, none lost"

# 3. 137 000 Received-SPF fields (88 MB before)
bomb "$work/rspf.eml" 137000 'Received-SPF: x'
check rspf "$work/rspf.eml" "137000 x Received-SPF"

# 4. a field with 60 results past the kept ones, 20 000 times (1 MB each
# before: the limits were allocated up front)
bomb "$work/dense.eml" 20000 "Authentication-Results: other.test$(printf '; a=b%.0s' $(seq 60))"
check dense "$work/dense.eml" "20000 dense A-R"

finish
