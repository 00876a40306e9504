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
# build has no Dovecot.  In the sanitizer build the ASan runtime is
# preloaded into Dovecot's (non-ASan) processes, so the ASan+UBSan plugin
# runs inside the real lmtp, and any report fails the test.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"

harness_need_root "to run a private Dovecot instance"
harness_need /usr/sbin/dovecot /usr/bin/doveconf /usr/bin/swaks

BASE=$(harness_tmpdir dovecot-dkimcheck)
ub_pid= bh_pid=
cleanup() {
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $ub_pid $bh_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

# --- the plugin, installed as make install does ---
dovecot_plugin_install "$BASE/inst"
so=$dovecot_plugin_so
expect_match "$(nm -D --defined-only "$so" 2>&1)" ' T dkimcheck_plugin_init$' \
	"make install put a loadable lib90_dkimcheck_plugin.so into the moduledir"
expect_eq "$(cd "$(dirname "$so")" && ls lib90_dkimcheck_plugin.* | tr '\n' ' ')" \
	"lib90_dkimcheck_plugin.so " \
	"only the .so, no libtool archive beside it (Dovecot loads lib*_plugin.so)"
expect_eq "$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort | tr '\n' ' ')" \
	"dkimcheck_plugin_deinit dkimcheck_plugin_init dkimcheck_plugin_version " \
	"the module exports only its entry points"
ac=$MAILAUTH_BUILDDIR/cli/authcheck

# Sanitizer build: Dovecot's processes get the ASan runtime preloaded
# (import_environment) and no address-space limit (ASan's shadow memory);
# reports go to $BASE/sanlog/ and must not exist at the end.
dovecot_sanitizer_conf "$so" "$BASE/sanitizer.conf" "$BASE/sanlog" ||
	fail "dovecot_sanitizer_conf"
libasan=$dovecot_asan_runtime
if [ -n "$libasan" ]; then
	echo "# sanitizer build: $libasan preloaded into Dovecot's processes"
fi

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
	# everything else under test. is NXDOMAIN (DMARC tree walks reach
	# _dmarc.test, RFC 9989 4.10)
	echo 'local-zone: "test." static'
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
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
# a server that never answers, for the DNS time budget (slow.test)
harness_blackhole "$BASE/blackhole.port"
{
	"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port"
	printf 'forward-zone:\n\tname: "slow.test."\n\tforward-addr: 127.0.0.1@%s\n' "$bh_port"
} > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# --- Dovecot: the shipped snippet as is, then this test's settings ---
dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 2s \
	"dkimcheck_trusted_authserv_ids = border.test.example" ||
	fail "dovecot_dkimcheck_init"
dovecot_user alice
dovecot_user bob
dovecot_user rita userdb_dkimcheck_reject=lmtp
dovecot_user otto userdb_dkimcheck=no
dovecot_user dora userdb_dkimcheck_dry_run=yes
dovecot_user sam
dovecot_user ivy userdb_dkimcheck_reject=bounce
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
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" || fail "Dovecot did not start"

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
		--from sender@bounce.test --to "$2" --data "@$1" 2>&1
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
if [ -n "$libasan" ]; then
	# an lmtp process of this instance, held by an open connection (with
	# Dovecot 2.4.1's restart_request_count = 1 it ends with its
	# connection)
	dovecot_lmtp_hold
	lmtp_pid=$dovecot_held_lmtp
	expect_match "$(grep -cE 'libasan|libclang_rt[.]asan' "/proc/$lmtp_pid/maps" 2>/dev/null)" '^[1-9]' "sanitizer build: the lmtp process runs with the ASan runtime"
	dovecot_lmtp_release
fi
expect_match "$(ours "$got")" 'dkim=pass header\.d=pass\.test .*header\.s=s1' "aligned: dkim=pass"
expect_match "$(ours "$got")" 'dmarc=pass \(p=reject dis=none\) header\.from=pass\.test' "aligned: dmarc=pass"
expect_match "$(ours "$got")" 'spf=none' "aligned: no trusted SPF field -> spf=none"
expect_eq "$(printf '%s\n' "$got" | sed -n 's/^flags=//p')" "" "aligned: no keyword"
expect_eq "$(count_ours "$got")" 1 "aligned: our field once"
expect_eq "$(printf '%s\n' "$got" | grep -n '^Authentication-Results:' | cut -d: -f1)" \
	"$(printf '%s\n' "$got" | grep -n '^Authentication-Results: mx' | cut -d: -f1)" \
	"aligned: the only A-R field is ours"

# --- 2. spoofed From of a p=reject domain, signed by another domain:
# the DKIM pass is not aligned (RFC 9989 4.4.1), no SPF -> dmarc=fail
# (5.3.5), p=reject applies; dkimcheck_reject = junk (default): Junk with
# $DMARC_Fail and $Junk; the second recipient (a maildir hardlink of the
# first copy) gets the same keywords
msg reject.test spoofed | sign pass.test pass > "$BASE/spoofed.eml"
out=$(lmtp "$BASE/spoofed.eml" alice@test.example,bob@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "spoofed: alice accepted"
expect_match "$out" '^<- +250 2\.0\.0 <bob@test\.example> .* Saved' "spoofed: bob accepted"
for u in alice bob; do
	got=$(fetch $u spoofed)
	expect_match "$got" '^mailbox=Junk$' "spoofed: $u: filed into Junk"
	expect_match "$got" '^flags=\$DMARC_Fail \$Junk$' "spoofed: $u: keywords \$DMARC_Fail \$Junk"
	expect_match "$(ours "$got")" 'dkim=pass header\.d=pass\.test' "spoofed: $u: the unaligned signature passes"
	expect_match "$(ours "$got")" 'dmarc=fail \(p=reject dis=reject\) header\.from=reject\.test' "spoofed: $u: dmarc=fail, disposition reject"
	# two recipients: the field once in each copy (RFC 8601 5)
	expect_eq "$(count_ours "$got")" 1 "spoofed: $u: our field once"
done

# --- 3. the same with dkimcheck_reject = lmtp for rita: 550 5.7.1 for
# her, alice (same transaction) still gets it in Junk
out=$(lmtp "$BASE/spoofed.eml" rita@test.example,alice@test.example)
expect_match "$out" '^<\*\* +550 5\.7\.1 <rita@test\.example> Rejected by the DMARC policy of reject\.test' "lmtp reject: 550 5.7.1 for rita"
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "lmtp reject: alice accepted in the same transaction"
/usr/bin/python3 "$srcdir/tests/harness/imap-read.py" "$dovecot_imap_port" rita spoofed > /dev/null
expect_eq "$?" 1 "lmtp reject: nothing stored for rita"

# --- 4. p=quarantine, unsigned: dmarc=fail, dis=quarantine -> Junk
msg quar.test quarantined > "$BASE/quar.eml"
lmtp "$BASE/quar.eml" alice@test.example > /dev/null
got=$(fetch alice quarantined)
expect_match "$got" '^mailbox=Junk$' "quarantine: Junk"
expect_match "$(ours "$got")" 'dkim=none' "quarantine: unsigned -> dkim=none (RFC 8601 2.7.1)"
expect_match "$(ours "$got")" 'dmarc=fail \(p=quarantine dis=quarantine\)' "quarantine: dmarc=fail dis=quarantine"
expect_match "$got" '^flags=\$DMARC_Fail \$Junk$' "quarantine: keywords"

# --- 5. t=y test mode: RFC 9989 4.7 "if the policy is quarantine and
# the value of the t tag is y, a policy of none will be applied" -> INBOX
msg testmode.test testmode > "$BASE/testmode.eml"
lmtp "$BASE/testmode.eml" alice@test.example > /dev/null
got=$(fetch alice testmode)
expect_match "$got" '^mailbox=INBOX$' "t=y: INBOX"
expect_match "$(ours "$got")" 'dmarc=fail \(p=quarantine dis=none\)' "t=y: dmarc=fail, disposition none"
expect_match "$got" '^flags=\$DMARC_Fail$' "t=y: tagged \$DMARC_Fail only"

# --- 6. tampered body: RFC 6376 3.7 body hash mismatch -> dkim=fail;
# no other aligned pass -> dmarc=fail, p=reject -> Junk
sed 's/this is case/this is the tampered case/' "$BASE/aligned.eml" |
	sed 's/^Subject: aligned/Subject: tampered/' > "$BASE/tampered.eml"
expect_eq "$(dkimpy "$BASE/tampered.eml")" 0 "dkimpy rejects the tampered message"
lmtp "$BASE/tampered.eml" alice@test.example > /dev/null
got=$(fetch alice tampered)
expect_match "$(ours "$got")" 'dkim=fail .*header\.d=pass\.test' "tampered: dkim=fail"
expect_match "$(ours "$got")" 'dmarc=fail \(p=reject dis=reject\)' "tampered: dmarc=fail"
expect_match "$got" '^flags=\$DKIM_Fail \$DMARC_Fail \$Junk$' "tampered: \$DKIM_Fail \$DMARC_Fail \$Junk"
expect_match "$got" '^mailbox=Junk$' "tampered: Junk"

# --- 7. DNS timeout: slow.test's server never answers; the 2 s budget
# ends -> dkim=temperror (RFC 6376 6.1.2, key not retrievable now),
# dmarc=temperror (RFC 9989 5.3.6: neither pass nor fail), delivered
msg slow.test slowdns | sign slow.test slow > "$BASE/slow.eml"
out=$(lmtp "$BASE/slow.eml" alice@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "DNS timeout: delivered"
got=$(fetch alice slowdns)
expect_match "$got" '^mailbox=INBOX$' "DNS timeout: INBOX"
expect_match "$(ours "$got")" 'dkim=temperror .*header\.d=slow\.test' "DNS timeout: dkim=temperror"
expect_match "$(ours "$got")" 'dmarc=temperror' "DNS timeout: dmarc=temperror"
expect_eq "$(printf '%s\n' "$got" | sed -n 's/^flags=//p')" "" "DNS timeout: no keyword"

# --- 8. forged Authentication-Results with our authserv-id (RFC 8601 5:
# remove them) and one of another host (kept)
msg pass.test forgedar "Authentication-Results: mx.test.example; dkim=pass header.d=reject.test; dmarc=pass header.from=reject.test
Authentication-Results: other.example; dkim=pass header.d=pass.test
Received: from x by y; Sat, 28 Nov 2026 09:00:00 +0000
Authentication-Results: MX.TEST.EXAMPLE;
 spf=pass smtp.mailfrom=reject.test" | sign pass.test pass > "$BASE/forged.eml"
lmtp "$BASE/forged.eml" alice@test.example > /dev/null
got=$(fetch alice forgedar)
expect_eq "$(count_ours "$got")" 1 "forged A-R: one field with our id left"
expect_no_match "$got" 'header\.d=reject\.test|MX\.TEST\.EXAMPLE' "forged A-R: the forged fields are gone"
expect_match "$got" '^Authentication-Results: other\.example; dkim=pass header\.d=pass\.test$' "forged A-R: another host's field stays"
expect_match "$(ours "$got")" 'spf=none; dkim=pass .*dmarc=pass' "forged A-R: our own verdicts"

# --- 9. SPF from our spf-policyd: the topmost A-R with our id is
# trusted (spf=pass, aligned with From spf.test -> dmarc=pass, RFC 9989
# 4.4.2) and replaced by ours; the same field lower down is not
msg spf.test spftrusted "Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=spf.test
Received: from mail.spf.test ([192.0.2.1]) by mx.test.example; Sat, 28 Nov 2026 09:00:00 +0000" > "$BASE/spf1.eml"
lmtp "$BASE/spf1.eml" alice@test.example > /dev/null
got=$(fetch alice spftrusted)
expect_match "$(ours "$got")" 'spf=pass smtp\.mailfrom=spf\.test; dkim=none; dmarc=pass \(p=reject dis=none\)' "trusted SPF: spf=pass carried over, dmarc=pass"
expect_eq "$(count_ours "$got")" 1 "trusted SPF: its field replaced by ours"
expect_match "$got" '^mailbox=INBOX$' "trusted SPF: INBOX"
msg spf.test spfforged "Authentication-Results: mx.test.example; spf=softfail smtp.mailfrom=spf.test
Received: from evil ([198.51.100.9]) by mx.test.example; Sat, 28 Nov 2026 09:00:00 +0000
Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=spf.test" > "$BASE/spf2.eml"
lmtp "$BASE/spf2.eml" alice@test.example > /dev/null
got=$(fetch alice spfforged)
expect_match "$(ours "$got")" 'spf=softfail smtp\.mailfrom=spf\.test; dkim=none; dmarc=fail \(p=reject dis=reject\)' "forged spf=pass below our policyd's field: not believed"
expect_eq "$(count_ours "$got")" 1 "forged spf=pass: removed"
expect_match "$got" '^mailbox=Junk$' "forged spf=pass: Junk"

# a border MX in dkimcheck_trusted_authserv_ids: its SPF result is
# believed (dmarc=pass through SPF) and its field stays
msg spf.test spfborder "Authentication-Results: border.test.example; spf=pass smtp.mailfrom=spf.test
Received: from mail.spf.test ([192.0.2.1]) by border.test.example; Sat, 28 Nov 2026 09:00:00 +0000" > "$BASE/spf3.eml"
lmtp "$BASE/spf3.eml" alice@test.example > /dev/null
got=$(fetch alice spfborder)
expect_match "$(ours "$got")" 'spf=pass smtp\.mailfrom=spf\.test; dkim=none; dmarc=pass' "trusted border MX: its spf=pass is believed"
expect_eq "$(printf '%s\n' "$got" | grep -c '^Authentication-Results: border\.test\.example; spf=pass')" 1 "trusted border MX: its field stays"
# the same id not in the list: not believed
msg spf.test spfstranger "Authentication-Results: stranger.example; spf=pass smtp.mailfrom=spf.test" > "$BASE/spf4.eml"
lmtp "$BASE/spf4.eml" alice@test.example > /dev/null
got=$(fetch alice spfstranger)
expect_match "$(ours "$got")" 'spf=none; dkim=none; dmarc=fail' "untrusted authserv-id: its spf=pass is not believed"

# --- 10. a user's Sieve script filing on dmarc=fail (p=none: no
# disposition, so only Sieve moves it); its addflag merges with ours
msg none.test sievecase > "$BASE/sieve.eml"
lmtp "$BASE/sieve.eml" sam@test.example > /dev/null
got=$(fetch sam sievecase)
expect_match "$got" '^mailbox=Suspicious$' "Sieve: fileinto on dmarc=fail"
expect_match "$got" '^flags=\$DMARC_Fail SieveSawFail$' "Sieve: its flag and ours merged"
expect_match "$(ours "$got")" 'dmarc=fail \(p=none dis=none\)' "Sieve: saw dmarc=fail"

# --- 11. opt-out (dkimcheck = no from userdb) and dry run; otto second,
# so his copy is the maildir hardlink of dora's tagged one
lmtp "$BASE/spoofed.eml" dora@test.example,otto@test.example > /dev/null
got=$(fetch otto spoofed)
expect_match "$got" '^mailbox=INBOX$' "opt-out: INBOX"
expect_eq "$(printf '%s\n' "$got" | sed -n 's/^flags=//p')" "" "opt-out: no keywords"
expect_eq "$(count_ours "$got")" 1 "opt-out: the message's field is still there once"
got=$(fetch dora spoofed)
expect_match "$got" '^mailbox=INBOX$' "dry run: not filed"
expect_match "$got" '^flags=\$DMARC_Fail$' "dry run: tagged, no \$Junk"

# --- a user whose settings do not parse: delivered without dkimcheck's
# policy (the message's field stays), the error logged
out=$(lmtp "$BASE/spoofed.eml" ivy@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <ivy@test\.example> .* Saved' "bad user setting: delivered"
got=$(fetch ivy spoofed)
expect_match "$got" '^mailbox=INBOX$' "bad user setting: no policy applied"
# (2.3: our reader's message; 2.4: Dovecot's, applying the userdb field)
expect_match "$(cat "$dovecot_log")" "dkimcheck: session=.* action=error .*dkimcheck_reject(: invalid value '|=)bounce" "bad user setting: logged"

# --- 12. hostile input: no crash, delivered
{
	printf 'From: a@pass.test, b@reject.test\r\nFrom: <>\r\nSubject: hostile\r\n'
	printf 'DKIM-Signature: v=1; a=rsa-sha256; d=pass.test; s=s1; b=; bh=\r\n'
	printf 'DKIM-Signature: %s\r\n' "$(head -c 3000 /dev/zero | tr '\0' 'x')"
	printf 'Authentication-Results: mx.test.example\r\n'
	printf 'Authentication-Results: (((((\r\n'
	printf 'X-Bin: \001\002\377\r\n\r\nbody\r\n'
} > "$BASE/hostile.eml"
out=$(lmtp "$BASE/hostile.eml" alice@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "hostile: delivered"
got=$(fetch alice hostile)
expect_match "$(ours "$got")" 'dmarc=permerror' "hostile: two From authors -> dmarc=permerror (RFC 9989 5.3.1)"
expect_eq "$(count_ours "$got")" 1 "hostile: forged fields gone"

# --- logs and events ---
log=$(cat "$dovecot_log")
expect_match "$log" 'dkimcheck: session=[^ ]+ from=pass\.test spf=none dkim=pass dmarc=pass policy=reject disposition=none dropped=0 time=[0-9]+ms' "one log line per message"
expect_eq "$(grep -c 'dkimcheck: session=.* from=reject\.test .*dmarc=fail' "$dovecot_log")" 4 "one line per transaction (4 for 7 recipients)"
expect_match "$log" 'dkimcheck: session=[^ ]+ action=reject dmarc=fail disposition=reject: rcpt=rita@test\.example' "the 550 is logged"
expect_no_match "$log" 'Panic|Fatal|killed with signal|segfault' "no crash in the log"
stats=$(doveadm -c "$dovecot_conf" stats dump 2>&1)
expect_match "$stats" 'dkimcheck_verified_fail_reject' "metric: dmarc=fail dis=reject counted"
expect_match "$stats" 'dkimcheck_recipient_junk' "metric: per-recipient action counted"

# --- imap and doveadm work with the plugin configured (2.3's snippet
# loads it globally: weak lmtp symbols, harmless there; 2.4's in lmtp) ---
expect_match "$(fetch alice aligned)" '^mailbox=INBOX$' "IMAP works with the plugin in mail_plugins"
out=$(doveadm -c "$dovecot_conf" mailbox list -u alice 2>&1)
expect_eq "$(printf '%s\n' "$out" | sort | tr '\n' ' ')" "INBOX Junk " "doveadm with the plugin loaded: the Junk mailbox was created"
expect_no_match "$(cat "$dovecot_log")" 'undefined symbol|initialization failed' "no module load error"

# --- Dovecot 2.4: the settings module (libdkimcheck_settings.so) makes
# every dkimcheck_* setting known with its type and default, and doveconf
# refuses a bad value at start-up (dkimcheck(7) gives the ranges); 2.3's
# plugin { } takes any string (the plugin reports it at delivery, above)
if [ "$dovecot_series" = 2.4 ]; then
	# doveconf_with LINE [KEY]: doveconf on this instance plus LINE:
	# its errors, or with KEY the value it gives KEY
	doveconf_with() {
		{ cat "$dovecot_conf"; printf '%s\n' "$1"; } > "$BASE/dovecot/etc/extra.conf"
		if [ $# -gt 1 ]; then
			doveconf -c "$BASE/dovecot/etc/extra.conf" -h "$2" 2>&1
		else
			doveconf -c "$BASE/dovecot/etc/extra.conf" -n 2>&1 >/dev/null
		fi
	}
	expect_eq "$(doveconf_with "" dkimcheck_reject)" junk "2.4: dkimcheck_reject is known, default junk"
	expect_eq "$(doveconf_with "" dkimcheck_keyword_junk)" '$Junk' "2.4: dkimcheck_keyword_junk default \$Junk"
	expect_eq "$(doveconf_with "" dkimcheck_max_signatures)" 8 "2.4: dkimcheck_max_signatures default 8"
	expect_eq "$(doveconf_with "" dkimcheck)" yes "2.4: dkimcheck default yes"
	expect_eq "$(doveconf_with "dkimcheck_dns_timeout = 1500ms")" "" "2.4: dkimcheck_dns_timeout = 1500ms accepted"
	expect_match "$(doveconf_with "dkimcheck_dns_timeout = 0")" 'dkimcheck_dns_timeout: .*out of range' "2.4: dkimcheck_dns_timeout = 0 refused"
	expect_match "$(doveconf_with "dkimcheck_dns_timeout = 61s")" 'dkimcheck_dns_timeout: .*out of range' "2.4: dkimcheck_dns_timeout above 60s refused"
	expect_match "$(doveconf_with "dkimcheck_dns_timeout = soon")" 'dkimcheck_dns_timeout' "2.4: dkimcheck_dns_timeout = soon refused"
	expect_match "$(doveconf_with "dkimcheck_max_signatures = 65")" "dkimcheck_max_signatures: invalid value '65'" "2.4: dkimcheck_max_signatures = 65 refused"
	expect_match "$(doveconf_with "dkimcheck_reject = bounce")" 'dkimcheck_reject: Invalid value: bounce' "2.4: dkimcheck_reject = bounce refused"
	expect_match "$(doveconf_with "dkimcheck_dry_run = maybe")" 'dkimcheck_dry_run' "2.4: dkimcheck_dry_run = maybe refused"
	expect_match "$(doveconf_with 'dkimcheck_keyword_junk = a(b')" "dkimcheck_keyword_junk: 'a\(b' is not an IMAP keyword" "2.4: a keyword with '(' refused (RFC 9051 atom)"
	expect_match "$(doveconf_with 'dkimcheck_authserv_id = a;b')" "dkimcheck_authserv_id: 'a;b' is not a token" "2.4: an authserv-id with ';' refused (RFC 8601 2.2)"
	expect_match "$(doveconf_with "dkimcheck_trusted_authserv_ids = $(seq -s ' ' 1 17)")" 'dkimcheck_trusted_authserv_ids: more than 16 entries' "2.4: 17 trusted authserv-ids refused"
	expect_match "$(doveconf_with "dkimcheck_bogus = 1")" 'Unknown setting: dkimcheck_bogus' "2.4: an unknown dkimcheck_ setting is still an error"
fi

# --- nothing lost: a broken resolver configuration -> delivered untouched
dovecot_stop || _not_ok "first instance stopped"
dovecot_settings_conf "$BASE/dovecot/etc/broken.conf" \
	"dkimcheck_resolver_config = $BASE/nonexistent.conf"
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" "$BASE/dovecot/etc/broken.conf" ||
	fail "Dovecot did not restart"
msg reject.test untouched | sign pass.test pass > "$BASE/untouched.eml"
out=$(lmtp "$BASE/untouched.eml" bob@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <bob@test\.example> .* Saved' "internal error: still delivered"
got=$(fetch bob untouched)
expect_match "$got" '^mailbox=INBOX$' "internal error: INBOX"
expect_eq "$(count_ours "$got")" 0 "internal error: message untouched (no field)"
expect_match "$(cat "$dovecot_log")" 'dkimcheck: session=.* verification failed, message delivered untouched' "internal error: logged"

pid=$dovecot_pid
dovecot_stop
expect_eq "$?" 0 "Dovecot stopped, no process left"
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
finish
