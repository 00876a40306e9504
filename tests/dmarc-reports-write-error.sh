#!/bin/sh
# dmarc-reports-write-error.sh - the commands that write to stdout (show,
# received, received --json, summary, summary --json) check that it got
# there, as coreutils do.  dmarc-reports ignores SIGPIPE (issue 17 item
# 2, for ReportCommand), so a reader that went away is EPIPE, not the
# end of the process: before, `> /dev/full` exited 0 and `| head -1` went
# on writing the whole table into the broken pipe and exited 0.  Now a
# write error is "dmarc-reports: write error: REASON" on stderr, exit 1
# (dmarc-reports(8) EXIT STATUS), and the table loops stop at it.
set -u
. "$srcdir/tests/harness/lib.sh"

dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
work=$(harness_tmpdir dmarc-reports-write-error)
trap 'rm -rf "$work"' EXIT
[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
mkdir -p "$work/history" "$work/in"
cat > "$work/dmarc-reports.conf" <<EOC
Database $work/reports.db
HistoryDir $work/history
ReportOrganization Test Receiver
ReportEmail dmarc-reports@receiver.example
EOC
conf=$work/dmarc-reports.conf
day=$(date -u -d 2026-12-01 +%s)
now=$((day + 86400 + 3600))

# An empty database: each command writes a line or two, all of it at
# the end (the flush).
for cmd in show received "received --json" summary "summary --json"; do
	# shellcheck disable=SC2086
	"$dr" -c "$conf" --now $now $cmd > /dev/full 2> "$work/err"
	expect_eq "$?" 1 "$cmd > /dev/full: exit 1"
	expect_eq "$(cat "$work/err")" \
		"dmarc-reports: write error: No space left on device" \
		"$cmd > /dev/full: the reason on stderr"
done
"$dr" -c "$conf" --now $now show > "$work/out" 2> "$work/err"
expect_eq "$?/$(cat "$work/out")/$(cat "$work/err")" "0/no records/" \
	"show to a file: exit 0, nothing on stderr"

# Tables far larger than a pipe buffer (64 KiB): history records of
# 4000 policy domains (show: a line each) and 3000 received reports about
# 3000 domains (received: a line each; --json: a dozen).  summary writes
# once, at the end, bounded: /dev/full above is its test.
python3 - "$work/history/mx.test.1.20261201.dmarc" $((day + 3600)) \
	"$work/in" $day <<'PY'
import sys
path, t, xmldir, day = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rec = 'v%3DDMARC1;%20p%3Dnone;%20rua%3Dmailto:dmarc@'
with open(path, 'w') as f:
    for i in range(4000):
        d = 'domain-%04d.example' % i
        f.write('v=1 id=r%d t=%d ip=192.0.2.1 mf=%s hf=%s pd=%s rec=%s%s '
                'disc=treewalk dkim=%s,s1,fail spf=none da=n sa=n res=fail '
                'pol=none disp=none\n' % (i, t, d, d, d, rec, d, d))
for i in range(3000):
    d = 'received-%04d.example' % i
    with open('%s/r%04d.xml' % (xmldir, i), 'w') as f:
        f.write('<?xml version="1.0"?>\n<feedback><report_metadata>'
                '<org_name>Reporter</org_name><email>r@reporter.example</email>'
                '<report_id>id-%d</report_id><date_range><begin>%d</begin>'
                '<end>%d</end></date_range></report_metadata>'
                '<policy_published><domain>%s</domain><p>none</p>'
                '</policy_published><record><row><source_ip>192.0.2.%d'
                '</source_ip><count>3</count><policy_evaluated>'
                '<disposition>none</disposition><dkim>fail</dkim>'
                '<spf>fail</spf></policy_evaluated></row><identifiers>'
                '<header_from>%s</header_from></identifiers><auth_results>'
                '<spf><domain>%s</domain><result>fail</result></spf>'
                '</auth_results></record></feedback>\n'
                % (i, day, day + 86399, d, i % 250 + 1, d, d))
PY
"$dr" -c "$conf" --now $now ingest "$work/in" > "$work/ingest.out" 2>&1 ||
	{ cat "$work/ingest.out"; fail "ingest failed"; }
"$dr" -c "$conf" --now $now import > "$work/import.out" 2>&1 ||
	{ cat "$work/import.out"; fail "import failed"; }

for cmd in show received "received --json"; do
	# shellcheck disable=SC2086
	"$dr" -c "$conf" --now $now $cmd > "$work/all.out" 2>&1
	size=$(wc -c < "$work/all.out")
	expect_eq "$([ "$size" -gt 196608 ] && echo big)" big \
		"$cmd: the whole output is over three pipe buffers ($size octets)"
	# shellcheck disable=SC2086
	{ "$dr" -c "$conf" --now $now $cmd 2> "$work/err"; echo $? > "$work/rc"; } |
		head -1 > "$work/head.out"
	expect_eq "$(cat "$work/rc")" 1 "$cmd | head -1: exit 1 (EPIPE, SIGPIPE ignored)"
	expect_eq "$(cat "$work/err")" "dmarc-reports: write error: Broken pipe" \
		"$cmd | head -1: the reason on stderr, nothing else"
	expect_eq "$(cat "$work/head.out")" "$(head -1 "$work/all.out")" \
		"$cmd | head -1: the first line as in the whole output"
done
finish
