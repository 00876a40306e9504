#!/bin/sh
# reports-ingest.sh - DMARC reports in (issue #19), end to end through
# `dmarc-reports ingest`, `import` and `received --json`:
#  - the report fixtures (tests/fixtures/reports-in) wrapped into messages
#    in the shapes reporters send (tests/reports-ingest-eml.py, Python's
#    email module: Google's zip as the whole message, Microsoft's gzip,
#    Yahoo's zip, Mail.Ru's zip (elements in alphabetical order),
#    Fastmail's gzip with an RFC 2231 name, a zip as
#    octet-stream, a gzip named .zip, two attachments, the XML as the
#    body, an RFC 2047 name, an ARF failure report), read from a Maildir,
#    an mbox and single files, imported into SQLite and into a real
#    PostgreSQL (tests/harness/postgres.sh);
#  - `received --json` checked field by field against the XML as
#    Python's xml.etree reads it (tests/reports-ingest-check.py), with
#    RFC 9990's element names;
#  - import is idempotent: everything ingested again and imported again
#    counts once (keyed by reporter and report id; a failure report by
#    the hash of its text);
#  - a message of a few MB with a 100,000-row zipped report (in lines and
#    on one base64 line) stored whole within the limit below; 40 nested
#    multiparts and a 50 MB base64 line refused with their reasons;
#  - hostile attachments (zip and gzip bombs, XXE, billion laughs,
#    invalid UTF-8, truncated archives) in one message beside a good
#    report: each refused with its reason, the good one stored, within
#    64 MB of address space (`ulimit -v`; the sanitizer build cannot set
#    one - ASan's shadow memory - and checks peak RSS instead, with ASan's
#    quarantine off: its freed blocks are not ours; 100,000 rows: 54 MB
#    with a 16 MB quarantine, 33 MB without, 23 MB in the normal build).
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postgres.sh"

fx=$srcdir/tests/fixtures/reports-in
work=$(harness_tmpdir reports-ingest)
pg_pid=
trap 'pg_stop; rm -rf "$work"' EXIT
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
limit_kb=65536
if nm "$dr" 2>/dev/null | grep -q ' __asan_init$' ||
	ldd "$dr" 2>/dev/null | grep -q libasan; then
	sanitizer=1
else
	sanitizer=0
fi

mkdir -p "$work/eml" "$work/md/cur" "$work/md/new" "$work/md/tmp" "$work/hist"
python3 "$srcdir/tests/reports-ingest-eml.py" "$fx" "$work/eml" > "$work/manifest" ||
	{ echo "FAIL: reports-ingest-eml.py"; exit 1; }
# a Maildir (cur/ and new/), an mbox, and single files
for f in google microsoft yahoo; do cp "$work/eml/$f.eml" "$work/md/cur/$f:2,S"; done
cp "$work/eml/fastmail.eml" "$work/md/new/1.fastmail"
cp "$work/eml/rfc9990.eml" "$work/md/tmp/never-read"
for f in gzip-named several body; do
	printf 'From MAILER-DAEMON Sun Dec  7 06:00:00 2026\n'
	cat "$work/eml/$f.eml"
	printf '\n'
done > "$work/mbox"
cat > "$work/sqlite.conf" <<EOC
Database $work/reports.db
HistoryDir $work/hist
ReportOrganization Example Receiver
ReportEmail dmarc-noreply@mx.example.org
EOC

# run NAME ARGS...: dmarc-reports within the limit (the normal build) or
# with its peak RSS measured (sanitizer build); stdout/stderr to
# $work/NAME.out/.err; prints the exit code
run() {
	name=$1
	shift
	(
		if [ "$sanitizer" = 1 ]; then
			ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0"
			export ASAN_OPTIONS
			exec /usr/bin/time -o "$work/$name.rss" -f %M "$dr" "$@" \
				> "$work/$name.out" 2> "$work/$name.err"
		fi
		ulimit -v "$limit_kb" || exit 99
		exec "$dr" "$@" > "$work/$name.out" 2> "$work/$name.err"
	)
	echo $?
}

# db NAME ARGS...: dmarc-reports unlimited (the database clients map
# more than the ingest needs); prints the exit code, the log on failure
db() {
	name=$1
	shift
	"$dr" "$@" > "$work/$name.out" 2> "$work/$name.err"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$name.err" >&2
	echo $rc
}

# bounded NAME WHAT: within the limit
bounded() {
	if [ "$sanitizer" = 1 ]; then
		rss=$(tail -1 "$work/$1.rss" 2>/dev/null)
		if [ "${rss:-999999999}" -lt "$limit_kb" ] 2>/dev/null; then
			expect_eq ok ok "$2: peak RSS ${rss} KB < $limit_kb KB"
		else
			expect_eq "${rss:-none}" "< $limit_kb" "$2: peak RSS in KB"
		fi
	else
		expect_eq ok ok "$2: within $limit_kb KB of address space"
	fi
}

rc=$(run maildir -c "$work/sqlite.conf" -v ingest "$work/md")
expect_eq "$rc" 0 "ingest a Maildir"
expect_eq "$(ls "$work/hist" | grep -c '\.rcvd$')" 4 "Maildir: cur/ and new/, not tmp/: 4 reports"
rc=$(run mbox -c "$work/sqlite.conf" -v ingest "$work/mbox")
expect_eq "$rc" 0 "ingest an mbox"
expect_eq "$(grep -c 'report .* stored' "$work/mbox.err")" 4 "mbox: 3 messages, 4 reports"
rc=$(run files -c "$work/sqlite.conf" -v ingest "$work/eml/rfc9990.eml" \
	"$work/eml/encoded-name.eml" "$work/eml/mailru.eml" "$work/eml/failure.eml" "$work/eml/hostile.eml")
expect_eq "$rc" 0 "ingest single files"
bounded files "hostile attachments"
for reason in 'bomb.zip: refused: compression ratio' 'bomb.xml.gz: refused: compression ratio' \
	'xxe.xml: refused: DOCTYPE' 'billion-laughs.xml: refused: DOCTYPE' \
	'invalid-utf8.xml: refused: invalid UTF-8' 'truncated.xml.gz: refused: gzip: truncated' \
	'truncated.zip: refused: zip: truncated'; do
	expect_match "$(cat "$work/files.err")" "hostile\.eml: $reason" "refused: $reason"
done
expect_match "$(grep hostile "$work/files.err")" "aggregate report 4718370216395731712 from google.com .* stored" \
	"the good report beside the hostile ones is stored"
n_files=$(ls "$work/hist" | grep -c '\.rcvd$')
expect_eq "$n_files" 13 "13 reports stored as .rcvd files"
# the bare fixtures too (--out)
mkdir -p "$work/bare"
rc=$(run bare -c "$work/sqlite.conf" ingest --out "$work/bare" "$fx/google.zip" "$fx/microsoft.xml.gz" "$fx/yahoo.xml")
expect_eq "$rc" 0 "ingest bare .zip/.xml.gz/.xml files into --out"
expect_eq "$(ls "$work/bare" | grep -c '\.rcvd$')" 3 "bare files: 3 reports"
# a message of a few MB holding a 100,000-row zipped report (68 MB of
# XML), once in 76-column base64 and once on one line: stored whole
# within the limit, every row and count as the generator wrote them;
# hostile MIME around reports: 40 nested multiparts, a 50 MB base64
# line that decodes to no zip: refused with a reason, within the limit
mkdir -p "$work/big" "$work/bigout"
set -- $(python3 "$srcdir/tests/reports-in-big.py" "$work/big/big.xml.gz" 100000)
big_rows=$1 big_sum=$2
python3 "$srcdir/tests/reports-ingest-big.py" "$work/big/big.xml.gz" "$work/big" ||
	{ echo "FAIL: reports-ingest-big.py"; exit 1; }
for f in big oneline; do
	rc=$(run "$f" -c "$work/sqlite.conf" -v ingest --out "$work/bigout" "$work/big/$f.eml")
	expect_eq "$rc" 0 "$f.eml ($(wc -c < "$work/big/$f.eml") octets): ingest"
	bounded "$f" "$f.eml: 100,000-row zipped report"
	expect_match "$(cat "$work/$f.err")" "$f\.eml: aggregate report big-1 from big\.example .* stored" \
		"$f.eml: the report stored"
done
for r in "$work"/bigout/*.rcvd; do
	expect_eq "$(awk '/^row /{ for (i = 2; i <= NF; i++) if ($i ~ /^n=/) { rows++; sum += substr($i, 3) } }
		END { printf "%d %d", rows, sum }' "$r")" "$big_rows $big_sum" \
		"$(basename "$r"): rows and the sum of their counts as the generator wrote them"
done
expect_eq "$(ls "$work/bigout" | grep -c '\.rcvd$')" 2 "two big reports stored"
rc=$(run nested -c "$work/sqlite.conf" -v ingest --out "$work/bigout" "$work/big/nested.eml")
expect_eq "$rc" 0 "nested.eml: ingest"
expect_match "$(cat "$work/nested.err")" "nested\.eml: multipart/mixed: refused: multiparts nested deeper" \
	"40 nested multiparts: refused with the reason"
rc=$(run longline -c "$work/sqlite.conf" -v ingest --out "$work/bigout" "$work/big/longline.eml")
expect_eq "$rc" 0 "longline.eml: ingest"
bounded longline "a 50 MB base64 line"
expect_match "$(cat "$work/longline.err")" "longline\.eml: long\.zip: refused: neither zip, gzip nor XML" \
	"a 50 MB base64 line: refused with the reason"
rm -rf "$work/big"
cp -r "$work/hist" "$work/hist-pg"

check_db() { # CONF WHAT
	rc=$(db import -c "$1" import)
	expect_eq "$rc" 0 "$2: import"
	expect_eq "$(ls "$work/hist" | grep -c '\.rcvd$')" 0 "$2: imported files removed"
	rc=$(db received -c "$1" received --json)
	expect_eq "$rc" 0 "$2: received --json"
	out=$(python3 "$srcdir/tests/reports-ingest-check.py" "$fx" "$work/manifest" "$work/received.out")
	expect_eq "$?" 0 "$2: received --json against xml.etree"
	printf '%s\n' "$out" | sed 's/^/# /'
	# twice: the same messages again count once
	"$dr" -c "$1" ingest "$work/md" "$work/mbox" "$work/eml" 2> /dev/null
	rc=$(db import2 -c "$1" import)
	expect_eq "$rc" 0 "$2: second import"
	rc=$(db received2 -c "$1" received --json)
	expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/received2.out")" 7 \
		"$2: 7 reports (6 aggregate, 1 failure), each once"
	out=$(python3 "$srcdir/tests/reports-ingest-check.py" "$fx" "$work/manifest" "$work/received2.out")
	expect_eq "$?" 0 "$2: still each once and equal to the XML"
	rc=$(db dom -c "$1" received --json --domain other.example)
	expect_eq "$(cat "$work/dom.out")" "[]" "$2: --domain other.example: nothing"
	rc=$(db since -c "$1" received --since 2026-12-01)
	expect_eq "$(grep -c '^20' "$work/since.out")" 1 "$2: --since 2026-12-01: the failure report only (the aggregate ones end 2025-12)"
}
check_db "$work/sqlite.conf" SQLite

pg_start "$work/pg"
{ printf 'Database %s\n' "$pg_uri"; grep -v '^Database ' "$work/sqlite.conf"; } > "$work/pg.conf"
rm -rf "$work/hist"
mv "$work/hist-pg" "$work/hist"
check_db "$work/pg.conf" PostgreSQL
pid=$pg_pid
pg_stop
expect_eq "$(kill -0 "$pid" 2>/dev/null; echo $?)" 1 "PostgreSQL stopped, by its PID"
finish
