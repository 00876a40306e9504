#!/bin/sh
# authcheck-spf.sh - `authcheck spf` against a real unbound on loopback,
# with pyspf (Debian python3-spf, an independent implementation) asked the
# same questions through the same server as the oracle: for every case
# both must give the same result, and the few exact lines below follow
# from RFC 7208 (sections named).
set -u
. "$srcdir/tests/harness/lib.sh"

if ! /usr/bin/python3 -c 'import spf, dns.resolver' 2>/dev/null; then
	echo "python3-spf (the oracle) is not installed: SKIP"
	exit 77
fi

work=$(harness_tmpdir authcheck-spf)
cat > "$work/zones.conf" <<'Z'
local-zone: "spf.test." static
local-data: "spf.test. 300 IN SOA ns.spf.test. h.spf.test. 1 3600 600 86400 300"
local-data: 'spf.test. 300 IN TXT "v=spf1 mx a:web.spf.test/28 ip6:2001:db8:5::/48 include:partner.spf.test exists:%{ir}.list.spf.test ~all exp=why.spf.test"'
local-data: "spf.test. 300 IN MX 10 mx.spf.test."
local-data: "mx.spf.test. 300 IN A 192.0.2.25"
local-data: "mx.spf.test. 300 IN AAAA 2001:db8::25"
local-data: "web.spf.test. 300 IN A 192.0.2.80"
local-data: 'partner.spf.test. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"'
local-data: "9.0.51.198.list.spf.test. 300 IN A 127.0.0.2"
local-data: "1.113.0.203.list.spf.test. 300 IN A 127.0.0.2"
local-data: 'why.spf.test. 300 IN TXT "%{i} is not allowed to send as %{s}"'
local-data: 'strict.spf.test. 300 IN TXT "v=spf1 ip4:192.0.2.25 -all"'
local-data: 'neutral.spf.test. 300 IN TXT "v=spf1 ?all"'
local-data: 'redir.spf.test. 300 IN TXT "v=spf1 redirect=strict.spf.test"'
local-data: 'broken.spf.test. 300 IN TXT "v=spf1 ip4:192.0.2.25 ip4:300.1.1.1 -all"'
local-data: 'two.spf.test. 300 IN TXT "v=spf1 -all"'
local-data: 'two.spf.test. 300 IN TXT "v=spf1 +all"'
local-data: 'helo.spf.test. 300 IN TXT "v=spf1 a -all"'
local-data: "helo.spf.test. 300 IN A 192.0.2.44"
local-data: 'ptr.spf.test. 300 IN TXT "v=spf1 ptr -all"'
local-data: "host.ptr.spf.test. 300 IN A 192.0.2.66"
local-zone: "2.0.192.in-addr.arpa." static
local-data: "66.2.0.192.in-addr.arpa. 300 IN PTR host.ptr.spf.test."
Z
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"

# IP|MAIL FROM|HELO
cat > "$work/cases" <<'C'
192.0.2.25|a@spf.test|x.spf.test
2001:db8::25|a@spf.test|x.spf.test
192.0.2.85|a@spf.test|x.spf.test
192.0.2.99|a@spf.test|x.spf.test
2001:db8:5::1|a@spf.test|x.spf.test
::ffff:192.0.2.25|a@spf.test|x.spf.test
198.51.100.7|a@spf.test|x.spf.test
198.51.100.9|a@spf.test|x.spf.test
203.0.113.1|a@spf.test|x.spf.test
203.0.113.2|a@spf.test|x.spf.test
192.0.2.26|b@strict.spf.test|x.spf.test
192.0.2.25|b@redir.spf.test|x.spf.test
192.0.2.26|b@redir.spf.test|x.spf.test
192.0.2.1|b@neutral.spf.test|x.spf.test
192.0.2.25|b@broken.spf.test|x.spf.test
192.0.2.25|b@two.spf.test|x.spf.test
192.0.2.25|b@nothing.spf.test|x.spf.test
192.0.2.44||helo.spf.test
192.0.2.45||helo.spf.test
192.0.2.66|c@ptr.spf.test|x.spf.test
192.0.2.67|c@ptr.spf.test|x.spf.test
C

# pyspf through the same unbound
/usr/bin/python3 - "$ub_port" "$work/cases" > "$work/pyspf.out" <<'PY' || fail "pyspf did not run"
import sys
import dns.resolver
import spf
r = dns.resolver.Resolver(configure=False)
r.nameservers = ["127.0.0.1"]
r.port = int(sys.argv[1])
dns.resolver.default_resolver = r
for line in open(sys.argv[2]):
    ip, mfrom, helo = line.rstrip("\n").split("|")
    res, _ = spf.check2(i=ip, s=mfrom, h=helo)
    print(res)
PY

n=0
while IFS='|' read -r ip mfrom helo; do
	n=$((n + 1))
	want=$(sed -n "${n}p" "$work/pyspf.out")
	out=$("$ac" spf --ip "$ip" --mail-from "$mfrom" --helo "$helo" \
		--resolver-config "$work/lib.conf")
	got=$(printf '%s\n' "$out" | sed -n '1s/^spf=\([a-z]*\) .*/\1/p')
	expect_eq "$got" "$want" "$ip $mfrom $helo: same result as pyspf"
done < "$work/cases"

out=$("$ac" spf --ip 192.0.2.99 --mail-from joe@spf.test --helo x.spf.test \
	--resolver-config "$work/lib.conf")
expect_match "$out" '^spf=softfail smtp.mailfrom=spf.test \(matched ~all\)$' \
	"softfail line (4.6.2 ~)"
out=$("$ac" spf --ip 192.0.2.26 --mail-from joe@strict.spf.test \
	--helo x.spf.test --resolver-config "$work/lib.conf")
expect_match "$out" '^spf=fail smtp.mailfrom=strict.spf.test' "fail line"
expect_match "$out" '^explanation: ' "fail has an explanation line (6.2)"
out=$("$ac" spf --ip 192.0.2.45 --mail-from "" --helo helo.spf.test \
	--resolver-config "$work/lib.conf")
expect_match "$out" '^spf=fail smtp.helo=helo.spf.test ' \
	"null sender checks postmaster@HELO (2.4)"
out=$("$ac" spf --ip 192.0.2.44 --mail-from x@strict.spf.test --identity helo \
	--helo helo.spf.test --resolver-config "$work/lib.conf")
expect_match "$out" '^spf=pass smtp.helo=helo.spf.test ' "--identity helo (2.3)"

"$ac" spf --mail-from a@spf.test --helo x >/dev/null 2>&1
expect_eq "$?" 2 "missing --ip is a usage error"
"$ac" spf --ip 192.0.2.1 --mail-from a@spf.test --bogus >/dev/null 2>&1
expect_eq "$?" 2 "unknown option is a usage error"
"$ac" spf --ip 192.0.2.1 --mail-from a@spf.test \
	--resolver-config /nonexistent.conf >/dev/null 2>&1
expect_eq "$?" 1 "bad resolver configuration: cannot run"

finish
