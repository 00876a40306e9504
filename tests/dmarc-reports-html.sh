#!/bin/sh
# dmarc-reports-html.sh - `dmarc-reports summary --html` in a real
# browser (Debian's chromium, headless): aggregate reports shaped like
# Google's (RFC 7489 format, no namespace), Microsoft's (gzip) and an
# RFC 9990 reporter (namespace) whose org_name, report_id and domains
# carry markup (<script>document.title='pwned'</script>, <img src=...>,
# </script><svg onload=...>, quotes, '&', a right-to-left override and
# a C1 CSI: anyone can mail the rua address, issue #19 "Hostile input is
# the normal case"), one about a domain not in ReportDomains, and one of
# 10,000 sources (the page shows the biggest and sums the others: it
# stays bounded), go through `ingest`, `import` and `summary --html`;
# chromium renders
# the page (--dump-dom and --screenshot) and reports-html-check.py
# compares what it shows with numbers it computes itself from the XML:
# messages, pass, fail and reports per domain, per shown source, per
# day, the other sources' sums; the report about the other domain
# counted apart and not summarized; no <script>/<img> element, no event
# handler attribute, no svg but the charts, and the title unchanged (the
# injected script neither exists nor ran); the hostile name shown as
# text without its bidi/C1 controls; the page under 256 KiB; a
# screenshot that is not blank; the page
# made no request (every request goes to a local sink proxy, which a
# control page proves; a request is the page's when its host is named
# in the page's source: chromium's own, to its updater, clock, accounts
# or search engine, name hosts no page here names).
# Chromium missing is a FAILURE, not a skip: CI installs it
# (scripts/install-deps.sh).
set -u
. "$srcdir/tests/harness/lib.sh"

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "$chromium not installed (apt-get install chromium)"
fx=$srcdir/tests/fixtures/reports-summary
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
work=$(harness_tmpdir dmarc-reports-html)
sink_pid=
cleanup() {
	[ -z "$sink_pid" ] || "$srcdir/tests/harness/stop-pid.sh" $sink_pid
	rm -rf "$work"
}
trap cleanup EXIT

# run_chromium NAME ARGS...: one headless chromium in its own session
# (setsid: its PID is its process group), stopped by that group after
# at most 120 s; every process of the group must be gone afterwards.
run_chromium() {
	_name=$1
	shift
	mkdir -p "$work/profile-$_name"
	setsid "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --user-data-dir="$work/profile-$_name" \
		--no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --disable-extensions \
		--proxy-server="http://127.0.0.1:$sink_port" \
		--proxy-bypass-list='<-loopback>' \
		--hide-scrollbars --window-size=1100,1400 \
		"$@" > "$work/$_name.out" 2> "$work/$_name.err" &
	_pid=$!
	_i=0
	while kill -0 $_pid 2>/dev/null && [ $_i -lt 1200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -TERM -- -$_pid 2>/dev/null
	_i=0
	while pgrep -g $_pid >/dev/null 2>&1 && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL -- -$_pid 2>/dev/null
	wait $_pid 2>/dev/null
	sleep 0.2
	expect_eq "$(pgrep -g $_pid | wc -l)" 0 \
		"chromium ($_name): every process of its group is gone"
}

mkdir -p "$work/history" "$work/in"
cp "$fx"/*.xml "$work/in/"
# Microsoft sends gzip
gzip -n "$work/in/microsoft-example.com-20261202.xml"
python3 "$srcdir/tests/reports-html-check.py" --write-big \
	"$work/in/big-example.net-20261204.xml" 10000 ||
	fail "could not write the 10,000-source report"
cp "$work/in/big-example.net-20261204.xml" "$work/big.xml"
# reverse names from local data only: no query leaves the machine
cat > "$work/resolver.conf" <<EOC
server:
	local-zone: "." static
	local-data-ptr: "192.0.2.1 mail.example.com"
	local-data: "mail.example.com. A 192.0.2.1"
	local-data-ptr: "198.51.100.7 mta7.esp.example.net"
	local-data: "mta7.esp.example.net. A 198.51.100.7"
	# whoever owns 203.0.113.50's reverse zone calls it Google's: the
	# name does not lead back to the address, so it is not shown
	local-data-ptr: "203.0.113.50 mail.google.com"
	local-data: "mail.google.com. A 192.0.2.99"
EOC
cat > "$work/dmarc-reports.conf" <<EOC
Database $work/reports.db
HistoryDir $work/history
ReportOrganization Test Receiver
ReportEmail dmarc-reports@receiver.example
ResolverConfiguration $work/resolver.conf
ReportDomains example.com, example.net
EOC
conf=$work/dmarc-reports.conf
# 2026-12-07 12:00 UTC; 10 days: 2026-11-28 .. 2026-12-07
now=1796644800

"$dr" -c "$conf" --now $now ingest "$work/in" > "$work/ingest.out" 2>&1 ||
	{ cat "$work/ingest.out"; fail "ingest failed"; }
"$dr" -c "$conf" --now $now import > "$work/import.out" 2>&1 ||
	{ cat "$work/import.out"; fail "import failed"; }
"$dr" -c "$conf" --now $now summary --days 10 --html "$work/page.html" \
	> "$work/summary.out" 2>&1
expect_eq $? 0 "summary --html exits 0"
text=$(cat "$work/summary.out")
expect_match "$text" "^example\\.com \\(p=none\\): 700 messages in 3 reports" \
	"the text names the domain, its messages and reports"
expect_match "$text" "mta7\\.esp\\.example\\.net" \
	"a source is named by its PTR record (ResolverConfiguration)"
expect_no_match "$text" "^    google\\.com:|mail\\.google\\.com" \
	"a PTR name whose A record is another address is not shown"
expect_match "$text" "^1 reports about domains not in ReportDomains, kept apart" \
	"the report about other.example is kept apart"
expect_no_match "$text" "other\\.example \\(p=" \
	"other.example is not summarized"
expect_match "$text" "^ *[0-9]+ +[0-9]+ +[0-9]+  9975 other sources\$" \
	"the 10,000-source report: 25 sources shown, 9975 summed in one line"
lines=$(wc -l < "$work/summary.out")
expect_eq "$([ "$lines" -lt 200 ] && echo short)" short \
	"the text stays under 200 lines ($lines)"
expect_no_match "$text" "$(printf '\033')" "no escape character reaches the terminal"

# --json: the same numbers, checked against the XML the same way
"$dr" -c "$conf" --now $now summary --days 10 --json > "$work/summary.json"
expect_eq $? 0 "summary --json exits 0"
python3 "$srcdir/tests/reports-html-check.py" --json "$work/summary.json" \
	--domains example.com,example.net --since 2026-11-28 --days 10 \
	"$fx"/*.xml "$work/big.xml" > "$work/json-check.out"
rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) _ok "${line#ok * - }";;
	"not ok "*) _not_ok "${line#not ok * - }";;
	*) echo "# $line";;
	esac
done < "$work/json-check.out"
expect_eq $rc 0 "reports-html-check.py --json passes"

python3 "$srcdir/tests/harness/http-sink.py" "$work/sink.port" \
	"$work/sink.log" &
sink_pid=$!
_i=0
while [ ! -s "$work/sink.port" ] && [ $_i -lt 100 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
sink_port=$(cat "$work/sink.port") || fail "the sink proxy did not start"
: > "$work/sink.log"

# control: a page that loads a tracker image makes the sink see it
printf '<!DOCTYPE html><title>control</title><img src="http://tracker.example/c.png">\n' \
	> "$work/control.html"
run_chromium control --dump-dom "file://$work/control.html"
python3 "$srcdir/tests/reports-html-check.py" --sink-works "$work/sink.log" \
	> "$work/control.out"
expect_eq $? 0 "the sink proxy detects a page's request: $(tr '\n' ' ' < "$work/control.out")"
: > "$work/sink.log"

run_chromium dom --dump-dom "file://$work/page.html"
mv "$work/dom.out" "$work/dom.html"
run_chromium shot --screenshot="$work/shot.png" "file://$work/page.html"
[ -s "$work/dom.html" ] || { tail -20 "$work/dom.err"; fail "no DOM dumped"; }
[ -s "$work/shot.png" ] || { tail -20 "$work/shot.err"; fail "no screenshot"; }

python3 "$srcdir/tests/reports-html-check.py" --dom "$work/dom.html" \
	--png "$work/shot.png" --proxy-log "$work/sink.log" \
	--page "$work/page.html" \
	--domains example.com,example.net --since 2026-11-28 --days 10 \
	"$fx"/*.xml "$work/big.xml" > "$work/check.out"
rc=$?
# the checker's lines join ours
while IFS= read -r line; do
	case $line in
	"ok "*) _ok "${line#ok * - }";;
	"not ok "*) _not_ok "${line#not ok * - }";;
	*) echo "# $line";;
	esac
done < "$work/check.out"
expect_eq $rc 0 "reports-html-check.py passes"
finish
