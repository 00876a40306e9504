#!/bin/sh
# dmarc-reports-failure.sh - DMARC failure reports (RFC 9991) end to end
# on SQLite: history records made from real verdicts (`authcheck verify
# --dmarc-history`, the code dkimcheck runs at delivery), DNS from a real
# unbound on loopback, `dmarc-reports import` and `send --out`, the
# reports checked with python3's email module and verified with dkimpy.
# What the RFC text says, message by message:
#  - DMARCbis 4.7 "fo": 0 = report when all mechanisms fail to produce an
#    aligned pass (the default); 1 = when any fails to; d = when a DKIM
#    signature fails evaluation; s = when SPF fails evaluation;
#  - RFC 9991 section 2: "Report generators MUST NOT consider ruf tags in
#    DMARC Policy Records having a psd=y tag"; "External destinations
#    MUST be verified" (section 5: RFC 9990 section 4 with ruf for rua);
#    "MUST implement a rate-limit on outgoing reports";
#  - RFC 9991 5.1: reports may "produce subsequent failure reports that
#    could cause mail loops": a report is never reported;
#  - RFC 9991 4 / RFC 6591 3.1 / RFC 5965 2: multipart/report;
#    report-type=feedback-report, a text/plain part, message/feedback-report
#    with Feedback-Type: auth-failure, Auth-Failure, Identity-Alignment
#    (REQUIRED), DKIM-Domain/-Selector for DKIM failures, and
#    text/rfc822-headers ("If the body of the message is not included",
#    Appendix A);
#  - FailureReports is off by default: nothing is sent, no header kept.
set -u
. "$srcdir/tests/harness/lib.sh"

td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir dmarc-reports-failure)
key=$(grep '^brisbane._domainkey.football' "$td/keytable.txt" | sed 's/^[^ ]* //')
long_spf="v=spf1$(i=0; while [ $i -lt 66 ]; do printf ' ip4:10.0.%d.0/24' $i; i=$((i + 1)); done) -all"
ruf() { echo "local-data: '_dmarc.$1. 300 IN TXT \"v=DMARC1; p=reject; ruf=$2$3\"'"; }
{
	for z in example net org; do echo "local-zone: \"$z.\" static"; done
	for d in fo0.example fo1.example fod.example fos.example psd.example psd2.example \
		ext.example rate.example rpt.example host.example mx.test.example; do
		echo "local-data: 'brisbane._domainkey.$d. 300 IN TXT \"$key\"'"
		echo "local-data: '$d. 300 IN TXT \"v=spf1 ip4:192.0.2.1 -all\"'"
	done
	echo "local-data: '_dmarc.mx.test.example. 300 IN TXT \"v=DMARC1; p=reject\"'"
	ruf fo0.example mailto:ruf@fo0.example ''
	ruf fo1.example mailto:ruf@fo1.example '; fo=1'
	ruf fod.example mailto:ruf@fod.example '; fo=d'
	ruf fos.example mailto:ruf@fos.example '; fo=s'
	# an SPF record of 1000+ octets (TXT strings of at most 255)
	echo "local-data: 'brisbane._domainkey.fol.example. 300 IN TXT \"$key\"'"
	echo "local-data: 'fol.example. 300 IN TXT $(printf '%s' "$long_spf" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ')'"
	ruf fol.example mailto:ruf@fol.example '; fo=s'
	ruf psd.example mailto:ruf@psd.example '; psd=y'
	# psd2: its records were written while it had no psd=y (below)
	ruf psd2.example mailto:ruf@psd2.example '; psd=y'
	ruf ext.example 'mailto:r@reports.example.net,mailto:x@unauth.example.org' ''
	echo "local-data: 'ext.example._report._dmarc.reports.example.net. 300 IN TXT \"v=DMARC1\"'"
	ruf rate.example mailto:ruf@rate.example ''
	ruf rpt.example mailto:ruf@rpt.example ''
	ruf host.example mailto:ruf@host.example ''
} > "$work/zones.conf"
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
dr="$MAILAUTH_BUILDDIR/dmarc-reports/dmarc-reports"
hist=$work/history out=$work/out
mkdir -p "$hist" "$out"
cat > "$work/base.conf" <<EOC
Database $work/reports.db
HistoryDir $hist
ReportOrganization Example Receiver
ReportEmail dmarc-noreply@mx.test.example
ResolverConfiguration $work/lib.conf
SignerConfig $work/signer.conf
EOC
{ cat "$work/base.conf"; printf 'FailureReports yes\nFailureReportRate 2\n'; } > "$work/on.conf"
printf 'rep mx.test.example:brisbane:%s\n' "$(cat "$td/rfc8463/brisbane.ed25519.seed.b64")" > "$work/KeyTable"
chmod 600 "$work/KeyTable"
printf '*@mx.test.example rep\n' > "$work/SigningTable"
printf 'KeyTable file:%s/KeyTable\nSigningTable refile:%s/SigningTable\nSyslog no\n' "$work" "$work" > "$work/signer.conf"
cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/ed.seed"

day=$(date -u -d 2026-12-01 +%s)
t=$((day + 36000))
n=0
# msg DOMAIN KIND [HEADER...]: a message From DOMAIN, as received by our
# MTA from 198.51.100.7; KIND good (signed), bad (signature broken),
# none (unsigned)
msg() {
	d=$1 kind=$2
	shift 2
	n=$((n + 1))
	{ printf 'From: Joe <joe@%s>\nTo: suzie@shopping.example.net\nSubject: dinner %s\n' "$d" "$n"
	  for h in "$@"; do printf '%s\n' "$h"; done
	  printf 'Message-ID: <%s@%s>\n\nWe lost the game.\n' "$n" "$d"; } > "$work/u$n.eml"
	if [ "$kind" = none ]; then cp "$work/u$n.eml" "$work/s$n.eml"
	else "$ac" dkim-sign --domain "$d" --selector brisbane --key "$work/ed.seed" \
		"$work/u$n.eml" > "$work/s$n.eml"; fi
	[ "$kind" = bad ] && sed -i 's/We lost/We won/' "$work/s$n.eml"
	{ printf 'Received: from c (c [198.51.100.7])\n\tby mx.test (Postfix) with ESMTP id M%s\n' "$n"
	  cat "$work/s$n.eml"; } > "$work/m$n.eml"
	M=$work/m$n.eml
}
rcv() { "$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" \
	--time "$t" --dmarc-history "$hist" --rcpt-to shopping.example.net "$@" > /dev/null; }
# SPF checked for the envelope (--ip/--mail-from: the aligned MAIL FROM)
spf() { rcv --ip "$1" --mail-from "bounce@$2" --helo c.example "$3"; }

# fo=0 (absent): DMARC fail (DKIM broken, no SPF) -> report
msg fo0.example bad
rcv --record-id fo0-fail --envelope-sender joe@fo0.example "$M"
# fo=0: SPF passes aligned, DKIM broken: DMARC passes -> none
msg fo0.example bad
spf 192.0.2.1 fo0.example "$M"
# fo=1: the same -> report (DKIM failed to produce an aligned pass)
msg fo1.example bad
spf 192.0.2.1 fo1.example "$M"
# fo=1: both pass aligned -> none
msg fo1.example good
spf 192.0.2.1 fo1.example "$M"
# fo=d: a broken signature -> report; an unsigned message -> none
msg fod.example bad
rcv "$M"
msg fod.example none
rcv "$M"
# fo=s: SPF fail -> report; SPF pass (DKIM broken) -> none
msg fos.example good
spf 203.0.113.9 fos.example "$M"
msg fos.example bad
spf 192.0.2.1 fos.example "$M"
# fo=s with an SPF record longer than a line may be (RFC 5322 2.1.1: 998)
msg fol.example good
spf 203.0.113.9 fol.example "$M"
# psd=y: no failure data recorded
msg psd.example bad
rcv "$M"
# external ruf: one authorized, one not
msg ext.example bad
rcv "$M"
# rate limit 2 per hour per address: four failures
msg rate.example bad
for i in 1 2 3 4; do rcv --record-id "rate-$i" "$M"; done
# reports are never reported (all fail DMARC for rpt.example)
msg rpt.example bad 'MIME-Version: 1.0' 'Content-Type: multipart/report; report-type=feedback-report; boundary="b"'
rcv "$M"
msg rpt.example bad 'Content-Type: Multipart/Report (x) ; report-type="delivery-status"; boundary=b'
rcv "$M"
msg rpt.example bad 'Content-Type: application/gzip; name="mx.example!rpt.example!1764547200!1764633599.xml.gz"'
rcv "$M"
# RFC 9990 5 Subject on an ordinary multipart/mixed
msg rpt.example bad 'Content-Type: multipart/mixed; boundary=b' 'X-Subject: x'
sed -i 's/^Subject: dinner .*/Subject: Report Domain: rpt.example Submitter: mx.example Report-ID: <1>/' "$work/m$n.eml"
rcv "$work/m$n.eml"
# hostile header: 8-bit text, a '<' and the report's own boundary prefix
# on a line, a line of 1200 octets
long=$(head -c 1200 /dev/zero | tr '\0' y)
msg host.example bad "$(printf 'X-Name: J\303\266rg <b@host.example>')" \
	'X-Text: --=_failure_ trick' "X-Long: $long"
rcv --record-id hostile --envelope-sender 'x<y>@host.example' "$M"

all=$(cat "$hist"/*)
fl() { printf '%s\n' "$all" | grep " hf=$1 " | grep -c ' fdue='; }
expect_eq "$(fl fo0.example)" 1 "fo=0: one of two messages may be reported (DMARCbis 4.7)"
expect_eq "$(fl fo1.example)" 1 "fo=1: DMARC pass with a DKIM failure is reported, a full pass not"
expect_eq "$(fl fod.example)" 1 "fo=d: a failed signature, not an unsigned message"
expect_eq "$(fl fos.example)" 1 "fo=s: SPF fail, not SPF pass"
expect_eq "$(fl psd.example)" 0 "psd=y: never (RFC 9991 section 2)"
expect_eq "$(fl rpt.example)" 0 "a report (multipart/report, aggregate shapes) is never reported (RFC 9991 5.1)"
expect_eq "$(printf '%s\n' "$all" | grep -c ' hf=rpt\.example ')" 4 "the reports still have their aggregate records"
expect_match "$(printf '%s\n' "$all" | grep ' hf=fos\.example ' | grep ' fdue=')" ' fdue=spf ' "fo=s: fdue=spf"
expect_match "$(printf '%s\n' "$all" | grep ' hf=fod\.example ' | grep ' fdue=')" ' fdue=dkim ' "fo=d: fdue=dkim"
expect_match "$(printf '%s\n' "$all" | grep ' hf=fo1\.example ' | grep ' fdue=')" ' fdue=dmarc ' "fo=1: fdue=dmarc"
# a record written while psd2.example had no psd=y (the record moved)
printf 'v=1 id=psd2 t=%s ip=198.51.100.7 hf=psd2.example pd=psd2.example rec=v%%3DDMARC1;%%20p%%3Dreject;%%20ruf%%3Dmailto:ruf@psd2.example da=n sa=n res=fail pol=reject disp=reject fdue=dmarc ruf=mailto:ruf@psd2.example hdr=From:%%20a@psd2.example%%0D%%0A\n' "$t" > "$hist/other.1.20261201.dmarc"

now=$((day + 86400 + 3600))
# FailureReports off (the default): aggregate side only, header dropped
cp -r "$hist" "$work/hist-copy"
"$dr" -c "$work/base.conf" --now $now import 2>/dev/null
expect_eq "$(sqlite3 "$work/reports.db" "SELECT count(*) FROM records WHERE line LIKE '% hdr=%'"):$(sqlite3 "$work/reports.db" 'SELECT count(*) FROM failures')" "0:0" \
	"FailureReports no: no header stored, no failure queued"
"$dr" -c "$work/base.conf" --now $now send --out "$out" 2>/dev/null
expect_eq "$(ls "$out" | grep -c '^failure')" 0 "FailureReports no: no failure report"
rm -f "$work/reports.db"* "$out"/*
cp "$work/hist-copy"/* "$hist"/

"$dr" -c "$work/on.conf" --now $now import 2>/dev/null
expect_eq $? 0 "import"
cp "$work/hist-copy"/* "$hist"/
"$dr" -c "$work/on.conf" --now $now import 2>/dev/null
expect_eq "$(sqlite3 "$work/reports.db" 'SELECT count(*) FROM failures')" 12 "twelve failures queued, once (re-import is idempotent)"
"$dr" -c "$work/on.conf" -v --now $now send --out "$out" > "$work/send.log" 2>&1
expect_eq $? 0 "send --out"
st() { sqlite3 "$work/reports.db" "SELECT state FROM failures WHERE policy_domain = '$1' ORDER BY id" | tr '\n' ' '; }
expect_eq "$(st psd2.example)" "psd " "psd=y at sending: refused"
expect_eq "$(st rate.example)" "sent sent rate-limited rate-limited " "FailureReportRate 2: two sent, RFC 9991 8.1 \"apply rate limiting ... (and the remainder discarded.)\""
expect_eq "$(st ext.example)" "sent " "external ruf"
f=$(ls "$out" | grep '^failure!' | sort)
expect_eq "$(echo "$f" | grep -c .)" 9 "nine failure reports (fo0, fo1, fod, fos, fol, ext, rate x2, hostile)"
expect_eq "$(ls "$out" | grep -vc '^failure!')" 0 "no aggregate report (no rua anywhere)"
python3 - "$out" > "$work/parsed" <<'PY'
import email, email.policy, email.utils, ipaddress, os, re, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.startswith('failure!'):
        continue
    raw = open(os.path.join(d, name), 'rb').read()
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    parts = m.get_payload()
    kinds = ' '.join(p.get_content_type() for p in parts)
    fb = parts[1].get_payload()
    fb = fb[0] if isinstance(fb, list) else email.message_from_string(fb)
    hdr = parts[2].get_payload(decode=True)
    bad = [l for l in raw.split(b'\n')[:20] if any(c > 126 for c in l)]
    # RFC 5965 3.1: Feedback-Type, User-Agent, Version "MUST appear
    # exactly once"; RFC 6591 3.1 / RFC 9991 4 item 1: Auth-Failure and
    # Identity-Alignment; 3.5 ABNF for the fields we write
    abnf = [f for f in ('Feedback-Type', 'User-Agent', 'Version', 'Auth-Failure',
                        'Authentication-Results', 'Identity-Alignment')
            if len(fb.get_all(f, [])) != 1]
    for f, rx in (('Original-Mail-From', r'<([^<>()\[\],;:\\" ]+@[A-Za-z0-9.-]+)?>'),
                  ('User-Agent', r'[!#-\'*+.0-9A-Z^-z|~-]+(/[!#-\'*+.0-9A-Z^-z|~-]+)?'),
                  ('Identity-Alignment', r'none|(dkim|spf)( *, *(dkim|spf))?'),
                  ('Source-IP', r'[0-9.]+|IPv6:[0-9A-Fa-f:.]+')):
        v = fb[f]
        if v is not None and not re.fullmatch(rx, v.strip()):
            abnf.append(f)
    if fb['Source-IP'] is not None:
        try:
            ipaddress.ip_address(fb['Source-IP'].strip().removeprefix('IPv6:'))
        except ValueError:
            abnf.append('Source-IP')
    if email.utils.parsedate_to_datetime(fb['Arrival-Date']) is None:
        abnf.append('Arrival-Date')
    # RFC 5322 2.1.1: lines "MUST be no more than 998 characters"
    if any(len(l.rstrip(b'\r')) > 998 for l in raw.split(b'\n')):
        abnf.append('998')
    print(name.split('!')[1], m.get_content_type(), m.get_param('report-type'), kinds,
          '|to=' + ','.join(a.strip() for a in m['To'].split(',')),
          '|ft=' + str(fb['Feedback-Type']), '|af=' + str(fb['Auth-Failure']),
          '|ia=' + str(fb['Identity-Alignment']), '|dd=' + str(fb['DKIM-Domain']),
          '|ds=' + str(fb['DKIM-Selector']), '|di=' + str(fb['DKIM-Identity']), '|omf=' + str(fb['Original-Mail-From']),
          '|ip=' + str(fb['Source-IP']), '|rd=' + str(fb['Reported-Domain']),
          '|ver=' + str(fb['Version']), '|spfdns=' + re.sub(r'\r?\n', '', str(fb['SPF-DNS'])),
          '|cte=' + str(parts[2]['Content-Transfer-Encoding']),
          '|hdrfrom=' + str(b'\nFrom: Joe <joe@' in b'\n' + hdr),
          '|body=' + str(b'We lost' in raw or b'We won' in raw),
          '|defects=' + str(len(m.defects) + sum(len(p.defects) for p in parts)),
          '|8bit-in-header=' + str(len(bad)),
          '|abnf=' + ','.join(abnf))
PY
p=$(cat "$work/parsed")
echo "$p" | sed 's/^/# /'
exp_all='multipart/report feedback-report text/plain message/feedback-report text/rfc822-headers'
expect_eq "$(echo "$p" | grep -c "^[a-z0-9.]* $exp_all |")" 9 \
	"RFC 5965 2: multipart/report; report-type=feedback-report with text/plain, message/feedback-report, text/rfc822-headers"
expect_eq "$(echo "$p" | grep -c '|ft=auth-failure |')" 9 "Feedback-Type: auth-failure (RFC 6591 3.1)"
expect_eq "$(echo "$p" | grep -c '|ver=1 |')" 9 "Version: 1 (RFC 5965 3.1)"
expect_eq "$(echo "$p" | grep -c '|hdrfrom=True |body=False |defects=0 |8bit-in-header=0 ')" 9 \
	"the original header, never the body; no MIME defects; the report's header stays ASCII"
expect_eq "$(echo "$p" | grep -c '|abnf=$')" 9 \
	"RFC 5965 3.1: Feedback-Type, User-Agent, Version exactly once, Auth-Failure, A-R, Identity-Alignment once; 3.5 ABNF of Original-Mail-From, Source-IP, Arrival-Date; no line over 998 (RFC 5322 2.1.1)"
expect_match "$p" '^fo0\.example .*\|to=ruf@fo0\.example \|.*\|af=dmarc \|ia=dkim, spf \|dd=fo0\.example \|ds=brisbane \|di=@fo0\.example \|omf=<joe@fo0\.example> \|ip=198\.51\.100\.7 \|rd=fo0\.example ' \
	"fo=0 report: Auth-Failure dmarc, Identity-Alignment dkim, spf, DKIM-Domain/-Selector, Original-Mail-From"
expect_match "$p" '^fo1\.example .*\|af=dmarc \|ia=dkim \|dd=fo1\.example \|ds=brisbane ' "fo=1: only DKIM failed to align"
expect_match "$p" '^fod\.example .*\|af=signature \|' "fo=d: Auth-Failure signature (RFC 6591 3.1)"
expect_match "$p" '^fos\.example .*\|af=spf \|.*\|spfdns=txt : fos\.example : "v=spf1 ip4:192\.0\.2\.1 -all" ' \
	"fo=s: Auth-Failure spf with SPF-DNS (RFC 9991 4 item 1)"
spf_rx=$(printf '%s' "$long_spf" | sed 's/[./]/\\&/g')
expect_match "$p" '^fol\.example .*\|af=spf \|.*\|spfdns=txt : fol\.example : "'"$spf_rx"'" \|' \
	"fo=s, an SPF record of ${#long_spf} octets: SPF-DNS folded at its spaces (RFC 5322 3.2.4 FWS in the quoted-string), the record unchanged once unfolded"
expect_match "$p" '^ext\.example .*\|to=r@reports\.example\.net \|' "external ruf: only the authorized destination"
expect_match "$p" '^host\.example .*\|omf=None \|.*\|cte=base64 \|' \
	"hostile header (8-bit, the boundary prefix, a 1200-octet line): sent base64; MAIL FROM x<y>@host.example is no RFC 5321 Mailbox: no Original-Mail-From"
expect_no_match "$(cat "$work/send.log")" 'unauth\.example\.org.*sent|to x@unauth' "never to the unauthorized destination"
# every report verifies with an independent DKIM verifier (dkimpy)
for e in $(ls "$out" | grep '^failure!'); do
	/usr/bin/python3 - "$out/$e" "$key" <<'PY' || echo "dkimpy: $e"
import sys, dkim
rec = sys.argv[2].strip('"')
def txt(name, timeout=5):
    return rec.encode() if name.decode().rstrip('.') == 'brisbane._domainkey.mx.test.example' else None
sys.exit(0 if dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=txt) else 1)
PY
done > "$work/dkim.log"
expect_eq "$(cat "$work/dkim.log")" "" "dkimpy verifies every failure report's signature"
# exactly once; show lists them
"$dr" -c "$work/on.conf" --now $((now + 7200)) send --out "$out" 2>/dev/null
expect_eq "$?:$(ls "$out" | grep -c '^failure!')" "0:9" "a second send sends nothing again"
shown=$("$dr" -c "$work/on.conf" show)
expect_match "$shown" '^FAILURE REPORTS$' "show: failure reports listed"
expect_match "$shown" '^2026-12-01 10:00 +rate\.example +rate-limited +1 *$' "show: rate-limited one"
expect_match "$shown" '^2026-12-01 10:00 +fo0\.example +sent +1 +ruf@fo0\.example$' "show: sent one with its address"
# the rate limit is per hour: an hour later the next one goes out
printf 'v=1 id=rate-5 t=%s ip=198.51.100.7 hf=rate.example pd=rate.example da=n sa=n res=fail pol=reject disp=reject fdue=dmarc ruf=mailto:ruf@rate.example hdr=From:%%20a@rate.example%%0D%%0A\n' $((t + 1)) > "$hist/other.2.20261201.dmarc"
# a record with CR/LF in its address and client IP (as a broken or
# hostile writer could leave): nothing of it reaches a header line
printf 'v=1 id=evil t=%s ip=192.0.2.5%%0D%%0ABcc:%%20a@evil.example hf=host.example pd=host.example da=n sa=n res=fail pol=reject disp=reject fdue=dmarc omf=a@b.example%%0D%%0ABcc:%%20a@evil.example hdr=X:%%20y%%0D%%0A\n' $((t + 2)) >> "$hist/other.2.20261201.dmarc"
"$dr" -c "$work/on.conf" --now $((now + 7200)) import 2>/dev/null
"$dr" -c "$work/on.conf" --now $((now + 7200)) send --out "$out" 2>/dev/null
expect_eq "$(st rate.example)" "sent sent rate-limited rate-limited sent " "the next hour: sent again"
expect_eq "$(st host.example)" "sent sent " "the hostile record is reported too"
expect_eq "$(grep -l '^Bcc:' "$out"/failure* | wc -l)" 0 "CR/LF in a record's values never makes a header line"
expect_eq "$(grep -l 'evil\.example' "$out"/failure* | wc -l)" 0 "the hostile values are left out"
finish
