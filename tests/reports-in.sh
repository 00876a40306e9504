#!/bin/sh
# reports-in.sh - DMARC reports in (issue #19), the low-level readers:
# util/unpack (gzip, zip, plain XML), util/xml-parse and
# dmarc/dmarc-report-parse, through tests/reports-in-dump.
#  - every report fixture (tests/fixtures/reports-in: the shapes Google,
#    Microsoft, Yahoo, Mail.Ru, Fastmail and the RFC 9990 sample are
#    mailed in; counts up to 2^64 - 1 and with leading zeros)
#    read the same as Python's xml.etree reads its XML
#    (tests/reports-in-check.py: metadata, policy, every row);
#  - the hostile fixtures (XXE, billion laughs, zip and gzip bombs,
#    invalid UTF-8, truncated gzip and zip, garbage, a count of 2^64)
#    are refused, each for its reason;
#  - a 100,000-row report (about 65 MB of XML, gzipped) is read
#    streaming: all rows, their counts summing to what the generator
#    wrote, in a few MB of memory (the document is never held: maximum
#    resident size under 32 MB, half the XML's size; 64 MB under
#    AddressSanitizer).
set -u
. "$srcdir/tests/harness/lib.sh"

dump="$MAILAUTH_BUILDDIR/tests/reports-in-dump"
fixtures="$srcdir/tests/fixtures/reports-in"
harness_need "$dump" /usr/bin/python3
tmp=$(harness_tmpdir reports-in)

out=$(/usr/bin/python3 "$srcdir/tests/reports-in-check.py" "$fixtures" "$dump")
st=$?
printf '%s\n' "$out" | sed 's/^/# /'
expect_eq "$st" 0 "every fixture read as xml.etree reads it, hostile ones refused"
n=$(printf '%s\n' "$out" | grep -c '^ok ')
expect_eq "$n" 22 "22 fixtures checked"

set -- $(/usr/bin/python3 "$srcdir/tests/reports-in-big.py" "$tmp/big.xml.gz" 100000)
want_rows=$1 want_sum=$2 xml_size=$3
# Under AddressSanitizer freed memory waits in its quarantine (256 MB by
# default): without one the resident size is the program's own again.
line=$(ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=0" \
	"$dump" -c "$tmp/big.xml.gz" | grep '^rows ')
rows=$(printf '%s\n' "$line" | sed -n 's/^rows \([0-9]*\) .*/\1/p')
sum=$(printf '%s\n' "$line" | sed -n 's/.* count \([0-9]*\) .*/\1/p')
rss=$(printf '%s\n' "$line" | sed -n 's/.* maxrss_kb \([0-9]*\).*/\1/p')
expect_eq "$rows" "$want_rows" "100,000-row report: every row read"
expect_eq "$sum" "$want_sum" "100,000-row report: counts add up"
echo "# XML $xml_size octets, maximum resident size ${rss} KB"
# (AddressSanitizer's shadow memory and allocator add a few tens of MB.)
limit=32768
[ -n "${MAILAUTH_ASAN_RUNTIME:-}" ] && limit=65536
if [ -n "$rss" ] && [ "$rss" -lt $limit ] && [ "$xml_size" -gt 60000000 ]; then
	_ok "streaming: resident size well under the XML's ($rss KB)"
else
	_not_ok "streaming: resident size $rss KB for $xml_size octets of XML"
fi
rm -rf "$tmp"
finish
