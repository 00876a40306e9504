#!/bin/sh
# dmarc-reports-pg.sh - dmarc-reports on a real PostgreSQL server
# (tests/harness/postgres.sh: Debian's server on a private unix socket,
# stopped by PID) shared by two "hosts": two history directories with
# their own records import into the one database at the same time, then
# both run `send` at the same moment.  Done when (issue 18): exactly one
# report per policy domain and period, counting the records of both
# hosts once each; a re-import counts nothing twice; a later send sends
# nothing.  Records come from real verdicts (`authcheck verify
# --dmarc-history`), DNS from a real unbound; the reports validate
# against the RFC 9990 XSD.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postgres.sh"

command -v xmllint >/dev/null 2>&1 ||
	{ echo "SKIP: xmllint not installed (apt-get install libxml2-utils)"; exit 77; }
td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir dmarc-reports-pg)
ub_pid= pg_pid=
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; pg_stop; rm -rf "$work"' EXIT
pg_start "$work/pg"
{
	echo 'local-zone: "com." static'
	grep '^brisbane._domainkey.football' "$td/keytable.txt" |
		awk '{ n = $1; sub(/^[^ ]+ /, ""); printf "local-data: '"'"'%s. 300 IN TXT \"%s\"'"'"'\n", n, $0 }'
	echo "local-data: '_dmarc.football.example.com. 300 IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@football.example.com\"'"
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"

cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"
"$ac" dkim-sign --domain football.example.com --selector brisbane --key "$work/ed.seed" \
	"$td/rfc8463/unsigned.eml" > "$work/signed.eml"
day=$(date -u -d 2026-12-01 +%s)
# host H records N messages from IP (each authcheck run is one writer)
record() {
	i=0
	while [ $i -lt "$3" ]; do
		{ printf 'Received: from c (c [%s])\n\tby %s (Postfix) with ESMTP id %s\n' "$2" "$1" "$i"
		  cat "$work/signed.eml"; } |
			"$ac" verify --authserv-id "$1" --resolver-config "$work/lib.conf" \
				--time $((day + 3600 + i)) --dmarc-history "$work/$1.hist" - > /dev/null
		i=$((i + 1))
	done
}
for h in mx1 mx2; do
	mkdir -p "$work/$h.hist"
	cat > "$work/$h.conf" <<EOC
Database $pg_uri
HistoryDir $work/$h.hist
ReportOrganization Example Receiver
ReportEmail dmarc@mx.example.org
ResolverConfiguration $work/lib.conf
EOC
done
# a stand-in sendmail that takes its time, so that two unserialized
# senders would both send
mkdir -p "$work/sent"
cat > "$work/sendmail" <<SH
#!/bin/sh
sleep 1
cat > "$work/sent/\$\$.eml"
SH
chmod 755 "$work/sendmail"
for h in mx1 mx2; do echo "ReportCommand $work/sendmail -t -oi" >> "$work/$h.conf"; done
record mx1 192.0.2.1 3
record mx2 192.0.2.1 2
record mx2 192.0.2.9 4
cp -r "$work/mx2.hist" "$work/mx2.copy"

now=$((day + 86400 + 600))
"$dr" -c "$work/mx1.conf" --now $now import & p1=$!
"$dr" -c "$work/mx2.conf" --now $now import & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect_eq "$r1:$r2" "0:0" "two hosts import at once"
cp "$work/mx2.copy"/* "$work/mx2.hist"/
"$dr" -c "$work/mx2.conf" --now $now import
expect_eq "$?" 0 "mx2 re-imports its files (a crash before unlink)"
psql() { "$(pg_bindir)/psql" -X -A -t -q "$pg_uri" -c "$1"; }
expect_eq "$(psql 'SELECT count(*) FROM records')" 9 "nine records, each once"

"$dr" -c "$work/mx1.conf" --now $now send & p1=$!
"$dr" -c "$work/mx2.conf" --now $now send & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect_eq "$r1:$r2" "0:0" "two hosts send at the same moment"
expect_eq "$(ls "$work/sent" | wc -l)" 1 "exactly one report for (football.example.com, 2026-12-01)"
eml=$(ls "$work"/sent/*.eml | head -1)
python3 - "$eml" "$work/report.xml" <<'PY'
import email, gzip, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
for p in m.walk():
    if p.get_content_type() == 'application/gzip':
        open(sys.argv[2], 'wb').write(gzip.decompress(p.get_payload(decode=True)))
PY
xmllint --noout --schema "$srcdir/tests/fixtures/dmarc-reports/dmarc-aggregate-rfc9990.xsd" "$work/report.xml" 2>/dev/null
expect_eq "$?" 0 "the report validates against the RFC 9990 XSD"
x=$(tr -d ' \n' < "$work/report.xml")
expect_match "$x" '<source_ip>192\.0\.2\.1</source_ip><count>5</count>' "192.0.2.1: 3 + 2 messages from both hosts"
expect_match "$x" '<source_ip>192\.0\.2\.9</source_ip><count>4</count>' "192.0.2.9: 4 messages"
expect_eq "$(psql "SELECT state || ' ' || attempts FROM reports")" "sent 1" "sent once, one attempt"
expect_match "$("$dr" -c "$work/mx1.conf" show)" '^2026-12-01 +football\.example\.com +9 +sent +1 ' "show on PostgreSQL"
"$dr" -c "$work/mx2.conf" --now $((now + 3600)) send
expect_eq "$?:$(ls "$work/sent" | wc -l)" "0:1" "a later send sends nothing"
pid=$pg_pid
pg_stop
expect_eq "$(kill -0 "$pid" 2>/dev/null; echo $?)" 1 "PostgreSQL stopped, by its PID"
finish
