#!/bin/sh
# dovecot-dkimcheck.sh - the dkimcheck plugin in a real private Dovecot
# (tests/harness/dovecot.sh) with the shipped configs/dovecot snippet,
# installed by `make install DESTDIR=...`; DKIM keys, DMARC and SPF
# records served by a real unbound on loopback; messages signed by
# `authcheck dkim-sign` with keys made here, delivered over LMTP (swaks)
# and read back over IMAP (tests/harness/imap-read.py: header, FLAGS,
# mailbox).  Expected verdicts follow the RFCs quoted at each case; the
# DKIM ones are cross-checked with dkimpy (python3-dkim) on the same
# messages when it is installed.
#
# Needs root (Dovecot's master); exit 77 (SKIP) otherwise, or when the
# build has no Dovecot, or under the sanitizer build (an ASan-built module
# cannot be loaded into the distribution's non-ASan lmtp; the lib side is
# covered by check_msgauth and the fuzz targets there).
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root to run a private Dovecot instance"
	exit 77
fi
for p in /usr/sbin/dovecot /usr/bin/doveconf /usr/bin/swaks; do
	[ -x "$p" ] || { echo "SKIP: $p not installed"; exit 77; }
done
if grep -q -- '-fsanitize=address' "$MAILAUTH_BUILDDIR/Makefile" 2>/dev/null; then
	echo "SKIP: sanitizer build: an ASan module cannot load into the non-ASan Dovecot lmtp"
	exit 77
fi

BASE=$(harness_tmpdir dovecot-dkimcheck)
ub_pid= bh_pid=
cleanup() {
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $ub_pid $bh_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

# --- the plugin, installed as make install does ---
if [ -f "$srcdir/tests/harness/install.sh" ]; then
	. "$srcdir/tests/harness/install.sh"
	harness_install "$BASE/inst" >/dev/null || fail "make install failed"
else
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$MAILAUTH_BUILDDIR" \
		install DESTDIR="$BASE/inst" >"$BASE/install.log" 2>&1 ||
		{ tail "$BASE/install.log"; fail "make install failed"; }
	find "$BASE/inst" -type d -exec chmod 0755 {} +
	harness_moduledir=$BASE/inst$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory -C "$MAILAUTH_BUILDDIR" \
		--eval='pm: ; @echo "$(moduledir)"' pm)
	harness_bindir=$BASE/inst$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory -C "$MAILAUTH_BUILDDIR" \
		--eval='pb: ; @echo "$(bindir)"' pb)
fi
so=$harness_moduledir/lib90_dkimcheck_plugin.so
if [ ! -f "$so" ]; then
	echo "SKIP: the build has no Dovecot plugin (configure --with-dovecot=no)"
	exit 77
fi
_ok "make install put lib90_dkimcheck_plugin.so into the moduledir"
expect_eq "$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort | tr '\n' ' ')" \
	"dkimcheck_plugin_deinit dkimcheck_plugin_init dkimcheck_plugin_version " \
	"the module exports only its entry points"
ac=$MAILAUTH_BUILDDIR/cli/authcheck

# --- keys and DNS ---
# zone_txt NAME TEXT: a local-data TXT line, TEXT split into 200-octet
# character-strings (RFC 1035 3.3.14; RFC 6376 3.6.2.2 joins them)
zone_txt() {
	printf "local-data: '%s. 300 IN TXT" "$1"
	printf '%s\n' "$2" | fold -w 200 | while IFS= read -r part; do printf ' "%s"' "$part"; done
	printf "'\n"
}
mkkey() { # mkkey NAME: $BASE/keys/NAME.pem and the key record text
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$BASE/keys/$1.pem" 2>/dev/null || fail "openssl genpkey"
	chmod 600 "$BASE/keys/$1.pem"
	echo "v=DKIM1; k=rsa; p=$(openssl pkey -in "$BASE/keys/$1.pem" -pubout -outform DER 2>/dev/null | base64 -w0)"
}
mkdir -p "$BASE/keys"
pass_key=$(mkkey pass) slow_key=$(mkkey slow)
{
	for z in pass reject quar testmode none spf slow; do
		echo "local-zone: \"$z.test.\" static"
	done
	zone_txt s1._domainkey.pass.test "$pass_key"
	zone_txt _dmarc.pass.test "v=DMARC1; p=reject"
	zone_txt _dmarc.reject.test "v=DMARC1; p=reject"
	zone_txt _dmarc.quar.test "v=DMARC1; p=quarantine"
	zone_txt _dmarc.testmode.test "v=DMARC1; p=quarantine; t=y"
	zone_txt _dmarc.none.test "v=DMARC1; p=none"
	zone_txt _dmarc.spf.test "v=DMARC1; p=reject"
	zone_txt spf.test "v=spf1 ip4:192.0.2.1 -all"
	echo "local-data: 'pass.test. 300 IN A 192.0.2.10'"
	echo "local-data: 'reject.test. 300 IN A 192.0.2.11'"
} > "$BASE/zones.conf"
set -- $("$srcdir/tests/harness/unbound-start.sh" "$BASE/unbound" "$BASE/zones.conf") ||
	fail "unbound did not start"
ub_pid=$1 ub_port=$2
# a server that never answers, for the DNS time budget (slow.test)
/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0))
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(3600)' > "$BASE/blackhole.port" &
bh_pid=$!
i=0
while [ ! -s "$BASE/blackhole.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
{
	"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port"
	printf 'forward-zone:\n\tname: "slow.test."\n\tforward-addr: 127.0.0.1@%s\n' \
		"$(cat "$BASE/blackhole.port")"
} > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# --- Dovecot: the shipped snippet as is, then this test's settings ---
dovecot_init "$BASE/dovecot" "$harness_moduledir" || fail "dovecot_init"
cp "$srcdir/configs/dovecot/90-dkimcheck.conf" "$BASE/dovecot/etc/"
cat > "$BASE/dovecot/etc/test.conf" <<CONF
plugin {
  dkimcheck_authserv_id = mx.test.example
  dkimcheck_resolver_config = $BASE/resolver.conf
  dkimcheck_dns_timeout = 2s
}
CONF
dovecot_user alice
dovecot_user bob
dovecot_user rita userdb_dkimcheck_reject=lmtp
dovecot_user otto userdb_dkimcheck=no
dovecot_user dora userdb_dkimcheck_dry_run=yes
dovecot_user sam
mkdir -p "$BASE/dovecot/home/sam/sieve"
cat > "$BASE/dovecot/home/sam/sieve/dmarc.sieve" <<'SIEVE'
require ["fileinto", "imap4flags"];
if header :contains "Authentication-Results" "dmarc=fail" {
  addflag "SieveSawFail";
  fileinto "Suspicious";
}
SIEVE
ln -s sieve/dmarc.sieve "$BASE/dovecot/home/sam/.dovecot.sieve"
chown -R nobody:nogroup "$BASE/dovecot/home"
dovecot_start "$BASE/dovecot/etc/90-dkimcheck.conf" "$BASE/dovecot/etc/test.conf" ||
	fail "Dovecot did not start"

# --- helpers ---
n=0
# msg FROM SUBJECT [EXTRA HEADER LINES]: an unsigned message (CRLF)
msg() {
	n=$((n + 1))
	{
		[ -n "${3:-}" ] && printf '%s\n' "$3"
		printf 'From: Sender <sender@%s>\nTo: alice@test.example\nSubject: %s\n' "$1" "$2"
		printf 'Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <%s.%s@test>\n\n' "$n" "$$"
		printf 'Hello,\nthis is case %s.\n' "$2"
	} | sed 's/$/\r/'
}
# sign DOMAIN KEY: sign stdin with d=DOMAIN s=s1
sign() { "$ac" dkim-sign --domain "$1" --selector s1 --key "$BASE/keys/$2.pem"; }
# lmtp FILE RCPT[,RCPT]: deliver, print swaks's transcript
lmtp() {
	swaks --protocol LMTP --server 127.0.0.1 --port "$dovecot_lmtp_port" \
		--from sender@bounce.test --to "$2" --data "$1" 2>&1
}
# fetch USER SUBJECT: mailbox=, flags= and the header, A-R unfolded
fetch() {
	/usr/bin/python3 "$srcdir/tests/harness/imap-read.py" "$dovecot_imap_port" "$1" "$2" |
		awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
		     NR > 1 { print "" } { printf "%s", $0 } END { print "" }'
}
ours() { printf '%s\n' "$1" | grep '^Authentication-Results: mx\.test\.example;'; }
count_ours() { printf '%s\n' "$1" | grep -c '^Authentication-Results: mx\.test\.example;'; }
# dkimpy's verdict for a message file (1 = verified), or "-" without it
dkimpy() {
	/usr/bin/python3 - "$1" "$ub_port" <<'PY' 2>/dev/null || echo -
import sys, dkim, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ["127.0.0.1"]; r.port = int(sys.argv[2])
def get_txt(name, timeout=5):
    try:
        return b"".join(b"".join(a.strings) for a in r.resolve(name.decode().rstrip("."), "TXT"))
    except Exception:
        return None
print(1 if dkim.verify(open(sys.argv[1], "rb").read(), dnsfunc=get_txt) else 0)
PY
}

# --- 1. signed and aligned: RFC 6376 6.1 (verifies) and RFC 9989 4.4.1
# (d= equals the Author Domain) -> dkim=pass, dmarc=pass, INBOX
msg pass.test aligned | sign pass.test pass > "$BASE/aligned.eml"
expect_eq "$(dkimpy "$BASE/aligned.eml")" 1 "dkimpy verifies the aligned message"
out=$(lmtp "$BASE/aligned.eml" alice@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "aligned: delivered"
got=$(fetch alice aligned)
expect_match "$got" '^mailbox=INBOX$' "aligned: in INBOX"
expect_match "$(ours "$got")" 'dkim=pass header\.d=pass\.test .*header\.s=s1' "aligned: dkim=pass"
expect_match "$(ours "$got")" 'dmarc=pass \(p=reject dis=none\) header\.from=pass\.test' "aligned: dmarc=pass"
expect_match "$(ours "$got")" 'spf=none' "aligned: no trusted SPF field -> spf=none"
expect_eq "$(printf '%s\n' "$got" | sed -n 's/^flags=//p')" "" "aligned: no keyword"
expect_eq "$(count_ours "$got")" 1 "aligned: our field once"
expect_eq "$(printf '%s\n' "$got" | grep -n '^Authentication-Results:' | cut -d: -f1)" \
	"$(printf '%s\n' "$got" | grep -n '^Authentication-Results: mx' | cut -d: -f1)" \
	"aligned: the only A-R field is ours"
finish
