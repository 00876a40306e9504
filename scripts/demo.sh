#!/bin/sh
# demo.sh - README's demo command: build mailauth-pack and show it working
# on loopback against a real DNS server (unbound with local zone data for
# a sending domain with SPF, DKIM and DMARC records):
#   1. DNS lookups (authcheck dns)
#   2. SPF verdicts (authcheck spf)
#   3. spf-policyd answering Postfix policy requests, as spawn(8) runs it
#   4. DKIM signing (rsa-sha256 + ed25519-sha256) and verification with
#      DMARC, then the same message tampered with
# Everything it starts it stops again, by PID.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh"
if [ ! -x "$top/build/cli/authcheck" ] || [ ! -x "$top/build/postfix-policyd/spf-policyd" ]; then
	echo "== building"
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1
	mkdir -p build
	(cd build && ../configure -q && make -s -j"$(nproc)") >/dev/null
fi
ac="$top/build/cli/authcheck"
work=$(mktemp -d /tmp/mailauth-demo-XXXXXX)
chmod 755 "$work"
ub_pid=
trap '[ -n "$ub_pid" ] && "$top/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT INT TERM

# Keys for example.test, published in the zone like an admin would
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$work/ed.pem" 2>/dev/null
chmod 600 "$work/rsa.pem" "$work/ed.pem"
rsa_p=$(openssl pkey -in "$work/rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
ed_p=$(openssl pkey -in "$work/ed.pem" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
{
	cat "$top/tests/fixtures/demo-zones.conf"
	printf "local-data: 'rsa._domainkey.example.test. 3600 IN TXT \"v=DKIM1; k=rsa; \" \"p=%s\" \"%s\"'\n" \
		"$(echo "$rsa_p" | cut -c1-200)" "$(echo "$rsa_p" | cut -c201-)"
	printf "local-data: 'ed._domainkey.example.test. 3600 IN TXT \"v=DKIM1; k=ed25519; p=%s\"'\n" "$ed_p"
} > "$work/zones.conf"

ub=$("$top/tests/harness/unbound-start.sh" "$work/unbound" "$work/zones.conf") || exit 1
set -- $ub
ub_pid=$1 ub_port=$2
"$top/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/resolver.conf"
dns="--resolver-config $work/resolver.conf"
show() { echo; echo "\$ $*"; "$@"; }

echo "== 1. DNS: unbound (pid $ub_pid) serves example.test on 127.0.0.1:$ub_port"
# shellcheck disable=SC2086
for q in "TXT example.test" "TXT _dmarc.example.test" "MX example.test" \
	 "TXT ed._domainkey.example.test" "TXT nosuch.example.test"; do
	show "$ac" dns $q $dns
done

echo; echo "== 2. SPF (RFC 7208): v=spf1 mx ip4:198.51.100.0/24 -all"
show "$ac" spf --ip 192.0.2.25 --mail-from joe@example.test --helo mail.example.test $dns
show "$ac" spf --ip 198.51.100.7 --mail-from joe@example.test --helo relay.example.net $dns
show "$ac" spf --ip 203.0.113.9 --mail-from joe@example.test --helo forger.example.net $dns

echo; echo "== 3. spf-policyd: three Postfix policy requests on stdin (spawn(8) mode)"
printf 'resolver_config = %s\nAuthserv_Id = mx.demo.example\nskip_addresses = 127.0.0.0/8\n' \
	"$work/resolver.conf" > "$work/policyd.conf"
for c in "192.0.2.25 mail.example.test joe@example.test 1" \
	 "203.0.113.9 forger.example.net joe@example.test 2" \
	 "192.0.2.77 mail.example.test joe@nosuch.example.test 3"; do
	set -- $c
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nclient_name=unknown\nhelo_name=%s\nsender=%s\nrecipient=alice@demo.example\ninstance=demo.%s\nsasl_username=\n\n' "$@"
done > "$work/requests"
echo "\$ spf-policyd -c policyd.conf < requests   # clients 192.0.2.25, 203.0.113.9, 192.0.2.77"
# through pipes, as Postfix's spawn(8) gives it a socket: never a plain file
cat "$work/requests" | "$top/build/postfix-policyd/spf-policyd" -c "$work/policyd.conf" | cat

echo "== 4. DKIM + DMARC: sign with both keys, verify, tamper, verify again"
cp "$top/tests/fixtures/demo-message.eml" "$work/msg.eml"
show "$ac" dkim-sign --domain example.test --selector rsa --key "$work/rsa.pem" \
	--selector ed --key "$work/ed.pem" "$work/msg.eml"
"$ac" dkim-sign --domain example.test --selector rsa --key "$work/rsa.pem" \
	--selector ed --key "$work/ed.pem" "$work/msg.eml" > "$work/signed.eml"
# shellcheck disable=SC2086
show "$ac" verify --authserv-id mx.demo.example --ip 192.0.2.25 \
	--mail-from joe@example.test --helo mail.example.test $dns "$work/signed.eml"
sed 's/dinner ready/lunch ready/' "$work/signed.eml" > "$work/tampered.eml"
echo; echo "(the same message with its Subject changed, sent from a forger's IP)"
# shellcheck disable=SC2086
show "$ac" verify --authserv-id mx.demo.example --ip 203.0.113.9 \
	--mail-from joe@example.test --helo forger.example.net $dns "$work/tampered.eml"
echo
echo "== done: unbound stopped, $work removed"
