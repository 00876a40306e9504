#!/bin/sh
# dmarc-reports.sh - DMARC aggregate reports (RFC 9990) end to end:
# history records made from real verdicts (`authcheck verify
# --dmarc-history`, the code dkimcheck runs at delivery) for messages
# signed with the RFC 8463 key, DNS from a real unbound on loopback, then
# `dmarc-reports import` and `send --out`, and the report checked against
# the RFC 9990 XSD (xmllint --schema, tests/fixtures/dmarc-reports/) and
# against what the RFC text says for these messages:
#  - 3.1 (draft -32 "Handling Domains in Reports"): one report per DMARC
#    Policy Domain; a From subdomain without its own record is a row in
#    the parent's report; nothing for a domain without rua;
#  - XSD: selector in every auth_results/dkim, no pct, np/testing/
#    discovery_method in policy_published, ActionDispositionType "pass"
#    for a DMARC pass under an enforcing policy, and a reason when
#    alignment failed and the disposition differs from the policy
#    (our Junk filing of a p=reject failure: quarantine + local_policy);
#  - section 4: an external rua host needs
#    <policy-domain>._report._dmarc.<host>; "!10m" is not part of the
#    address;
#  - section 5: file name receiver!policy-domain!begin!end!unique-id
#    .xml.gz, application/gzip, Subject "Report Domain: ... Submitter:
#    ... Report-ID: <...>", the Report-ID the same in XML, Subject and
#    file name; UTC day periods;
#  - import is idempotent (a history file imported twice counts once),
#    truncated and garbage lines are skipped and the rest imported; a
#    second send sends nothing.
set -u
. "$srcdir/tests/harness/lib.sh"

command -v xmllint >/dev/null 2>&1 ||
	{ echo "SKIP: xmllint not installed (apt-get install libxml2-utils)"; exit 77; }
td=$srcdir/tests/fixtures/dkim
xsd=$srcdir/tests/fixtures/dmarc-reports/dmarc-aggregate-rfc9990.xsd
work=$(harness_tmpdir dmarc-reports)
rec='v=DMARC1; p=reject; rua=mailto:dmarc@football.example.com,mailto:ext@reports.example.net!10m,mailto:victim@victim.example.org'
{
	echo 'local-zone: "com." static'
	echo 'local-zone: "net." static'
	echo 'local-zone: "org." static'
	echo 'local-zone: "example." static'
	grep '^brisbane._domainkey.football' "$td/keytable.txt" |
		awk '{ n = $1; sub(/^[^ ]+ /, ""); printf "local-data: '"'"'%s. 300 IN TXT \"%s\"'"'"'\n", n, $0 }'
	# the reporting domain signs with the same RFC 8463 key
	grep '^brisbane._domainkey.football' "$td/keytable.txt" |
		awk '{ sub(/^[^ ]+ /, ""); printf "local-data: '"'"'brisbane._domainkey.mx.test.example. 300 IN TXT \"%s\"'"'"'\n", $0 }'
	echo "local-data: '_dmarc.mx.test.example. 300 IN TXT \"v=DMARC1; p=reject\"'"
	echo "local-data: '_dmarc.football.example.com. 300 IN TXT \"$rec\"'"
	echo "local-data: 'football.example.com._report._dmarc.reports.example.net. 300 IN TXT \"v=DMARC1\"'"
	echo "local-data: 'bounce.football.example.com. 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"'"
	echo "local-data: 'news.football.example.com. 300 IN A 192.0.2.2'"
	echo "local-data: '_dmarc.norua.example. 300 IN TXT \"v=DMARC1; p=none\"'"
	echo "local-data: 'norua.example. 300 IN A 192.0.2.3'"
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
hist=$work/history
out=$work/out
mkdir -p "$hist" "$out"
cat > "$work/dmarc-reports.conf" <<EOC
Database $work/reports.db
HistoryDir $hist
ReportOrganization Example Receiver
ReportEmail dmarc-noreply@mx.test.example
ResolverConfiguration $work/lib.conf
SignerConfig $work/signer.conf
EOC
# the reports are signed with dkim-signer's configuration and code
printf 'rep mx.test.example:brisbane:%s\n' "$(cat "$td/rfc8463/brisbane.ed25519.seed.b64")" > "$work/KeyTable"
chmod 600 "$work/KeyTable"
printf '*@mx.test.example rep\n' > "$work/SigningTable"
printf 'KeyTable file:%s/KeyTable\nSigningTable refile:%s/SigningTable\nSyslog no\n' "$work" "$work" > "$work/signer.conf"

# configuration errors: file:line: option: problem, exit 2
printf 'HistoryDir /x\nBogusOption 1\n' > "$work/bad.conf"
err=$("$dr" -c "$work/bad.conf" show 2>&1)
expect_eq "$?" 2 "unknown option: exit 2"
expect_match "$err" 'bad\.conf:2: .*BogusOption' "unknown option: file and line"
printf 'HistoryDir /x\nReportOrganization O\nReportEmail "x"@a<b.example\n' > "$work/bad2.conf"
expect_match "$("$dr" -c "$work/bad2.conf" show 2>&1)" "ReportEmail: .* is not local@host\.name" "ReportEmail that could break a header: refused"
# the shipped example parses (its paths are this installation's)
sed "s|^Database .*|Database $work/example.db|" "$MAILAUTH_BUILDDIR/configs/dmarc-reports.conf" > "$work/example.conf"
expect_eq "$("$dr" -c "$work/example.conf" show 2>&1)" "no records" "configs/dmarc-reports.conf is accepted"

day=$(date -u -d 2026-12-01 +%s)
t=$((day + 36000))
# our MTA's Received field (Postfix's form) on top; a sender-written one
# below it must never be the source
ours() { printf 'Received: from %s (%s [%s])\n\tby mx.test (Postfix) with ESMTP id %s\n' "$1" "$1" "$2" "$3"; }
rcv() { "$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" \
	--time "$t" --dmarc-history "$hist" --rcpt-to shopping.example.net "$@" > /dev/null; }

cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"
"$ac" dkim-sign --domain football.example.com --selector brisbane --key "$work/ed.seed" \
	"$td/rfc8463/unsigned.eml" > "$work/signed.eml"
sed 's/We lost the game/We won the game/' "$work/signed.eml" > "$work/tampered.eml"
sed 's/^From: Joe SixPack <joe@football.example.com>/From: Joe <joe@news.football.example.com>/' \
	"$work/signed.eml" > "$work/news.eml"
printf 'From: a@norua.example\nTo: b@shopping.example.net\nSubject: x\n\nhi\n' > "$work/norua.eml"

# A: aligned DKIM pass from 192.0.2.1, twice (one with a forged
# Received below ours claiming 10.9.9.9): one row, count 2
{ ours mail.football.example.com 192.0.2.1 A1; cat "$work/signed.eml"; } > "$work/a1.eml"
{ ours mail.football.example.com 192.0.2.1 A2
  printf 'Received: from x ([10.9.9.9]) by y with SMTP\n'; cat "$work/signed.eml"; } > "$work/a2.eml"
rcv "$work/a1.eml" && rcv "$work/a2.eml"
expect_eq $? 0 "records A written"
# B: DKIM fails, p=reject, filed into Junk: quarantine + local_policy
{ ours evil.example.net 198.51.100.7 B; cat "$work/tampered.eml"; } > "$work/b.eml"
rcv --applied quarantine "$work/b.eml"
# C: the same refused (LMTP 550): reject, no reason
{ ours evil.example.net 198.51.100.7 C; cat "$work/tampered.eml"; } > "$work/c.eml"
rcv --applied reject "$work/c.eml"
# D: From news.football.example.com (no own record): the parent's report
{ ours other.example.net 203.0.113.5 D; cat "$work/news.eml"; } > "$work/d.eml"
rcv --applied quarantine "$work/d.eml"
# E: SPF pass aligned (relaxed) with a broken signature: DMARC pass
rcv --ip 192.0.2.1 --mail-from bounce@bounce.football.example.com --helo mail.football.example.com \
	--applied none "$work/tampered.eml"
# F: norua.example (p=none, no rua): recorded, never reported
{ ours mail.norua.example 192.0.2.3 F; cat "$work/norua.eml"; } > "$work/f.eml"
rcv "$work/f.eml"

files=$(ls "$hist")
# one file per writer process and UTC day (each authcheck run is a process)
expect_eq "$(echo "$files" | grep -cE '^mx\.test\.[0-9]+\.20261201\.dmarc$')" 7 \
	"seven writers, files named WRITER.YYYYMMDD.dmarc (UTC day)"
all=$(cat "$hist"/*)
expect_eq "$(printf '%s\n' "$all" | grep -c '^v=1 ')" 7 "seven records, one line each"
expect_eq "$(printf '%s\n' "$all" | grep -c ' ip=192\.0\.2\.1 ')" 3 \
	"source IP 192.0.2.1 (ours, not the forged 10.9.9.9) in A1, A2, E"
expect_no_match "$all" '10\.9\.9\.9' "the sender-written Received never recorded"
# another writer's file with a hostile, a garbage and a truncated line
hf=$hist/mx.test.1.20261201.dmarc
printf 'v=1 id=junk t=%s hf=a%%3Cb.example pd=a%%3Cb.example res=fail disp=none\n' "$t" > "$hf"
printf 'garbage line\n' >> "$hf"
# a line far over the format's 131072 bytes (DMARC_HISTORY_MAX_LINE): skipped in constant memory
{ printf 'v=1 id=long t=%s cmt=' "$t"; head -c 200000 /dev/zero | tr '\0' x; printf '\n'; } >> "$hf"
printf 'v=1 id=trunc t=%s hf=football.example.com pd=football.exa' "$t" >> "$hf"
cp -r "$hist" "$work/history-copy"

# import before the day has ended: nothing taken
"$dr" -c "$work/dmarc-reports.conf" --now $((day + 43200)) import
expect_eq "$?:$(ls "$hist" | wc -l)" "0:8" "import leaves the files of the current day"
now=$((day + 86400 + 3600))
log=$("$dr" -c "$work/dmarc-reports.conf" -v --now $now import 2>&1)
expect_eq $? 0 "import"
expect_eq "$(ls "$hist" | wc -l)" 0 "history files removed after the commit"
expect_match "$log" 'mx\.test\.1\.20261201\.dmarc:1: policy or From domain is not a host name: skipped' \
	"From domain with '<' refused"
expect_match "$log" 'mx\.test\.1\.20261201\.dmarc:2: .*skipped' "garbage line skipped"
expect_match "$log" 'mx\.test\.1\.20261201\.dmarc:3: record longer than 131072 bytes: skipped' \
	"overlong line skipped"
expect_match "$log" 'mx\.test\.1\.20261201\.dmarc:4: record without line end \(truncated\): skipped' \
	"truncated line skipped"
expect_eq "$(printf '%s\n' "$log" | grep -c ': 1 records, 1 new$')" 7 "the seven good records imported"
# a crash between commit and unlink: the files come back, count once
cp "$work/history-copy"/* "$hist"/
log=$("$dr" -c "$work/dmarc-reports.conf" -v --now $now import 2>&1)
expect_no_match "$log" ', [1-9][0-9]* new$' "re-import counts nothing twice"
expect_eq "$(sqlite3 "$work/reports.db" 'SELECT count(*) FROM records')" 7 "seven records in the database"

# send: one report (football.example.com), none for norua.example
clock0=$(date +%s)
"$dr" -c "$work/dmarc-reports.conf" --now $now send --out "$out"
clock1=$(date +%s)
expect_eq $? 0 "send --out"
emls=$(ls "$out")
expect_eq "$(echo "$emls" | grep -c .)" 1 "exactly one report: football.example.com (norua.example has no rua)"
begin=$day end=$((day + 86399))
expect_match "$emls" "^mx\\.test\\.example!football\\.example\\.com!$begin!$end![A-Za-z0-9]+\\.eml\$" \
	"receiver!policy-domain!begin!end!unique-id (UTC day)"
eml=$out/$emls
python3 - "$eml" "$work" <<'PY'
import email, gzip, sys
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'))
w = sys.argv[2]
open(w + '/subject', 'w').write(' '.join(msg['Subject'].split()) + '\n')
open(w + '/to', 'w').write('\n'.join(a.strip() for a in msg['To'].split(',')) + '\n')
for part in msg.walk():
    if part.get_content_type() == 'application/gzip':
        open(w + '/filename', 'w').write(part.get_filename() + '\n')
        open(w + '/report.xml', 'wb').write(gzip.decompress(part.get_payload(decode=True)))
PY
expect_eq $? 0 "the message parses, with an application/gzip part"
xmllint --noout --schema "$xsd" "$work/report.xml" 2> "$work/xmllint.log"
expect_eq $? 0 "the report validates against the RFC 9990 XSD"
sed 's/^/#   /' "$work/xmllint.log" | grep -v validates
rid=$(sed -n 's:.*<report_id>\(.*\)</report_id>.*:\1:p' "$work/report.xml")
expect_eq "$(cat "$work/subject")" "Report Domain: football.example.com Submitter: mx.test.example Report-ID: <$rid>" \
	"Subject per RFC 9990 5, Report-ID as in the XML"
expect_eq "$(cat "$work/filename")" "mx.test.example!football.example.com!$begin!$end!$rid.xml.gz" \
	"file name's unique-id is the Report-ID"
expect_eq "$(sort "$work/to" | tr '\n' ' ')" "dmarc@football.example.com ext@reports.example.net " \
	"to the own and the authorized external rua (without !10m), not the unauthorized one"
x=$(cat "$work/report.xml")
expect_match "$x" '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">' "RFC 9990 namespace"
expect_no_match "$x" '<pct>|sampled_out' "no pct, no sampled_out"
expect_match "$x" "<begin>$begin</begin>" "period begins at UTC midnight"
python3 - "$work/report.xml" > "$work/rows" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {'d': 'urn:ietf:params:xml:ns:dmarc-2.0'}
root = ET.parse(sys.argv[1]).getroot()
pp = root.find('d:policy_published', ns)
print('policy', *[(pp.findtext('d:' + t, '-', ns)) for t in
      ('domain', 'p', 'sp', 'np', 'testing', 'discovery_method')])
for r in root.findall('d:record', ns):
    row = r.find('d:row', ns)
    pe = row.find('d:policy_evaluated', ns)
    reasons = ','.join(x.findtext('d:type', '', ns) for x in pe.findall('d:reason', ns)) or '-'
    sels = ','.join(d.findtext('d:domain', '', ns) + '/' + (d.findtext('d:selector', None, ns) or 'MISSING')
                    + '/' + d.findtext('d:result', '', ns)
                    for d in r.findall('d:auth_results/d:dkim', ns)) or '-'
    spf = r.find('d:auth_results/d:spf', ns)
    spf = '-' if spf is None else spf.findtext('d:domain', '', ns) + '/' + spf.findtext('d:result', '', ns)
    print('row', row.findtext('d:source_ip', '', ns), row.findtext('d:count', '', ns),
          pe.findtext('d:disposition', '', ns), pe.findtext('d:dkim', '', ns), pe.findtext('d:spf', '', ns),
          reasons, r.findtext('d:identifiers/d:header_from', '', ns), sels, spf)
PY
rows=$(sort "$work/rows")
# what RFC 9989 / 9990 say for each message (written by hand):
# policy_published: the record as published; np/sp absent in it; t= absent
expect_match "$rows" '^policy football\.example\.com reject - - n treewalk$' "policy_published: domain, p, testing n, treewalk"
fb='football.example.com/brisbane'
expect_match "$rows" "^row 192\\.0\\.2\\.1 2 pass pass fail - football\\.example\\.com $fb/pass -\$" \
	"A: DMARC pass under p=reject is 'pass', count 2 from our Received's IP"
expect_match "$rows" "^row 198\\.51\\.100\\.7 1 quarantine fail fail local_policy football\\.example\\.com $fb/fail -\$" \
	"B: p=reject failure filed into Junk: quarantine + local_policy"
expect_match "$rows" "^row 198\\.51\\.100\\.7 1 reject fail fail - football\\.example\\.com $fb/fail -\$" \
	"C: rejected as published: no reason"
expect_match "$rows" "^row 203\\.0\\.113\\.5 1 quarantine fail fail local_policy news\\.football\\.example\\.com $fb/fail -\$" \
	"D: subdomain without record is a row of the parent's report"
expect_match "$rows" "^row 192\\.0\\.2\\.1 1 pass fail pass - football\\.example\\.com $fb/fail bounce\\.football\\.example\\.com/pass\$" \
	"E: aligned SPF pass: pass, with the SPF auth result"
expect_eq "$(grep -c '^row' "$work/rows")" 5 "five rows"
expect_no_match "$rows" 'MISSING' "selector in every dkim auth result"
expect_no_match "$rows" 'norua' "norua.example in no report"

# RFC 9990 5: the report passes DMARC aligned for the reporting domain
ar=$("$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" "$eml" | unfold_ar)
expect_match "$ar" 'dkim=pass header\.d=mx\.test\.example .*header\.s=brisbane' "report DKIM-signed by the reporting domain"
expect_match "$ar" 'dmarc=pass .*header\.from=mx\.test\.example' "report passes DMARC aligned"
if /usr/bin/python3 -c 'import dkim' 2>/dev/null; then
	v=$(/usr/bin/python3 - "$eml" "$td/keytable.txt" <<'PY'
import sys, dkim
rec = [l.split(' ', 1)[1].strip() for l in open(sys.argv[2]) if l.startswith('brisbane._domainkey.football')][0]
def txt(name, timeout=5):
    return rec.encode() if name.decode().rstrip('.') == 'brisbane._domainkey.mx.test.example' else None
print(dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=txt))
PY
)
	expect_eq "$v" True "dkimpy verifies the report's signature"
fi

# --now chooses the ended periods only: the signature's t= is the clock's
# (RFC 6376 3.5 t=: a verifier may ignore a signature from the future -
# dkimpy refused the demo's report sent with --now tomorrow, "t= value is
# in the future"; here --now is in the past, the same mistake either way)
st=$(tr -d '\r' < "$eml" | awk '/^DKIM-Signature:/ { f = 1 } f && /^[^ \t]/ && !/^DKIM-Signature:/ { f = 0 } f' |
	tr -d ' \t\n' | sed -n 's/.*;t=\([0-9]*\);.*/\1/p' | head -1)
expect_eq "$([ -n "$st" ] && [ "$st" -ge "$clock0" ] && [ "$st" -le "$clock1" ] && echo clock)" clock \
	"the report's DKIM t= ($st) is the clock's, not --now's ($now)"

# exactly once: a second send sends nothing
"$dr" -c "$work/dmarc-reports.conf" --now $((now + 7200)) send --out "$out"
expect_eq "$?:$(ls "$out" | wc -l)" "0:1" "a second send sends nothing"
expect_eq "$(sqlite3 "$work/reports.db" "SELECT policy_domain || ' ' || state FROM reports ORDER BY 1" | tr '\n' ' ')" \
	"football.example.com sent norua.example no-rua " "report states: sent, no-rua"
# show: one line per policy domain and period
shown=$("$dr" -c "$work/dmarc-reports.conf" show)
expect_match "$shown" '^2026-12-01 +football\.example\.com +6 +sent +1 +[0-9a-f]+$' "show: football.example.com, 6 records, sent"
expect_match "$shown" '^2026-12-01 +norua\.example +1 +no-rua +1 +[0-9a-f]+$' "show: norua.example, 1 record, no rua"

# ReportCommand: the next day's report through a stand-in sendmail that
# fails once (kept 'failed', retried by the next run), then takes it
day2=$((day + 86400))
{ ours mail.football.example.com 192.0.2.1 G; cat "$work/signed.eml"; } > "$work/g.eml"
"$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" --time $((day2 + 60)) \
	--dmarc-history "$hist" "$work/g.eml" > /dev/null
cat > "$work/sendmail" <<'SH'
#!/bin/sh
[ -e "$0.fail" ] && { rm -f "$0.fail"; cat > /dev/null; exit 75; }
printf '%s\n' "$*" > "$0.args"
cat > "$0.msg"
SH
chmod 755 "$work/sendmail"
: > "$work/sendmail.fail"
{ cat "$work/dmarc-reports.conf"; echo "ReportCommand $work/sendmail -t -oi"; } > "$work/cmd.conf"
now2=$((day2 + 86400 + 60))
"$dr" -c "$work/cmd.conf" --now $now2 import
"$dr" -c "$work/cmd.conf" --now $now2 send 2> "$work/send.err"
expect_eq "$?" 1 "ReportCommand failed: exit 1"
expect_match "$(cat "$work/send.err")" "ReportCommand .* failed .*\(failed\)" "the failure is logged, the report kept for retry"
expect_eq "$(sqlite3 "$work/reports.db" "SELECT state FROM reports WHERE period = $day2")" failed "state failed"
"$dr" -c "$work/cmd.conf" --now $((now2 + 3600)) send
expect_eq "$?" 0 "retried: sent"
expect_eq "$(cat "$work/sendmail.args")" "-t -oi -f dmarc-noreply@mx.test.example" "ReportCommand with the envelope sender"
expect_match "$(cat "$work/sendmail.msg")" '^DKIM-Signature: ' "handed over signed"
expect_match "$(cat "$work/sendmail.msg")" "^Subject: Report Domain: football\.example\.com\$" "the report message"
expect_eq "$(sqlite3 "$work/reports.db" "SELECT state || ' ' || attempts FROM reports WHERE period = $day2")" "sent 2" \
	"state sent after two attempts"
rm -f "$work/sendmail.msg"
"$dr" -c "$work/cmd.conf" --now $((now2 + 7200)) send
expect_eq "$?:$(ls "$work/sendmail.msg" 2>/dev/null)" "0:" "and not again"

# a destination that keeps failing: retried, then given up after
# REPORTS_RETRY_SECONDS (3 days, dmarc-reports(8)) from the first failure
day3=$((day + 2 * 86400))
{ ours mail.football.example.com 192.0.2.1 H; cat "$work/signed.eml"; } > "$work/h.eml"
"$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" --time $((day3 + 60)) \
	--dmarc-history "$hist" "$work/h.eml" > /dev/null
sed -i 's/^\[ -e "$0.fail" \]/[ -e "$0.fail" ] || [ -e "$0.failalways" ]/' "$work/sendmail"
: > "$work/sendmail.failalways"
now3=$((day3 + 86400 + 60))
"$dr" -c "$work/cmd.conf" --now $now3 import
"$dr" -c "$work/cmd.conf" --now $now3 send 2> /dev/null
"$dr" -c "$work/cmd.conf" --now $((now3 + 2 * 86400)) send 2> /dev/null
expect_eq "$(sqlite3 "$work/reports.db" "SELECT state || ' ' || attempts FROM reports WHERE period = $day3")" "failed 2" \
	"still failing after 2 days: failed, retried"
"$dr" -c "$work/cmd.conf" --now $((now3 + 3 * 86400 + 1)) send 2> "$work/giveup.err"
expect_match "$(cat "$work/giveup.err")" '\(given-up\)' "after 3 days: given up (logged)"
"$dr" -c "$work/cmd.conf" --now $((now3 + 4 * 86400)) send 2> /dev/null
expect_eq "$(sqlite3 "$work/reports.db" "SELECT state || ' ' || attempts FROM reports WHERE period = $day3")" "given-up 3" \
	"a given-up report is not tried again"
finish
