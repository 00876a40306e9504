#!/bin/sh
# authcheck-dns.sh - `authcheck dns` against a real unbound on loopback:
# the outcome line and the records, as an admin would read them.
set -u
. "$srcdir/tests/harness/lib.sh"

work=$(harness_tmpdir authcheck-dns)
cat > "$work/zones.conf" <<'Z'
local-zone: "example.test." static
local-data: "example.test. 300 IN SOA ns.example.test. h.example.test. 1 3600 600 86400 300"
local-data: 'example.test. 300 IN TXT "v=spf1 " "mx -all"'
local-data: "example.test. 300 IN MX 10 mx.example.test."
Z
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"

out=$("$ac" dns TXT example.test --resolver-config "$work/lib.conf")
expect_match "$out" '^;; example.test TXT: answer, dnssec unchecked, ttl 300' "TXT outcome line"
expect_match "$out" '"v=spf1 " "mx -all"$' "TXT keeps its two strings"

out=$("$ac" dns mx example.test --resolver-config "$work/lib.conf")
expect_match "$out" 'IN	MX	10 mx.example.test\.$' "MX record"

out=$("$ac" dns A nowhere.example.test --resolver-config "$work/lib.conf")
expect_match "$out" ': nxdomain,' "NXDOMAIN"

out=$("$ac" dns AAAA example.test --resolver-config "$work/lib.conf")
expect_match "$out" ': nodata,' "NODATA"

"$ac" dns BOGUS example.test >/dev/null 2>&1
expect_eq "$?" 2 "unknown type is a usage error"
"$ac" dns TXT example.test --resolver-config /nonexistent.conf >/dev/null 2>&1
expect_eq "$?" 1 "missing resolver config is an error"

finish
