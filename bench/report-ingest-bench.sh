#!/bin/sh
# report-ingest-bench.sh [BUILDDIR] - what dkimcheck_report_ingest costs
# the delivery of a DMARC report mail: lmtp CPU per delivery of the same
# report mail to a user with ingest on and to one with ingest off, in one
# private Dovecot (tests/harness/dovecot.sh, 2.3 or 2.4, the installed
# snippet, one kept lmtp process), alternating in rounds.
#
# Two mails: Google's zip report of tests/integration/report-mails.py
# (2 rows, 1.7 KB) and a large .xml.gz report (ROWS rows, default 5000).
# Reported per mail: the median over RUNS rounds of the lmtp process's CPU
# per delivery (/proc/PID/schedstat, ns) with ingest off and on, and the
# difference (what reading the reports costs; the report files written
# are counted).  Numbers only: nothing here asserts a speed.
#
# Needs root (Dovecot's master).  Environment: RUNS (5), COUNT (100),
# ROWS (5000).  Takes about a minute.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
RUNS=${RUNS:-5}
COUNT=${COUNT:-100}
ROWS=${ROWS:-5000}
srcdir=$top
MAILAUTH_BUILDDIR=$build
export srcdir MAILAUTH_BUILDDIR
. "$top/tests/harness/lib.sh"
. "$top/tests/harness/dovecot.sh"
[ "$(id -u)" = 0 ] || { echo "report-ingest-bench.sh: needs root" >&2; exit 1; }

BASE=$(harness_tmpdir report-ingest-bench)
ub_pid=
cleanup() {
	set +e
	dovecot_stop
	"$top/tests/harness/stop-pid.sh" $ub_pid
	rm -rf "$BASE"
}
trap cleanup EXIT

dovecot_plugin_install "$BASE/inst" > /dev/null
M=$BASE/mails
python3 "$top/tests/integration/report-mails.py" "$M" > /dev/null
python3 - "$M/big.eml" "$ROWS" <<'PY'
import gzip, sys
from email.message import EmailMessage
from email.policy import SMTP
rows = int(sys.argv[2])
x = ['<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n<report_metadata><org_name>big.example</org_name>'
     '<email>dmarc@big.example</email><report_id>big-1</report_id><date_range><begin>1796515200</begin>'
     '<end>1796601599</end></date_range></report_metadata><policy_published><domain>home.test</domain>'
     '<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct></policy_published>\n']
for i in range(rows):
    ip = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
    x.append('<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated><disposition>none'
             '</disposition><dkim>fail</dkim><spf>pass</spf></policy_evaluated></row><identifiers>'
             '<header_from>home.test</header_from></identifiers><auth_results><dkim><domain>home.test</domain>'
             '<result>fail</result><selector>s1</selector></dkim><spf><domain>bounce.example</domain>'
             '<result>pass</result></spf></auth_results></record>\n' % (ip, i % 7 + 1))
x.append("</feedback>\n")
m = EmailMessage()
m["From"] = "dmarc@big.example"; m["To"] = "rua@home.test"
m["Subject"] = "Report Domain: home.test Submitter: big.example Report-ID: big-1"
m["Message-ID"] = "<big-1@big.example>"
m.set_content("A large aggregate report.\r\n")
m.add_attachment(gzip.compress("".join(x).encode()), maintype="application", subtype="gzip",
                 filename="big.example!home.test!1796515200!1796601599.xml.gz")
open(sys.argv[1], "wb").write(m.as_bytes(policy=SMTP))
PY

echo 'local-zone: "." static' > "$BASE/zones.conf"
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
"$top/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"
hist=$BASE/history
mkdir -p "$hist" && chmod 700 "$hist"
dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 5s \
	"dkimcheck_dmarc_history = $hist" > /dev/null
dovecot_user on userdb_dkimcheck_report_ingest=yes
dovecot_user off
if [ "$dovecot_series" = 2.3 ]; then
	printf 'service lmtp {\n  service_count = 0\n  process_limit = 1\n}\n'
else
	printf 'service lmtp {\n  restart_request_count = unlimited\n  process_limit = 1\n}\n'
fi > "$BASE/dovecot/etc/lmtp.conf"
dovecot_start "$BASE/dovecot/etc/90-dkimcheck.conf" "$BASE/dovecot/etc/test.conf" \
	"$BASE/dovecot/etc/lmtp.conf" > /dev/null

# CPU seconds of the instance's lmtp processes (schedstat, ns)
lmtp_cpu() {
	for pid in $(ps -eo sid=,comm=,pid= | awk -v s="$dovecot_pid" '$1 == s && $2 == "lmtp" { print $3 }'); do
		awk '{ print $1 }' "/proc/$pid/schedstat" 2>/dev/null
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
# one MAIL USER: microseconds of lmtp CPU per delivery
one() {
	_c0=$(lmtp_cpu)
	python3 "$top/bench/lmtp-load.py" "$dovecot_lmtp_port" 1 "$COUNT" "$1" "$2@home.test" > /dev/null
	_c1=$(lmtp_cpu)
	echo $(( (_c1 - _c0) / COUNT / 1000 ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-10s %8s  %14s  %14s  %10s  %s\n' mail bytes "off us/deliv" "on us/deliv" "on-off us" "report files"
for mail in google big; do
	f=$M/$mail.eml
	# warm up: DNS cache, the process, the mailboxes
	python3 "$top/bench/lmtp-load.py" "$dovecot_lmtp_port" 1 5 "$f" off@home.test > /dev/null
	python3 "$top/bench/lmtp-load.py" "$dovecot_lmtp_port" 1 5 "$f" on@home.test > /dev/null
	rm -f "$hist"/*
	: > "$BASE/off" ; : > "$BASE/on"
	r=0
	while [ $r -lt "$RUNS" ]; do
		one "$f" off >> "$BASE/off"
		one "$f" on >> "$BASE/on"
		r=$((r + 1))
	done
	off=$(median < "$BASE/off") on=$(median < "$BASE/on")
	printf '%-10s %8s  %14s  %14s  %10s  %s\n' "$mail" "$(wc -c < "$f")" "$off" "$on" \
		"$((on - off))" "$(ls "$hist" | wc -l) for $((RUNS * COUNT)) deliveries"
done
