#!/bin/sh
# spf-default-exp.sh - the default SPF explanation (no exp= in the
# record) as both front ends give it: `authcheck spf`'s explanation line
# and spf-policyd's 550 reply (stdin/stdout mode).  RFC 7208 7.3: "For
# IPv6 addresses, the "i" macro expands to a dot-format address; it is
# intended for use in %{ir}.  The "c" macro can expand to any of the
# hexadecimal colon-format addresses specified in Section 2.2 of
# [RFC4291].  It is intended for humans to read."  So an IPv6 client is
# named 2001:db8::9 (RFC 4291 2.2, compressed), never as nibbles; IPv4 in
# dotted-quad either way.  Zone data from a libunbound configuration
# (local-data): no DNS server needed.
set -u
. "$srcdir/tests/harness/lib.sh"

ac="$MAILAUTH_BUILDDIR/cli/authcheck"
policyd="$MAILAUTH_BUILDDIR/postfix-policyd/spf-policyd"
work=$(harness_tmpdir spf-default-exp)
trap 'rm -rf "$work"' EXIT
cat > "$work/lib.conf" <<'Z'
server:
	local-zone: "example.com." static
	local-data: 'example.com. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	local-data: 'mx.example.com. 300 IN TXT "v=spf1 a -all"'
	local-data: "mx.example.com. 300 IN A 192.0.2.1"
Z
printf 'resolver_config = %s\n' "$work/lib.conf" > "$work/policyd.conf"

# authcheck spf: the explanation line
out=$("$ac" spf --ip 2001:db8::9 --mail-from "" --helo mx.example.com \
	--resolver-config "$work/lib.conf" 2>&1)
expect_eq "$out" "spf=fail smtp.helo=mx.example.com (matched -all)
explanation: 2001:db8::9 is not one of mx.example.com's designated mail servers." \
	"authcheck spf, IPv6 client: %{c} in the default explanation (README's example)"
out=$("$ac" spf --ip 2001:db8:0:0::9 --mail-from joe@example.com --helo mx.example.com \
	--resolver-config "$work/lib.conf" 2>&1)
expect_match "$out" "^explanation: 2001:db8::9 is not one of example\\.com's designated mail servers\\.\$" \
	"authcheck spf, IPv6 client written long: RFC 4291 2.2 compressed form"
out=$("$ac" spf --ip 198.51.100.7 --mail-from joe@example.com --helo mx.example.com \
	--resolver-config "$work/lib.conf" 2>&1)
expect_match "$out" "^explanation: 198\\.51\\.100\\.7 is not one of example\\.com's designated mail servers\\.\$" \
	"authcheck spf, IPv4 client: dotted quad"

# spf-policyd: the same text in the 550 reply (HELO checked first, then
# MAIL FROM)
req() { # CLIENT HELO SENDER INSTANCE
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nclient_name=unknown\nhelo_name=%s\nsender=%s\nrecipient=a@test.example\ninstance=%s\nsasl_username=\n\n' "$@"
}
# ask N: the requests on stdin go to spf-policyd, whose stdin stays open
# until N answers are out (30 s at most): no guessed sleep
ask() {
	: > "$work/answers"
	{ cat
	  i=0
	  while [ $i -lt 300 ] && [ "$(grep -c '^action=' "$work/answers")" -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	  done; } | "$policyd" -c "$work/policyd.conf" > "$work/answers" 2>&1
	cat "$work/answers"
}
out=$(req 2001:db8::9 mx.example.com joe@example.com i1 | ask 1)
expect_eq "$(printf '%s\n' "$out" | grep '^action=')" \
	"action=550 5.7.23 2001:db8::9 is not one of mx.example.com's designated mail servers." \
	"spf-policyd, IPv6 client: %{c} in the 550 reply"
out=$({ req 192.0.2.1 mx.example.com joe@example.com i2
	req 198.51.100.7 unknown.invalid joe@example.com i3; } | ask 2)
expect_match "$out" "^action=550 5\\.7\\.23 198\\.51\\.100\\.7 is not one of example\\.com's designated mail servers\\.\$" \
	"spf-policyd, IPv4 client: dotted quad in the 550 reply"

finish
