#!/bin/sh
# dmarc-reports-failure-pg.sh - DMARC failure reports (RFC 9991) on a real
# PostgreSQL server (tests/harness/postgres.sh) shared by two "hosts":
# two history directories import into the one database at the same
# time, then both run `send` at the same moment.  Each failure report
# must go out exactly once (the failures table, like the aggregate
# reports, is worked in one transaction under the advisory lock), the
# rate limit (RFC 9991 section 2: "MUST implement a rate-limit") counts
# both hosts' reports, and a re-import queues nothing twice.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postgres.sh"

td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir dmarc-reports-failure-pg)
ub_pid= pg_pid=
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; pg_stop; rm -rf "$work"' EXIT
pg_start "$work/pg"
key=$(grep '^brisbane._domainkey.football' "$td/keytable.txt" | sed 's/^[^ ]* //')
{
	echo 'local-zone: "example." static'
	echo "local-data: 'brisbane._domainkey.f.example. 300 IN TXT \"$key\"'"
	echo "local-data: '_dmarc.f.example. 300 IN TXT \"v=DMARC1; p=reject; ruf=mailto:ruf@f.example\"'"
	echo "local-data: 'brisbane._domainkey.g.example. 300 IN TXT \"$key\"'"
	echo "local-data: '_dmarc.g.example. 300 IN TXT \"v=DMARC1; p=reject; ruf=mailto:ruf@g.example\"'"
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"
day=$(date -u -d 2026-12-01 +%s)
# host H records N messages From DOMAIN whose signature is broken
record() {
	printf 'From: a@%s\nTo: b@x.example\nSubject: s\n\nbody\n' "$2" |
		"$ac" dkim-sign --domain "$2" --selector brisbane --key "$work/ed.seed" - |
		sed 's/^body$/tampered/' > "$work/$2.eml"
	i=0
	while [ $i -lt "$3" ]; do
		{ printf 'Received: from c (c [192.0.2.%s])\n\tby %s (Postfix) with ESMTP id %s\n' $((i + 1)) "$1" "$i"
		  cat "$work/$2.eml"; } |
			"$ac" verify --authserv-id "$1" --resolver-config "$work/lib.conf" \
				--time $((day + 3600 + i)) --dmarc-history "$work/$1.hist" - > /dev/null
		i=$((i + 1))
	done
}
mkdir -p "$work/sent"
cat > "$work/sendmail" <<SH
#!/bin/sh
sleep 1
cat > "$work/sent/\$\$.eml"
SH
chmod 755 "$work/sendmail"
for h in mx1 mx2; do
	mkdir -p "$work/$h.hist"
	cat > "$work/$h.conf" <<EOC
Database $pg_uri
HistoryDir $work/$h.hist
ReportOrganization Example Receiver
ReportEmail dmarc@mx.example.org
ResolverConfiguration $work/lib.conf
ReportCommand $work/sendmail -t -oi
FailureReports yes
FailureReportRate 4
EOC
done
record mx1 f.example 2
record mx2 f.example 1
record mx1 g.example 3
record mx2 g.example 3
cp -r "$work/mx2.hist" "$work/mx2.copy"

now=$((day + 86400 + 600))
"$dr" -c "$work/mx1.conf" --now $now import 2>/dev/null & p1=$!
"$dr" -c "$work/mx2.conf" --now $now import 2>/dev/null & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect_eq "$r1:$r2" "0:0" "two hosts import at once"
cp "$work/mx2.copy"/* "$work/mx2.hist"/
"$dr" -c "$work/mx2.conf" --now $now import 2>/dev/null
psql() { "$(pg_bindir)/psql" -X -A -t -q "$pg_uri" -c "$1"; }
expect_eq "$(psql 'SELECT count(*) FROM failures')" 9 "nine failures queued, each once"

"$dr" -c "$work/mx1.conf" --now $now send 2>/dev/null & p1=$!
"$dr" -c "$work/mx2.conf" --now $now send 2>/dev/null & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
expect_eq "$r1:$r2" "0:0" "two hosts send at the same moment"
# f.example: 3 sent; g.example: 6 failures, FailureReportRate 4 -> 4 sent
expect_eq "$(ls "$work/sent" | wc -l)" 7 "seven failure reports, each exactly once"
expect_eq "$(grep -l '^To: ruf@g\.example' "$work"/sent/*.eml | wc -l)" 4 \
	"the rate limit counts both hosts: 4 of 6 to ruf@g.example"
expect_eq "$(psql "SELECT state || ' ' || count(*) FROM failures GROUP BY state ORDER BY state" | tr '\n' ' ')" \
	"rate-limited 2 sent 7 " "states: 7 sent, 2 rate-limited"
expect_eq "$(psql "SELECT max(attempts) FROM failures")" 1 "one attempt each"
ids=$(sed -n 's/^Message-ID: <\(.*\)>$/\1/p' "$work"/sent/*.eml | sort -u | wc -l)
expect_eq "$ids" 7 "seven distinct reports"
expect_match "$("$dr" -c "$work/mx1.conf" show)" 'f\.example +sent +1 +ruf@f\.example' "show on PostgreSQL"
"$dr" -c "$work/mx2.conf" --now $((now + 3600)) send 2>/dev/null
expect_eq "$?:$(ls "$work/sent" | wc -l)" "0:7" "a later send sends nothing"
finish
