#!/bin/sh
# dmarc-reports-sigpipe.sh - a ReportCommand that exits without reading a
# report larger than a pipe buffer (issue 17 item 2).  Before, the write
# into its pipe raised SIGPIPE and killed the whole `send` (exit 141 from
# the shell): the run's one transaction was never committed, so the
# reports already handed over in that run were sent again by the next
# one (dmarc-reports(8): exactly once per policy domain and period).
# Now SIGPIPE is ignored, the write fails with EPIPE, and that report is
# the command's failure: logged, left 'failed' for the next run, while
# the report sent before it in the same run stays 'sent'.
set -u
. "$srcdir/tests/harness/lib.sh"

work=$(harness_tmpdir dmarc-reports-sigpipe)
# two policy domains with their own rua; send goes by period, then policy
# domain: a-small.example first, then b-big.example
{
	echo 'local-zone: "example." static'
	for d in a-small.example b-big.example; do
		echo "local-data: '_dmarc.$d. 300 IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@$d\"'"
	done
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
hist=$work/history
mkdir -p "$hist"

# a stand-in sendmail: the first message is read and kept, every later
# one is left unread (the command exits 0 at once, its end of the pipe
# closed with the message still coming)
cat > "$work/sendmail" <<'SH'
#!/bin/sh
[ -e "$0.first" ] && exit 0
: > "$0.first"
cat > "$0.msg"
SH
chmod 755 "$work/sendmail"
cat > "$work/dmarc-reports.conf" <<EOC
Database $work/reports.db
HistoryDir $hist
ReportOrganization Example Receiver
ReportEmail dmarc-noreply@mx.test.example
ResolverConfiguration $work/lib.conf
ReportCommand $work/sendmail -t -oi
EOC

# history records (dmarc-history(5)) of one UTC day: one for
# a-small.example; 4000 for b-big.example, each from its own random IPv6
# address with its own random DKIM selector, so that every record is a
# row of its own and the gzipped report stays far larger than a pipe
# buffer (64 KiB on Linux)
day=$(date -u -d 2026-12-01 +%s)
python3 - "$hist/mx.test.1.20261201.dmarc" $((day + 3600)) <<'PY'
import os, sys
path, t = sys.argv[1], int(sys.argv[2])
rec = 'v%3DDMARC1;%20p%3Dnone;%20rua%3Dmailto:dmarc@'
def line(i, d, ip, sel):
    return ('v=1 id=r%d t=%d ip=%s mf=%s hf=%s pd=%s rec=%s%s disc=treewalk '
            'dkim=%s,%s,fail spf=none da=n sa=n res=fail pol=none disp=none\n'
            % (i, t, ip, d, d, d, rec, d, d, sel))
with open(path, 'w') as f:
    f.write(line(0, 'a-small.example', '192.0.2.1', 's1'))
    for i in range(1, 4001):
        r = os.urandom(24)
        ip = '2001:db8:' + ':'.join(r[k:k + 2].hex() for k in range(0, 12, 2))
        f.write(line(i, 'b-big.example', ip, r[12:].hex()))
PY
now=$((day + 86400 + 3600))
"$dr" -c "$work/dmarc-reports.conf" --now $now import
expect_eq "$?:$(sqlite3 "$work/reports.db" 'SELECT count(*) FROM records')" "0:4001" "4001 records imported"

# the big report's size, as it would be handed over (--out), for the
# record: it must be over a pipe buffer for this test to mean anything
cp "$work/reports.db" "$work/probe.db"
sed "s|^Database .*|Database $work/probe.db|" "$work/dmarc-reports.conf" > "$work/probe.conf"
mkdir "$work/probe"
"$dr" -c "$work/probe.conf" --now $now send --out "$work/probe"
big=$(cat "$work"/probe/*b-big.example* | wc -c)
echo "# b-big.example's report: $big octets"
expect_eq "$([ "$big" -gt 131072 ] && echo big)" big "the big report is over two pipe buffers ($big octets)"

"$dr" -c "$work/dmarc-reports.conf" --now $now send 2> "$work/send.err"
rc=$?
sed 's/^/#   /' "$work/send.err"
expect_eq "$rc" 1 "send exits 1 (a report failed), not killed by SIGPIPE (141)"
expect_match "$(cat "$work/send.err")" \
	"b-big\\.example: period $day: ReportCommand .* failed: it took [0-9]+ of $big octets \\(Broken pipe\\) \\(failed\\)" \
	"the command's failure is logged: it did not take the report, kept for retry"
states=$(sqlite3 "$work/reports.db" "SELECT policy_domain || ' ' || state FROM reports ORDER BY 1" | tr '\n' ' ')
expect_eq "$states" "a-small.example sent b-big.example failed " \
	"the report handed over earlier in the run stays sent; the big one failed"
expect_match "$(head -c 4096 "$work/sendmail.msg")" "^Subject: Report Domain: a-small\\.example( |\$)" \
	"a-small.example's report was handed over"

# the next run, with a command that reads: only the failed one goes
rm -f "$work/sendmail.msg"
cat > "$work/sendmail" <<'SH'
#!/bin/sh
cat >> "$0.msg"
SH
"$dr" -c "$work/dmarc-reports.conf" --now $((now + 3600)) send
expect_eq "$?" 0 "retried: sent"
msgs=$(grep -c '^Subject: Report Domain: ' "$work/sendmail.msg")
expect_eq "$msgs:$(grep -Ec '^Subject: Report Domain: b-big\.example( |$)' "$work/sendmail.msg")" "1:1" \
	"only b-big.example's report sent on retry, a-small.example's not again"
expect_eq "$(wc -c < "$work/sendmail.msg")" "$big" "the whole report handed over"
finish
