#!/bin/sh
# dovecot-dmarc-history.sh - dkimcheck_dmarc_history in a real private
# Dovecot (tests/harness/dovecot.sh, the shipped snippet): one DMARC
# history record per LMTP transaction (not per recipient) for messages
# whose From domain has a DMARC policy, the client address taken from
# our MTA's Received field (never the sender's), the disposition applied
# per the first recipient (Junk = quarantine + local_policy, LMTP 550 =
# reject); an unusable directory is logged and the message delivered.
# Then the plugin's own records go through `dmarc-reports import` and
# `send --out` and the report validates against the RFC 9990 XSD.
#
# Needs root (Dovecot's master); exit 77 (SKIP) otherwise.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"

harness_need_root "to run a private Dovecot instance"
harness_need /usr/sbin/dovecot /usr/bin/doveconf /usr/bin/swaks /usr/bin/xmllint

BASE=$(harness_tmpdir dovecot-dmarc-history)
ub_pid=
cleanup() {
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $ub_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

dovecot_plugin_install "$BASE/inst"
so=$dovecot_plugin_so
ac=$MAILAUTH_BUILDDIR/cli/authcheck
dr=$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports
dovecot_sanitizer_conf "$so" "$BASE/sanitizer.conf" "$BASE/sanlog" ||
	fail "dovecot_sanitizer_conf"

mkdir -p "$BASE/keys"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$BASE/keys/pass.pem" 2>/dev/null || fail "openssl genpkey"
chmod 600 "$BASE/keys/pass.pem"
key="v=DKIM1; k=rsa; p=$(openssl pkey -in "$BASE/keys/pass.pem" -pubout -outform DER 2>/dev/null | base64 -w0)"
{
	echo 'local-zone: "test." static'
	printf "local-data: 's1._domainkey.pass.test. 300 IN TXT"
	printf '%s\n' "$key" | fold -w 200 | while IFS= read -r p; do printf ' "%s"' "$p"; done
	printf "'\n"
	echo "local-data: '_dmarc.pass.test. 300 IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@pass.test\"'"
	echo "local-data: '_dmarc.reject.test. 300 IN TXT \"v=DMARC1; p=reject; rua=mailto:agg@reject.test\"'"
	echo "local-data: '_dmarc.ruf.test. 300 IN TXT \"v=DMARC1; p=none; ruf=mailto:f@ruf.test; fo=1\"'"
	echo "local-data: 'pass.test. 300 IN A 192.0.2.10'"
	echo "local-data: 'reject.test. 300 IN A 192.0.2.11'"
	echo "local-data: 'nodmarc.test. 300 IN A 192.0.2.12'"
} > "$BASE/zones.conf"
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# writable by the lmtp process at the end of the transaction
# (dkimcheck(7))
hist=$BASE/history
mkdir -p "$hist" && chmod 750 "$hist"
dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 5s \
	"dkimcheck_dmarc_history = $hist" || fail "dovecot_dkimcheck_init"
dovecot_user alice
dovecot_user bob
dovecot_user rita userdb_dkimcheck_reject=lmtp
# one lmtp process for every connection, so that "one file" below checks
# that a process appends its records to one file per UTC day: 2.3 keeps
# lmtp processes by default (service_count = 0); 2.4 ends one after each
# connection (restart_request_count = 1: one file per connection there,
# dkimcheck(7); the 2026-12 Debian 13 root stage found 3 files)
if [ "$dovecot_series" = 2.3 ]; then
	printf 'service lmtp {\n  service_count = 0\n}\n'
else
	printf 'service lmtp {\n  restart_request_count = unlimited\n}\n'
fi > "$BASE/dovecot/etc/lmtp.conf"
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" "$BASE/dovecot/etc/lmtp.conf" ||
	fail "Dovecot did not start"

n=0
# msg FROM SUBJECT IP: a message as our border MTA hands it on: its own
# Received field on top, a sender-written one below (CRLF)
msg() {
	n=$((n + 1))
	{
		printf 'Received: from client.example (client.example [%s])\n\tby mx.test.example (Postfix) with ESMTP id Q%s\n' "$3" "$n"
		printf 'Received: from forged ([10.66.66.66]) by forged with SMTP\n'
		printf 'From: Sender <sender@%s>\nTo: alice@test.example\nSubject: %s\n' "$1" "$2"
		printf 'Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <%s.%s@test>\n\n' "$n" "$$"
		printf 'Hello,\nthis is case %s.\n' "$2"
	} | sed 's/$/\r/'
}
sign() { "$ac" dkim-sign --domain "$1" --selector s1 --key "$BASE/keys/$2.pem"; }
# lmtp FILE RCPT[,RCPT]: deliver FILE's bytes.  "@FILE": swaks 20240103
# (Debian 13) sends a bare "--data FILE" as the literal text "FILE" (the
# 2026-12 Debian 13 root stage: the plugin saw no From field, from=-
# dmarc=permerror, and wrote no record); older swaks read both forms.
lmtp() {
	swaks --protocol LMTP --server 127.0.0.1 --port "$dovecot_lmtp_port" \
		--from sender@bounce.test --to "$2" --data "@$1" 2>&1
}
records() { cat "$hist"/*.dmarc 2>/dev/null; }

# 1. aligned pass (RFC 9989 4.4.1): res=pass, delivered as is
msg pass.test aligned 192.0.2.1 | sign pass.test pass > "$BASE/aligned.eml"
lmtp "$BASE/aligned.eml" alice@test.example > /dev/null
# 2. spoofed p=reject domain to two recipients, Junk (dkimcheck_reject
# = junk): ONE record, quarantine + local_policy (RFC 9990 XSD reason)
msg reject.test spoofed 198.51.100.7 | sign pass.test pass > "$BASE/spoofed.eml"
out=$(lmtp "$BASE/spoofed.eml" alice@test.example,bob@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <bob@test\.example> .* Saved' "spoofed: delivered"
# 3. the same, rita first (LMTP 550): reject, no reason
out=$(lmtp "$BASE/spoofed.eml" rita@test.example,alice@test.example)
expect_match "$out" '^<\*\* +550 5\.7\.1 <rita@test\.example>' "rita: 550"
# 4. no DMARC record for the From domain: no record
msg nodmarc.test nodmarc 192.0.2.99 > "$BASE/nodmarc.eml"
lmtp "$BASE/nodmarc.eml" alice@test.example > /dev/null

all=$(records)
expect_eq "$(ls "$hist" | grep -cE '\.[0-9]{8}\.dmarc$')" 1 "one file: one lmtp process, one UTC day"
expect_eq "$(printf '%s\n' "$all" | grep -c '^v=1 ')" 3 "three records: one per transaction with a DMARC policy"
expect_match "$all" ' ip=192\.0\.2\.1 .* hf=pass\.test pd=pass\.test .*dkim=pass\.test,s1,pass .*da=y .*res=pass pol=reject disp=none' \
	"aligned: pass recorded with selector"
expect_match "$all" ' ip=198\.51\.100\.7 .*rt=test\.example hf=reject\.test .*dkim=pass\.test,s1,pass .*da=n sa=n res=fail pol=reject disp=quarantine why=local_policy' \
	"spoofed to alice,bob: one record, quarantine + local_policy"
expect_match "$all" ' ip=198\.51\.100\.7 .*res=fail pol=reject disp=reject$' \
	"rita first: reject, no reason"
expect_no_match "$all" '10\.66\.66\.66|nodmarc|192\.0\.2\.99' "no sender-written IP, no record without a DMARC policy"
expect_match "$(stat -c %a "$hist"/*.dmarc)" '^[0-7][0-7]0$' "the file is not world-readable (0660 less the umask, dmarc-history(5))"
# 5. RFC 9991: a domain asking for failure reports (ruf, fo=1; DMARCbis
# 4.7): the record also carries the MAIL FROM address as LMTP received it
# and the header - never the body (RFC 9991 section 7)
msg ruf.test failure 198.51.100.7 | sign pass.test pass > "$BASE/ruf.eml"
lmtp "$BASE/ruf.eml" alice@test.example > /dev/null
rec=$(records | grep ' hf=ruf\.test ')
expect_match "$rec" ' fdue=dmarc ruf=mailto:f@ruf\.test fo=1 omf=sender@bounce\.test hdr=DKIM-Signature:%20v%3D1;%20' \
	"failure report data from the plugin: fdue, ruf, fo, omf, hdr (dmarc-history(5))"
expect_match "$rec" '%0D%0AFrom:%20Sender%20<sender@ruf\.test>%0D%0A' "the header's From field, CRLF"
expect_no_match "$rec" 'this%20is%20case' "never the body"
expect_no_match "$(records | grep ' hf=reject\.test ')" ' hdr=' "no ruf: no header kept"

# an unusable directory (here: not a directory at all): logged, the
# message delivered as without the setting
mv "$hist" "$hist.d" && : > "$hist"
out=$(lmtp "$BASE/aligned.eml" bob@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <bob@test\.example> .* Saved' "unusable history: still delivered"
expect_match "$(cat "$dovecot_log")" 'dkimcheck_dmarc_history: open\(.*\) failed: Not a directory' "unusable history: logged"
rm -f "$hist" && mv "$hist.d" "$hist"

# the plugin's records through dmarc-reports
cat > "$BASE/dr.conf" <<EOC
Database $BASE/reports.db
HistoryDir $hist
ReportOrganization Test Receiver
ReportEmail dmarc@mx.test.example
ResolverConfiguration $BASE/resolver.conf
EOC
now=$(( $(date +%s) + 2 * 86400 ))
"$dr" -c "$BASE/dr.conf" --now $now import
expect_eq "$?" 0 "import of the plugin's records"
mkdir -p "$BASE/out"
"$dr" -c "$BASE/dr.conf" --now $now send --out "$BASE/out"
expect_eq "$?" 0 "send --out"
expect_eq "$(ls "$BASE/out" | awk -F'!' '{ print $1 "!" $2 "!" }' | sort | tr '\n' ' ')" \
	"mx.test.example!pass.test! mx.test.example!reject.test! " "one report per policy domain"
for f in "$BASE/out"/*.eml; do
	python3 - "$f" "$BASE/r.xml" <<'PY'
import email, gzip, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
for p in m.walk():
    if p.get_content_type() == 'application/gzip':
        open(sys.argv[2], 'wb').write(gzip.decompress(p.get_payload(decode=True)))
PY
	xmllint --noout --schema "$srcdir/tests/fixtures/dmarc-reports/dmarc-aggregate-rfc9990.xsd" "$BASE/r.xml" 2>/dev/null
	expect_eq "$?" 0 "$(basename "$f"): XSD-valid"
done
x=$(tr -d '\n ' < "$BASE/r.xml")
expect_eq "$(printf '%s' "$x" | grep -o '<source_ip>198\.51\.100\.7</source_ip><count>1</count>' | wc -l)" 2 \
	"reject.test: two rows from 198.51.100.7, one message each"
expect_match "$x" '<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>local_policy</type>' \
	"the Junk one: quarantine + local_policy"
expect_match "$x" '<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated>' \
	"the refused one: reject, no reason"

dovecot_stop
expect_eq "$?" 0 "Dovecot stopped"
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
finish
