#!/bin/sh
# dovecot-report-ingest.sh - dkimcheck_report_ingest in a real private
# Dovecot (tests/harness/dovecot.sh, the shipped snippet; 2.3 and 2.4),
# issue #19 "DMARC reports in": the report mails of
# tests/integration/report-mails.py (aggregate reports in the shapes
# Google, Microsoft, Yahoo, Fastmail and RFC 9990 reporters send, an ARF
# failure report, and hostile ones: zip bomb, gzip bomb, XXE, billion
# laughs, truncated archives) delivered over LMTP to a user with ingest
# on.  Checked:
# - every message is delivered as received (the message's bytes are the
#   tail of the stored copy, doveadm fetch), no lmtp process dies, with
#   Dovecot's default vsz_limit (normal build);
# - each report lands in dkimcheck_dmarc_history as its own file, once
#   per message even with two ingest recipients; nothing for a user
#   without ingest, nothing from the hostile mails (each refusal logged
#   with the user, at most 10 lines and a count for one mail), no byte of
#   /etc/passwd anywhere (XXE);
# - `dmarc-reports import` + `received --json` give exactly the
#   reporter, report id, period, policy domain and per-row counts of each
#   XML, read independently with python3's xml.etree;
# - without dkimcheck_dmarc_history, ingest is logged once and the mail
#   delivered.
#
# Needs root (Dovecot's master); exit 77 (SKIP) otherwise.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"

harness_need_root "to run a private Dovecot instance"
harness_need /usr/sbin/dovecot /usr/bin/doveconf /usr/bin/doveadm /usr/bin/swaks

BASE=$(harness_tmpdir dovecot-report-ingest)
ub_pid=
cleanup() {
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $ub_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

dovecot_plugin_install "$BASE/inst"
dr=$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports
dovecot_sanitizer_conf "$dovecot_plugin_so" "$BASE/sanitizer.conf" "$BASE/sanlog" ||
	fail "dovecot_sanitizer_conf"

M=$BASE/mails
python3 "$srcdir/tests/integration/report-mails.py" "$M" || fail "report-mails.py"

# no DNS data: every lookup answers NXDOMAIN at once (the reporters'
# domains have no DMARC policy here, so no history record either)
echo 'local-zone: "." static' > "$BASE/zones.conf"
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# written by the lmtp process when the transaction ends, with the
# identity it has then (dkimcheck(7))
hist=$BASE/history
mkdir -p "$hist" && chmod 750 "$hist"
dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 5s \
	"dkimcheck_dmarc_history = $hist" || fail "dovecot_dkimcheck_init"
dovecot_user rua userdb_dkimcheck_report_ingest=yes
dovecot_user ruf userdb_dkimcheck_report_ingest=yes
dovecot_user alice
# one lmtp process for every connection (see dovecot-dmarc-history.sh),
# so that "logged once" below is about one process
if [ "$dovecot_series" = 2.3 ]; then
	printf 'service lmtp {\n  service_count = 0\n}\n'
else
	printf 'service lmtp {\n  restart_request_count = unlimited\n}\n'
fi > "$BASE/dovecot/etc/lmtp.conf"
confs="$BASE/sanitizer.conf $BASE/dovecot/etc/90-dkimcheck.conf $BASE/dovecot/etc/test.conf $BASE/dovecot/etc/lmtp.conf"
dovecot_start $confs || fail "Dovecot did not start"

lmtp() {
	swaks --protocol LMTP --server 127.0.0.1 --port "$dovecot_lmtp_port" \
		--timeout 600 --from sender@bounce.test --to "$2" --data "@$1" 2>&1
}
reports() { find "$hist" -type f ! -name '*.dmarc' ! -name '.*' | wc -l; }
# delivered NAME USER: the message's bytes are the tail of USER's stored
# copy (Dovecot prepends its trace fields and ours; Maildir stores LF)
delivered() {
	_id=$(sed -n 's/^Message-I[Dd]: *//p' "$M/$1.eml" | tr -d '\r' | head -1)
	doveadm -c "$dovecot_conf" fetch -u "$2" text header message-id "$_id" \
		> "$BASE/fetched" 2>&1
	python3 - "$M/$1.eml" "$BASE/fetched" <<'PY'
import sys
orig = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
got = open(sys.argv[2], "rb").read()
assert got.startswith(b"text:\n"), got[:80]
got = got[len(b"text:\n"):]
sys.exit(0 if got.endswith(orig) or got.endswith(orig + b"\n") else 1)
PY
}

# 1. the good ones, each to rua: delivered, one file per report
good=$(awk '$2 != "hostile" { print $1 }' "$M/list")
n=0
for m in $good; do
	out=$(lmtp "$M/$m.eml" rua@home.test)
	expect_match "$out" '^<- +250 2\.0\.0 <rua@home\.test> .* Saved' "$m: 250"
	delivered "$m" rua
	expect_eq "$?" 0 "$m: delivered byte for byte"
	n=$((n + 1))
	expect_eq "$(reports)" "$n" "$m: one report file"
	expect_match "$(cat "$dovecot_log")" "report ingest: user=rua: stored " "$m: logged with the user"
done
# 2. once per message: two ingest recipients, one more file
out=$(lmtp "$M/google.eml" rua@home.test,ruf@home.test)
expect_match "$out" '^<- +250 2\.0\.0 <ruf@home\.test> .* Saved' "two ingest recipients: 250"
n=$((n + 1))
expect_eq "$(reports)" "$n" "two ingest recipients: read once"
# 3. a user without ingest: delivered, no file
out=$(lmtp "$M/google.eml" alice@home.test)
expect_match "$out" '^<- +250 2\.0\.0 <alice@home\.test> .* Saved' "no ingest: 250"
expect_eq "$(reports)" "$n" "no ingest: no file"
# 4. the hostile ones: delivered as received, refused with a reason
for m in $(awk '$2 == "hostile" { print $1 }' "$M/list"); do
	: > "$BASE/before.log"; cp "$dovecot_log" "$BASE/before.log"
	out=$(lmtp "$M/$m.eml" rua@home.test)
	expect_match "$out" '^<- +250 2\.0\.0 <rua@home\.test> .* Saved' "$m: 250"
	delivered "$m" rua
	expect_eq "$?" 0 "$m: delivered byte for byte"
	expect_eq "$(reports)" "$n" "$m: no report file"
	diff "$BASE/before.log" "$dovecot_log" > "$BASE/new.log"
	expect_match "$(cat "$BASE/new.log")" \
		'report ingest: user=rua: refused part [^:]*: .' "$m: refusal logged with the reason"
done
# the 200 attachments (the last hostile mail): 10 refusals logged one
# by one, the rest counted
expect_eq "$(grep -c 'report ingest: user=rua: refused part ' "$BASE/new.log")" 10 \
	"200 attachments: 10 refusal lines"
expect_match "$(cat "$BASE/new.log")" 'report ingest: user=rua: 190 more parts refused' \
	"200 attachments: the rest counted"
# the flood is refused for what one delivery may cost (dkimcheck(7))
expect_match "$(grep -F 'refused part flood.xml.gz: ' "$dovecot_log")" 'limit' \
	"20 MB row flood: refused for a limit"
expect_no_match "$(cat "$dovecot_log")" 'Panic|Fatal|killed with signal|Out of memory' \
	"no lmtp process died"
expect_eq "$(grep -rl "$(head -1 /etc/passwd)" "$hist" | wc -l)" 0 "XXE: no local file read"
echo "# report files owned by $(stat -c %U:%G "$hist"/* 2>/dev/null | sort -u | tr '\n' ' ')"

# 5. dmarc-reports import + received --json against the XML
cat > "$BASE/dr.conf" <<EOC
Database $BASE/reports.db
HistoryDir $hist
ReportOrganization Test Receiver
ReportEmail dmarc@mx.test.example
ResolverConfiguration $BASE/resolver.conf
EOC
"$dr" -c "$BASE/dr.conf" import
expect_eq "$?" 0 "import"
"$dr" -c "$BASE/dr.conf" received --json > "$BASE/received.json"
expect_eq "$?" 0 "received --json"
python3 - "$M" "$BASE/received.json" $(awk '$2 == "good" { print $1 }' "$M/list") \
	> "$BASE/compare.out" 2>&1 <<'PY'
import json, sys, xml.etree.ElementTree as ET
d, js, names = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3:]
def local(tag): return tag.rsplit("}", 1)[-1]
def child(e, name):
    return next((c for c in e if local(c.tag) == name), None) if e is not None else None
def text(e, *path):
    for p in path:
        e = child(e, p)
    return e.text.strip() if e is not None and e.text else None
def get(o, *path):
    for p in path:
        o = o.get(p) if isinstance(o, dict) else None
    return o
agg = [j for j in js if j.get("kind", "aggregate") == "aggregate" and
       get(j, "report_metadata", "report_id") is not None]
ok = True
for n in names:
    x = ET.parse(f"{d}/{n}.xml").getroot()
    want = {"org": text(x, "report_metadata", "org_name"),
            "id": text(x, "report_metadata", "report_id"),
            "begin": int(text(x, "report_metadata", "date_range", "begin")),
            "end": int(text(x, "report_metadata", "date_range", "end")),
            "domain": text(x, "policy_published", "domain"),
            "rows": sorted((text(r, "row", "source_ip"), int(text(r, "row", "count")))
                           for r in x if local(r.tag) == "record")}
    got = [j for j in agg if get(j, "report_metadata", "report_id") == want["id"]]
    if len(got) != 1:
        print(f"FAIL {n}: {len(got)} reports with id {want['id']}"); ok = False; continue
    j = got[0]
    dr = get(j, "report_metadata", "date_range") or get(j, "date_range") or {}
    have = {"org": get(j, "report_metadata", "org_name"), "id": want["id"],
            "begin": int(dr.get("begin", -1)), "end": int(dr.get("end", -1)),
            "domain": get(j, "policy_published", "domain"),
            "rows": sorted((get(r, "row", "source_ip"), int(get(r, "row", "count")))
                           for r in j.get("records", []))}
    if have != want:
        print(f"FAIL {n}: want {want}\n  got {have}"); ok = False
    else:
        print(f"ok {n}")
if len(agg) != len(names):
    print(f"FAIL {len(agg)} aggregate reports, want {len(names)} (the same report twice counts once)"); ok = False
if "spoof@evil.example" not in json.dumps(js):
    print("FAIL the failure report is not in received --json"); ok = False
sys.exit(0 if ok else 1)
PY
expect_eq "$?" 0 "received --json matches the XML: $(tr '\n' ';' < "$BASE/compare.out")"

# 6. no dkimcheck_dmarc_history: said once, delivered
dovecot_stop
expect_eq "$?" 0 "Dovecot stopped"
dovecot_settings_conf "$BASE/dovecot/etc/test.conf" \
	"dkimcheck_authserv_id = mx.test.example" \
	"dkimcheck_resolver_config = $BASE/resolver.conf" \
	"dkimcheck_dns_timeout = 5s"
dovecot_start $confs || fail "Dovecot did not start again"
for m in google microsoft; do
	out=$(lmtp "$M/$m.eml" rua@home.test)
	expect_match "$out" '^<- +250 2\.0\.0 <rua@home\.test> .* Saved' "no history dir, $m: 250"
done
expect_eq "$(grep -c 'dkimcheck_report_ingest needs dkimcheck_dmarc_history' "$dovecot_log")" 1 \
	"no history dir: logged once"

dovecot_stop
expect_eq "$?" 0 "Dovecot stopped"
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
finish
