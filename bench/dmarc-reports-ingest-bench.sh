#!/bin/sh
# dmarc-reports-ingest-bench.sh [N] [ROWS] - the cost of DMARC reports
# in (#19): `dmarc-reports ingest` of N aggregate reports of real size
# (default 1000: N-1 gzipped reports of 10 to 400 rows, as Google,
# Microsoft and Yahoo send for a small domain, and one of ROWS rows,
# default 100,000, about 60 MB of XML: tests/reports-in-big.py), then
# `import` on SQLite and `summary --html` over them; CPU (user + sys)
# per report, wall time and peak memory (max RSS) of each step; the big
# report alone as well.  Run from the build directory:
#   srcdir=.. MAILAUTH_BUILDDIR=. sh ../bench/dmarc-reports-ingest-bench.sh
# No DNS leaves the machine (ResolverConfiguration: a static root zone).
set -u
N=${1:-1000}
ROWS=${2:-100000}
: "${srcdir:=..}" "${MAILAUTH_BUILDDIR:=.}"
. "$srcdir/tests/harness/lib.sh"
dr=$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports
work=$(harness_tmpdir dmarc-reports-ingest-bench)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/big" "$work/hist" "$work/hist-big"

# 2025-12-07, the day reports-in-big.py's report covers
day=1765065600
python3 - "$work/in" "$N" "$day" <<'EOF'
import gzip, random, sys
out, n, day = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(19)
orgs = ["google.com", "Enterprise Outlook", "Yahoo", "Mail.Ru", "Fastmail"]
for k in range(n - 1):
    rows = rnd.randint(10, 400)
    x = ['<?xml version="1.0" encoding="UTF-8" ?>\n<feedback>\n'
         '<report_metadata><org_name>%s</org_name><email>noreply-dmarc@'
         'reporter.example</email><report_id>%d.%d</report_id><date_range>'
         '<begin>%d</begin><end>%d</end></date_range></report_metadata>\n'
         '<policy_published><domain>example.com</domain><adkim>r</adkim>'
         '<aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>'
         '</policy_published>\n' % (orgs[k % 5], k, day, day, day + 86399)]
    for i in range(rows):
        ok = rnd.random() < 0.8
        x.append('<record><row><source_ip>192.0.%d.%d</source_ip><count>%d'
                 '</count><policy_evaluated><disposition>none</disposition>'
                 '<dkim>%s</dkim><spf>%s</spf></policy_evaluated></row>'
                 '<identifiers><header_from>example.com</header_from>'
                 '</identifiers><auth_results><dkim><domain>example.com'
                 '</domain><selector>s1</selector><result>%s</result></dkim>'
                 '<spf><domain>example.com</domain><result>%s</result></spf>'
                 '</auth_results></record>\n'
                 % (rnd.randint(0, 3), rnd.randint(1, 250),
                    rnd.randint(1, 500), "pass" if ok else "fail",
                    "pass" if ok else "fail", "pass" if ok else "fail",
                    "pass" if ok else "softfail"))
    x.append('</feedback>\n')
    with gzip.open("%s/r%04d.xml.gz" % (out, k), "wb") as g:
        g.write("".join(x).encode())
EOF
python3 "$srcdir/tests/reports-in-big.py" "$work/big/big.xml.gz" "$ROWS" \
	> /dev/null
cp "$work/big/big.xml.gz" "$work/in/"
printf 'server:\n\tlocal-zone: "." static\n' > "$work/resolver.conf"
conf() { # conf NAME HISTORY
	printf 'Database %s\nHistoryDir %s\nReportOrganization B\nReportEmail r@mx.example\nResolverConfiguration %s\nReportDomains example.com\n' \
		"$work/$1.db" "$2" "$work/resolver.conf" > "$work/$1.conf"
}
# measure LABEL COUNT CMD...: CPU per item, wall, max RSS
measure() {
	_label=$1 _n=$2
	shift 2
	/usr/bin/time -f '%U %S %e %M' -o "$work/time" "$@" \
		> "$work/out" 2>&1 || { tail -5 "$work/out"; echo "$_label failed"; }
	read -r u s e m < "$work/time"
	echo "$u $s $e $m $_n" | awk -v l="$_label" '{
		printf "%-28s %8.2f s CPU (%.2f ms per report), %6.2f s wall, %7d KiB max RSS\n",
		l, $1 + $2, ($1 + $2) * 1000 / $5, $3, $4 }'
}
now=$((day + 86400 + 60))
echo "$N reports ($(du -sk "$work/in" | cut -f1) KiB gzipped), one of $ROWS rows"
conf one "$work/hist-big"
measure "ingest (the big one alone)" 1 "$dr" -c "$work/one.conf" ingest "$work/big"
conf all "$work/hist"
measure "ingest" "$N" "$dr" -c "$work/all.conf" ingest "$work/in"
measure "import (SQLite)" "$N" "$dr" -c "$work/all.conf" --now $now import
measure "summary --html" "$N" "$dr" -c "$work/all.conf" --now $now \
	summary --days 2 --html "$work/page.html"
grep '^example.com' "$work/out"
echo "page: $(wc -c < "$work/page.html") bytes"
