#!/bin/sh
# dmarc-reports-bench.sh [N] - `dmarc-reports import` and `send --out`
# for N history records (default 1000000) on SQLite and, when Debian's
# PostgreSQL server is installed, on a private PostgreSQL
# (tests/harness/postgres.sh).  100 policy domains with rua, 1000 client
# addresses, 3 outcomes; DNS from a private unbound.  Run from the build
# directory: srcdir=.. MAILAUTH_BUILDDIR=. ../bench/dmarc-reports-bench.sh
set -u
N=${1:-1000000}
: "${srcdir:=..}" "${MAILAUTH_BUILDDIR:=.}"
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postgres.sh"
dr=$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports
work=$(harness_tmpdir dmarc-reports-bench)
ub_pid= pg_pid=
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; pg_stop; rm -rf "$work"' EXIT
{
	echo 'local-zone: "example." static'
	i=0
	while [ $i -lt 100 ]; do
		echo "local-data: '_dmarc.d$i.example. 300 IN TXT \"v=DMARC1; p=reject; rua=mailto:r@d$i.example\"'"
		i=$((i + 1))
	done
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
day=$(date -u -d 2026-12-01 +%s)
gen() { # gen DIR: N records in 10 files of one closed day
	mkdir -p "$1"
	awk -v n="$N" -v t="$day" -v dir="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			d = "d" (i % 100) ".example"; o = i % 3
			disp = o == 0 ? "none" : o == 1 ? "quarantine" : "reject"
			why = o == 1 ? " why=local_policy" : ""
			res = o == 0 ? "pass" : "fail"
			printf "v=1 id=%d@bench t=%d ip=192.0.%d.%d mf=%s rt=example.org hf=%s pd=%s rec=v%%3DDMARC1;%%20p%%3Dreject disc=treewalk dkim=%s,s1,%s spf=none da=%s sa=n res=%s pol=reject disp=%s%s\n", \
				i, t + i % 86400, int(i / 256) % 4, i % 250, d, d, d, d, res, o == 0 ? "y" : "n", res, disp, why \
				> (dir "/bench." (i % 10) ".20261201.dmarc")
		}
	}'
}
run() { # run NAME DATABASE
	gen "$work/$1.hist"
	printf 'Database %s\nHistoryDir %s\nReportOrganization B\nReportEmail r@mx.example\nResolverConfiguration %s\n' \
		"$2" "$work/$1.hist" "$work/lib.conf" > "$work/$1.conf"
	mkdir -p "$work/$1.out"
	now=$((day + 86400 + 60))
	/usr/bin/time -f "$1 import: %e s, %M KiB max RSS" "$dr" -c "$work/$1.conf" --now $now import 2>&1 | grep -v ': [0-9]* records'
	/usr/bin/time -f "$1 send: %e s, %M KiB max RSS" "$dr" -c "$work/$1.conf" --now $now send --out "$work/$1.out" 2>&1 | grep -v 'report '
	echo "$1: $(ls "$work/$1.out" | wc -l) reports"
}
echo "$N records"
run sqlite "$work/reports.db"
if [ -n "$(pg_bindir)" ]; then
	pg_start "$work/pg"
	run postgresql "$pg_uri"
fi
