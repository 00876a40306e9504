#!/bin/sh
# dns-localzones.sh - libunbound's built-in local zones (unbound.conf(5):
# the RFC 6303 reverse zones such as 10.in-addr.arpa and the RFC 5737 /
# RFC 3849 documentation prefixes, and test. / invalid. / home.arpa.) must
# not answer for the site's resolver.  A real unbound plays the site's
# authoritative server for those zones; the library reaches it through
# the forwarder path (authcheck --forwarder).  RFC 7208 5.5 (ptr) needs
# the PTR record of a relay in 10/8 to exist when the site serves it.
# A user's own resolver_config keeps full control: there libunbound's
# defaults stay unless that file turns them off.
set -u
. "$srcdir/tests/harness/lib.sh"

work=$(harness_tmpdir dns-localzones)
ptr6=1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa
{
	echo 'local-zone: "10.in-addr.arpa." static'
	echo "local-data: '5.0.0.10.in-addr.arpa. 300 IN PTR relay.corp.example.'"
	echo 'local-zone: "16.172.in-addr.arpa." static'
	echo "local-data: '9.0.16.172.in-addr.arpa. 300 IN PTR host.corp.example.'"
	echo 'local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." static'
	echo "local-data: '$ptr6. 300 IN PTR mx.example.com.'"
	echo "local-data: '1.2.0.192.in-addr.arpa. 300 IN PTR doc.example.com.'"
	echo "local-data: 'mail.test. 300 IN A 192.0.2.7'"
	echo "local-data: 'printer.home.arpa. 300 IN A 192.0.2.8'"
	echo 'local-zone: "corp.example." static'
	echo "local-data: 'relay.corp.example. 300 IN A 10.0.0.5'"
	echo "local-data: 'corp.example. 300 IN TXT \"v=spf1 ptr -all\"'"
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
fwd() { "$ac" dns "$1" "$2" --forwarder "127.0.0.1@$ub_port" --timeout 3; }

out=$(fwd PTR 5.0.0.10.in-addr.arpa)
expect_match "$out" 'PTR[[:space:]]+relay\.corp\.example\.$' "RFC 1918 10/8 reverse zone served by the site"
out=$(fwd PTR 9.0.16.172.in-addr.arpa)
expect_match "$out" 'PTR[[:space:]]+host\.corp\.example\.$' "RFC 1918 172.16/12 reverse zone"
out=$(fwd PTR "$ptr6")
expect_match "$out" 'PTR[[:space:]]+mx\.example\.com\.$' "2001:db8::/32 (RFC 3849) reverse zone"
out=$(fwd PTR 1.2.0.192.in-addr.arpa)
expect_match "$out" 'PTR[[:space:]]+doc\.example\.com\.$' "192.0.2.0/24 (RFC 5737) reverse zone"
out=$(fwd A mail.test)
expect_match "$out" 'A[[:space:]]+192\.0\.2\.7$' "test. (RFC 6761) served by the site"
out=$(fwd A printer.home.arpa)
expect_match "$out" 'A[[:space:]]+192\.0\.2\.8$' "home.arpa. (RFC 8375) served by the site"
# localhost stays local (RFC 6761 6.3), the site does not serve it here
out=$(fwd A localhost)
expect_match "$out" 'A[[:space:]]+127\.0\.0\.1$' "localhost. answered by the library"

# RFC 7208 5.5 ptr: the relay 10.0.0.5 -> relay.corp.example -> 10.0.0.5
out=$("$ac" spf --ip 10.0.0.5 --mail-from a@corp.example --helo relay.corp.example --forwarder "127.0.0.1@$ub_port" --timeout 3)
expect_match "$out" '^spf=pass .*\(matched ptr\)' "SPF ptr for a relay in 10/8: pass"

# a user's resolver_config keeps full control: forwarding alone leaves
# libunbound's default for 2001:db8::/32 in place ...
cat > "$work/user.conf" <<CONF
server:
	do-not-query-localhost: no
	do-ip6: no
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@$ub_port
CONF
out=$("$ac" dns PTR "$ptr6" --resolver-config "$work/user.conf" --timeout 3)
expect_match "$out" 'nxdomain' "user config without nodefault: libunbound's default zone answers"
# ... and the user's own nodefault turns it off
sed 's/^server:/server:\n\tlocal-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault/' "$work/user.conf" > "$work/user2.conf"
out=$("$ac" dns PTR "$ptr6" --resolver-config "$work/user2.conf" --timeout 3)
expect_match "$out" 'PTR[[:space:]]+mx\.example\.com\.$' "user config with nodefault: the site answers"
finish
