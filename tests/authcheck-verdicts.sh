#!/bin/sh
# authcheck-verdicts.sh - `authcheck verify` on hostile messages (issue 8),
# end to end with keys, SPF and DMARC records served by a real unbound on
# loopback.  Expected values from the RFC text quoted at each case:
#  - RFC 9989 5.3.6: a DNS failure for an aligned identifier is neither
#    pass nor fail (temperror, the policy not applied);
#  - RFC 6376 6.1 (order of verification left to the verifier): relay
#    signatures above the author's do not push it out of the cap;
#  - RFC 6376 8.2 / RFC 8601 2.7.1: l= shorter than the body -> policy;
#  - RFC 5322 2.2 / RFC 9989 5.3.1: a bare CR hiding a From field is a
#    multiple-From message;
#  - RFC 5322 3.2.4: From: "" <addr> is a valid mailbox (empty display
#    name), evaluated like any other;
#  - probe 2026-12 "eight junk signatures still hide the real one": aligned
#    signatures that fail without a signature check (RFC 6376 6.1.2 no key
#    / NXDOMAIN, 3.6.1 malformed or revoked key record, 6.1.1 syntax
#    errors) do not use up --max-signatures, so the author's valid one
#    below them is verified; and 1000 of them cost at most 32 key queries
#    (counted in unbound's query log).
set -u
. "$srcdir/tests/harness/lib.sh"

td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir authcheck-verdicts)
edkey=$(grep '^brisbane._domainkey.football' "$td/keytable.txt" | sed 's/^[^ ]* //')
{
	echo 'local-zone: "com." static'
	echo 'local-zone: "net." static'
	echo 'local-zone: "fail.example." always_refuse'
	echo "local-data: 'brisbane._domainkey.football.example.com. 300 IN TXT \"$edkey\"'"
	echo "local-data: 'sel._domainkey.relay.example.net. 300 IN TXT \"$edkey\"'"
	echo "local-data: '_dmarc.football.example.com. 300 IN TXT \"v=DMARC1; p=reject\"'"
	echo "local-data: 'football.example.com. 300 IN TXT \"v=spf1 include:x.fail.example -all\"'"
	echo "local-data: 'malformed._domainkey.football.example.com. 300 IN TXT \"v=DKIM1; k=ed25519; p=!!!\"'"
	echo "local-data: 'revoked._domainkey.football.example.com. 300 IN TXT \"v=DKIM1; k=ed25519; p=\"'"
} > "$work/zones.conf"
printf '\tlog-queries: yes\n' > "$work/unbound-extra.conf"
harness_unbound "$work/unbound" "$work/zones.conf" "$work/unbound-extra.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
verify() { "$ac" verify --dmarc --authserv-id mx.test --resolver-config "$work/lib.conf" "$@" | unfold_ar; }
cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"
sign() { "$ac" dkim-sign --domain "$1" --selector "$2" --key "$work/ed.seed" "$3"; }

sign football.example.com brisbane "$td/rfc8463/unsigned.eml" > "$work/signed.eml"
sed 's/We lost the game/We won the game/' "$work/signed.eml" > "$work/tampered.eml"

# 1. RFC 9989 5.3.6: SPF temperror (include: of a zone whose server
# refuses, RFC 7208 5.2) on the aligned MAIL FROM domain, DKIM broken:
# "cannot be considered to pass or fail" -> temperror, dis=none
out=$(verify --ip 192.0.2.1 --mail-from joe@football.example.com --helo mx.example.net "$work/tampered.eml")
expect_match "$out" 'spf=temperror smtp\.mailfrom=football\.example\.com' "SPF temperror for the aligned MAIL FROM"
expect_match "$out" 'dmarc=temperror \(p=reject dis=none\) header\.from=football\.example\.com' "aligned DNS failure: dmarc=temperror, dis=none"
# ... a pass from another aligned identifier still wins (5.3.5)
out=$(verify --ip 192.0.2.1 --mail-from joe@football.example.com --helo mx.example.net "$work/signed.eml")
expect_match "$out" 'dmarc=pass \(p=reject dis=none\)' "aligned DKIM pass wins over the SPF temperror"

# 5. eight relay signatures above the author's (cap 8): still pass
cp "$work/signed.eml" "$work/relayed.eml"
for i in 1 2 3 4 5 6 7 8; do
	sign relay.example.net sel "$work/relayed.eml" > "$work/r.eml" && mv "$work/r.eml" "$work/relayed.eml"
done
expect_eq "$(grep -c '^DKIM-Signature:' "$work/relayed.eml")" 9 "nine signatures"
out=$(verify "$work/relayed.eml")
expect_match "$out" 'dkim=pass header\.d=football\.example\.com' "the author's signature is evaluated"
expect_eq "$(echo "$out" | grep -c 'dkim=neutral')" 1 "one relay signature left out by the cap"
expect_match "$out" 'dmarc=pass \(p=reject dis=none\)' "dmarc=pass"

# 6. l= shorter than the body (dkimpy-signed fixture, HTML appended)
out=$(verify "$srcdir/tests/fixtures/dkim-l/l-appended.eml")
expect_match "$out" 'dkim=policy reason="l= signs only 54 of 156 body octets"' "l= < body: dkim=policy with the octets"
expect_match "$out" 'dmarc=fail \(p=reject dis=reject\)' "not counted for DMARC"
out=$(verify --accept-partial-body "$srcdir/tests/fixtures/dkim-l/l-appended.eml")
expect_match "$out" 'dkim=pass header\.d=football\.example\.com' "--accept-partial-body: pass"
expect_match "$out" 'dmarc=pass' "--accept-partial-body: DMARC pass"
out=$(verify "$srcdir/tests/fixtures/dkim-l/l-exact.eml")
expect_match "$out" 'dkim=pass header\.d=football\.example\.com' "l= equal to the body: pass"

# 7. a bare CR hiding a From field
{ printf 'X-Note: hi\rFrom: Mallory <m@evil.example>\n'; cat "$work/signed.eml"; } > "$work/hidden.eml"
out=$(verify "$work/hidden.eml")
expect_match "$out" 'dkim=fail reason="multiple From fields: bare CR or LF inside a header field hides a From field"' "hidden From: DKIM fails, says why"
expect_match "$out" 'dmarc=permerror reason="multiple From header fields: bare CR or LF inside a header field hides a From field"' "hidden From: DMARC permerror, says why"

# 8. From: "" <addr>: an empty display name (was a UBSan abort)
sed 's/^From: .*/From: "" <joe@football.example.com>/' "$td/rfc8463/unsigned.eml" > "$work/emptyname.eml"
sign football.example.com brisbane "$work/emptyname.eml" > "$work/emptyname-signed.eml"
out=$(verify "$work/emptyname-signed.eml")
expect_match "$out" 'dmarc=pass \(p=reject dis=none\) header\.from=football\.example\.com' "empty display name: evaluated"

# 9. junk aligned signatures above the author's valid one
# sigfield SELECTOR: a DKIM-Signature field for d=football.example.com
sigfield() {
	sign football.example.com "$1" "$td/rfc8463/unsigned.eml" |
		awk 'NR > 1 && !/^[ \t]/ { exit } { print }'
}
# junk N: N aligned signatures cycling through no key (NXDOMAIN), a key
# record that does not parse and a revoked key, then two that do not parse
junk() {
	i=0
	while [ $i -lt "$1" ]; do
		case $((i % 3)) in
		0) sigfield "nokey$i";;
		1) sigfield malformed;;
		2) sigfield revoked;;
		esac
		i=$((i + 1))
	done
	printf 'DKIM-Signature: v=1; a=ed25519-sha256; d=football.example.com; s=brisbane\n'
	printf 'DKIM-Signature: v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=x\n'
}
for njunk in 8 20; do
	{ junk $njunk; cat "$work/signed.eml"; } > "$work/junk$njunk.eml"
	out=$(verify "$work/junk$njunk.eml")
	expect_eq "$(echo "$out" | grep -c '^dkim=')" $((njunk + 3)) "$njunk junk: every signature reported"
	expect_match "$out" 'dkim=pass header\.d=football\.example\.com' "$njunk junk: the valid signature below them is verified"
	expect_no_match "$out" 'not evaluated' "$njunk junk: none left out"
	expect_match "$out" 'dmarc=pass \(p=reject dis=none\)' "$njunk junk: dmarc=pass"
done

# 10. 900 junk signatures, each with its own selector (no cache hit): at
# most 32 key queries (DKIM_VERIFY_MAX_KEY_LOOKUPS), 32 reported.  (900:
# with more than 1000 header fields DKIM stops before any query, "header
# too large".)
sigfield junk > "$work/junk.sig"
i=0
while [ $i -lt 900 ]; do
	sed "s/ s=junk;/ s=junk$i;/" "$work/junk.sig"
	i=$((i + 1))
done > "$work/junk900.eml"
cat "$work/signed.eml" >> "$work/junk900.eml"
before=$(grep -c '_domainkey\.' "$work/unbound/unbound.log")
out=$(verify "$work/junk900.eml")
sleep 0.2 # unbound writes its log line after answering
after=$(grep -c '_domainkey\.' "$work/unbound/unbound.log")
expect_eq "$(echo "$out" | grep -c '^dkim=')" 32 "900 junk: 32 reported"
expect_no_match "$out" '^dkim=(pass|neutral)' "900 junk: none passes, none left out"
queries=$((after - before))
if [ "$queries" -ge 1 ] && [ "$queries" -le 32 ]; then
	_ok "900 junk: at most 32 key queries ($queries)"
else
	_not_ok "900 junk: at most 32 key queries (got $queries)"
fi
finish
