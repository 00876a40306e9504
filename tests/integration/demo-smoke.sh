#!/bin/sh
# demo-smoke.sh - scripts/demo.sh as a smoke test: the whole stack
# (unbound, spf-policyd, Postfix with dkim-signer, Dovecot with dkimcheck)
# on loopback with this build installed into a scratch directory, six
# messages, and every row of its table as the RFCs say (the expected
# values and their reasons are in scripts/demo.sh; the demo exits 0 only
# when every row matched), then the DMARC aggregate reports of those
# messages (dmarc-reports import and send) read back from the rua mailbox.  About 20 s, most of it the 5 s DNS time
# budget of row 5 and Postfix's start.
#
# Needs root; exit 77 (SKIP) otherwise, and without Postfix, Dovecot,
# swaks with TLS (libnet-ssleay-perl) or the Dovecot plugin.  In the
# sanitizer build the demo preloads the ASan runtime into Dovecot (as the
# other Dovecot tests do) and fails on any sanitizer report.
set -u
. "$srcdir/tests/harness/lib.sh"

harness_need_root "to run private Postfix and Dovecot instances"
harness_need /usr/sbin/postfix /usr/sbin/dovecot /usr/sbin/unbound /usr/bin/swaks /usr/bin/openssl
swaks --support 2>&1 | grep -q 'TLS supported' ||
	{ echo "SKIP: swaks without TLS (apt-get install libnet-ssleay-perl)"; exit 77; }
[ -f "$MAILAUTH_BUILDDIR/dovecot-plugin/lib90_dkimcheck_plugin.la" ] ||
	{ echo "SKIP: the build has no Dovecot plugin"; exit 77; }

out=$(MAILAUTH_DEMO_NO_BUILD=1 "$srcdir/scripts/demo.sh" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
expect_eq "$rc" 0 "scripts/demo.sh exits 0"
for n in 1 2 3 4 5 6; do
	expect_match "$out" "^$n  .*  ok\$" "row $n as expected"
done
# row 7 (issue 18 item 6): the DMARC aggregate report dmarc-reports sent
# for bank.test, read back from its rua mailbox: sent, valid against
# RFC 9990's XSD, DKIM-signed for home.test and verified by dkimcheck and
# dkimpy, DMARC pass (RFC 9990 5), delivered to INBOX
expect_match "$out" "^7  dmarc-reports send: bank\.test's report +sent, XSD-valid +spf=pass dkim=pass(,pass)? dmarc=pass\\(p=none\\) +INBOX +ok\$" "row 7: bank.test's aggregate report as expected"
# row 8 (issue 19 item 5): row 7's report, delivered to the rua mailbox
# (dkimcheck_report_ingest = yes), was read at delivery, imported, and
# dmarc-reports summary printed bank.test's line and wrote the HTML page
expect_match "$out" "^8  reports in: row 7's report, read at delivery +ingested, imported +.*bank\\.test.* +/.*/summary\\.html +ok\$" "row 8: bank.test's report read at delivery, summary line and page"
expect_match "$out" '^demo: all 8 rows as expected$' "all 8 rows"
expect_match "$out" '^Everything stopped\.' "everything stopped"
dir=$(printf '%s\n' "$out" | sed -n 's|^Everything stopped\.  Logs: \(/tmp/mailauth-demo-[A-Za-z0-9]*\)/logs/.*|\1|p')
expect_match "$dir" '^/tmp/mailauth-demo-' "the demo names its scratch directory"
expect_eq "$(ps -eo args= | grep -F "${dir:-/nonexistent}/" | grep -v grep)" "" "no process of the demo left"
if [ "$_failed" = 0 ] && [ -n "$dir" ] && [ "${KEEP:-0}" != 1 ]; then
	rm -rf "$dir"
fi
finish
