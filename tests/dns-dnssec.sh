#!/bin/sh
# dns-dnssec.sh - DNSSEC status through the DNS layer: a zone signed at
# test time with ldns-signzone, served by a real unbound (auth-zone), and
# validated by libunbound with that zone's KSK as trust anchor.
#   - an untouched signed record          -> answer, secure
#   - a record changed after signing       -> servfail, bogus (with reason)
#   - a name outside the anchored zone     -> answer, insecure
#   - no trust anchor configured           -> answer, unchecked
set -u
. "$srcdir/tests/harness/lib.sh"
command -v ldns-signzone >/dev/null || { echo "ldns-signzone missing (Debian ldnsutils)"; exit 99; }

work=$(harness_tmpdir dnssec)
cd "$work" || exit 99
cat > signed.test.zone <<'Z'
$ORIGIN signed.test.
$TTL 300
@ IN SOA ns.signed.test. hostmaster.signed.test. 1 3600 600 86400 300
@ IN NS ns.signed.test.
ns IN A 127.0.0.1
@ IN TXT "v=spf1 -all"
tampered IN TXT "original"
Z
ksk=$(ldns-keygen -a ECDSAP256SHA256 -k signed.test) || exit 99
zsk=$(ldns-keygen -a ECDSAP256SHA256 signed.test) || exit 99
ldns-signzone -n signed.test.zone "$ksk" "$zsk" || exit 99
sed -i 's/"original"/"changed after signing"/' signed.test.zone.signed
grep DNSKEY "$ksk.key" > anchor.key
cat > extra.conf <<C
	local-zone: "signed.test." transparent
auth-zone:
	name: "signed.test."
	zonefile: "$work/signed.test.zone.signed"
	for-downstream: yes
	for-upstream: no
	fallback-enabled: no
C
cat > zones.conf <<'Z'
local-zone: "plain.test." static
local-data: "plain.test. 300 IN TXT \"unsigned\""
Z
harness_unbound "$work/unbound" "$work/zones.conf" "$work/extra.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > lib.conf
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
dns() { "$ac" dns "$@" --resolver-config "$work/lib.conf"; }

out=$(dns TXT signed.test --trust-anchor anchor.key)
expect_match "$out" '^;; signed.test TXT: answer, dnssec secure,' "signed record validates as secure"
expect_match "$out" '"v=spf1 -all"$' "secure answer carries the data"
out=$(dns TXT tampered.signed.test --trust-anchor anchor.key)
expect_match "$out" ': servfail, dnssec bogus,' "record changed after signing is bogus"
expect_match "$out" '^;; bogus: .*signature' "bogus answer says why"
expect_no_match "$out" 'changed after signing' "bogus data is not returned"
out=$(dns TXT plain.test --trust-anchor anchor.key)
expect_match "$out" ': answer, dnssec insecure,' "outside the anchor: insecure"
out=$(dns TXT tampered.signed.test)
expect_match "$out" ': answer, dnssec unchecked,' "without an anchor nothing is validated"
finish
