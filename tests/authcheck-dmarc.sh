#!/bin/sh
# authcheck-dmarc.sh - `authcheck verify` with DMARC (RFC 9989) and SPF end
# to end: DKIM keys, DMARC and SPF records served by a real unbound on
# loopback; messages signed by `authcheck dkim-sign` with the RFC 8463
# keys; the dmarc= entry checked against the RFC rules and the
# disposition against OpenDMARC's library (tests/opendmarc-oracle) for
# the same record and authentication results.
set -u
. "$srcdir/tests/harness/lib.sh"

if [ ! -x "$MAILAUTH_BUILDDIR/tests/opendmarc-oracle" ]; then
	echo "SKIP: tests/opendmarc-oracle not built (apt-get install libopendmarc-dev, then configure)"
	exit 77
fi
td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir authcheck-dmarc)
record='v=DMARC1; p=reject; sp=quarantine; np=reject'
{
	echo 'local-zone: "com." static'
	echo 'local-zone: "net." static'
	grep '^brisbane._domainkey.football' "$td/keytable.txt" |
		awk '{ n = $1; sub(/^[^ ]+ /, ""); printf "local-data: '"'"'%s. 300 IN TXT \"%s\"'"'"'\n", n, $0 }'
	echo "local-data: '_dmarc.football.example.com. 300 IN TXT \"$record\"'"
	echo "local-data: 'bounce.football.example.com. 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"'"
	echo "local-data: 'news.football.example.com. 300 IN A 192.0.2.2'"
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
oracle="$MAILAUTH_BUILDDIR/tests/opendmarc-oracle"
verify() { "$ac" verify --dmarc --authserv-id mx.test --resolver-config "$work/lib.conf" "$@" | unfold_ar; }
# OpenDMARC's policy for RECORD FROM ORG DKIM-D DKIM-RESULT SPF-D SPF-RESULT
opendmarc() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" | "$oracle" | cut -d' ' -f1; }

cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"
"$ac" dkim-sign --domain football.example.com --selector brisbane --key "$work/ed.seed" \
	"$td/rfc8463/unsigned.eml" > "$work/signed.eml"
sed 's/We lost the game/We won the game/' "$work/signed.eml" > "$work/tampered.eml"

# aligned DKIM pass (strict and relaxed: d= is the From domain)
out=$(verify "$work/signed.eml")
expect_match "$out" 'dkim=pass header\.d=football\.example\.com' "DKIM passes"
expect_match "$out" 'dmarc=pass \(p=reject dis=none\) header\.from=football\.example\.com' "aligned DKIM: dmarc=pass"
expect_eq "$(echo "$out" | grep -c '^Authentication-Results:')" 1 "one A-R field"
out=$(verify --dmarc-psl "$work/signed.eml")
expect_match "$out" 'dmarc=pass \(p=reject dis=none\)' "same with the RFC 7489 PSL method"

# broken signature, no SPF: fail, p=reject applies
out=$(verify "$work/tampered.eml")
expect_match "$out" 'dkim=fail' "tampered: DKIM fails"
want=$(opendmarc "$record" football.example.com - football.example.com fail - fail)
expect_eq "$want" reject "OpenDMARC says reject"
expect_match "$out" "dmarc=fail \\(p=reject dis=$want\\) header\\.from=football\\.example\\.com" "dmarc=fail, disposition as OpenDMARC"

# SPF pass for a subdomain MAIL FROM: relaxed alignment (RFC 9989 B.1.1 ex. 2)
out=$(verify --ip 192.0.2.1 --mail-from bounce@bounce.football.example.com --helo mx.example.net "$work/tampered.eml")
expect_match "$out" 'spf=pass smtp\.mailfrom=bounce\.football\.example\.com' "SPF passes"
want=$(opendmarc "$record" football.example.com - football.example.com fail bounce.football.example.com pass)
expect_eq "$want" pass "OpenDMARC says pass"
expect_match "$out" 'dmarc=pass \(p=reject dis=none\)' "aligned SPF: dmarc=pass"
# the A-R order: spf, dkim, dmarc
expect_match "$(echo "$out" | tr -d '\n\t')" 'spf=pass.*;dkim=fail.*;dmarc=pass' "entry order"

# SPF fail from an unlisted address: no aligned pass
out=$(verify --ip 198.51.100.7 --mail-from bounce@bounce.football.example.com --helo mx.example.net "$work/tampered.eml")
expect_match "$out" 'spf=fail smtp\.mailfrom=bounce\.football\.example\.com' "SPF fails"
expect_match "$out" 'dmarc=fail \(p=reject dis=reject\)' "dmarc=fail"

# subdomains: existing -> sp=quarantine, non-existent -> np=reject
sed 's/^From: .*/From: Joe <joe@news.football.example.com>/' "$td/rfc8463/unsigned.eml" > "$work/news.eml"
out=$(verify "$work/news.eml")
want=$(opendmarc "$record" news.football.example.com football.example.com - fail - fail)
expect_eq "$want" quarantine "OpenDMARC applies sp= to the existing subdomain"
expect_match "$out" "dmarc=fail \\(p=quarantine dis=$want\\) header\\.from=news\\.football\\.example\\.com" "existing subdomain: sp"
sed 's/^From: .*/From: Joe <joe@ghost.football.example.com>/' "$td/rfc8463/unsigned.eml" > "$work/ghost.eml"
out=$(verify "$work/ghost.eml")
expect_match "$out" 'dmarc=fail \(p=reject dis=reject\) header\.from=ghost\.football\.example\.com' "non-existent subdomain: np (RFC 9989 4.7)"

# no record anywhere: none
sed 's/^From: .*/From: x@example.net/' "$td/rfc8463/unsigned.eml" > "$work/none.eml"
out=$(verify "$work/none.eml")
expect_match "$out" 'dmarc=none \(p=none dis=none\) header\.from=example\.net' "no record: dmarc=none"

# two From fields, and two domains in one From: hostile, permerror
{ echo 'From: a@football.example.com'; cat "$work/signed.eml"; } > "$work/twofrom.eml"
out=$(verify "$work/twofrom.eml")
expect_match "$out" 'dmarc=permerror reason="multiple From header fields"' "two From fields"
sed 's/^From: .*/From: a@football.example.com, b@example.net/' "$td/rfc8463/unsigned.eml" > "$work/twodom.eml"
out=$(verify "$work/twodom.eml")
expect_match "$out" 'dmarc=permerror reason="From addresses of different domains"' "two domains"

# --no-dmarc: DKIM only
out=$("$ac" verify --no-dmarc --authserv-id mx.test --resolver-config "$work/lib.conf" "$work/signed.eml")
expect_no_match "$out" 'dmarc=' "--no-dmarc: no dmarc="
# DMARC is on by default (RFC 9989 result for the signed message)
out=$("$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" "$work/signed.eml")
expect_match "$out" 'dmarc=' "default: dmarc= present"
out=$("$ac" verify --authserv-id mx.test --keytable "$td/keytable.txt" "$work/signed.eml")
expect_no_match "$out" 'dmarc=' "--keytable alone: no dmarc="
finish
