#!/bin/sh
# postfix-dovecot-chain.sh - the whole inbound chain on loopback: a
# private Postfix (tests/harness/postfix.sh) whose smtpd asks spf-policyd (standalone daemon,
# Header_Type = AR, the same authserv-id as dkimcheck) at RCPT time and
# delivers over LMTP to a private Dovecot with the dkimcheck plugin
# (configs/dovecot), everything installed by `make install DESTDIR=...`,
# DNS from a real unbound.  The SPF verdict travels from RCPT time to
# DMARC at delivery (RFC 9989 4.4.2: SPF-authenticated identifier), and a
# forged spf=pass inside the message is not believed (RFC 8601 5).
#
# Needs root; exit 77 (SKIP) otherwise, or without Postfix/Dovecot/swaks.
# In the sanitizer build the ASan runtime is preloaded into Dovecot's
# processes (as in dovecot-dkimcheck.sh) and any report fails the test.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"
. "$srcdir/tests/harness/postfix.sh"

harness_need_root "to run private Postfix and Dovecot instances"
harness_need /usr/sbin/postfix /usr/sbin/dovecot /usr/bin/swaks

BASE=$(harness_tmpdir chain)
ub_pid= daemon_pid=
cleanup() {
	pf_stop
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $daemon_pid $ub_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

# --- installed programs and plugin ---
dovecot_plugin_install "$BASE/inst"
policyd=$harness_sbindir/spf-policyd
dovecot_sanitizer_conf "$dovecot_plugin_so" "$BASE/sanitizer.conf" \
	"$BASE/sanlog" || fail "dovecot_sanitizer_conf"

# --- DNS: SPF and DMARC records (no DKIM: SPF alone decides) ---
{
	echo 'local-zone: "test." static'
	echo "local-data: 'chain.test. 300 IN TXT \"v=spf1 ip4:192.0.2.1 ~all\"'"
	echo "local-data: '_dmarc.chain.test. 300 IN TXT \"v=DMARC1; p=reject\"'"
} > "$BASE/zones.conf"
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# --- Dovecot with the shipped snippet ---
dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 3s ||
	fail "dovecot_dkimcheck_init"
dovecot_user alice
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" || fail "Dovecot did not start"

# --- spf-policyd: the shipped config as it is (it writes
# Authentication-Results: Header_Type = AR, so that dkimcheck gets the SPF
# result for DMARC without a change), with this test's authserv-id ---
pf_init "$BASE/pf" || fail "pf_init"
sock=$PF_BASE/run/spf-policyd.sock
sed -e "s|^listen = .*|listen = unix:$sock|" -e "s|^user = .*|user = nobody|" \
	"$MAILAUTH_BUILDDIR/configs/spf-policyd.conf" > "$PF_BASE/etc/spf-policyd.conf"
cat >> "$PF_BASE/etc/spf-policyd.conf" <<CONF
resolver_config = $BASE/resolver.conf
Authserv_Id = mx.test.example
dns_timeout = 2s
CONF
chmod 644 "$PF_BASE/etc/spf-policyd.conf"
"$policyd" -e -c "$PF_BASE/etc/spf-policyd.conf" </dev/null >"$PF_BASE/log/policyd.log" 2>&1 &
daemon_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || { cat "$PF_BASE/log/policyd.log"; fail "spf-policyd did not listen"; }

# --- Postfix (tests/harness/postfix.sh): smtpd -> policy -> the virtual
# domain delivered by lmtp(8) to Dovecot ---
port=$(pf_free_port)
{
	pf_main_cf
	echo "virtual_transport = lmtp:inet:127.0.0.1:$dovecot_lmtp_port"
	sed -e "s|unix:private/spf-policyd|unix:$sock|" "$MAILAUTH_BUILDDIR/configs/spf-policyd-main.cf"
} > "$PF_BASE/etc/main.cf"
pf_mailbox alice@test.example
{
	echo "127.0.0.1:$port inet n - n - - smtpd"
	echo "  -o smtpd_authorized_xclient_hosts=127.0.0.1"
	pf_master_cf_stock
} > "$PF_BASE/etc/master.cf"
pf_start || fail "Postfix did not start"

# send CASE CLIENT-IP [HEADER]: through smtpd with XCLIENT
send() {
	swaks --server "127.0.0.1:$port" --helo mail.chain.test --from u@chain.test \
		--to alice@test.example --xclient-addr "$2" \
		--xclient-name '[UNAVAILABLE]' --xclient-reverse-name '[UNAVAILABLE]' \
		--header-From 'Chain <u@chain.test>' --header "Subject: $1" \
		${3:+--add-header "$3"} --body "case $1" 2>&1
}
# delivered CASE: mailbox, flags and header over IMAP (waits up to 15 s)
delivered() {
	i=0
	while [ $i -lt 150 ]; do
		if out=$(/usr/bin/python3 "$srcdir/tests/harness/imap-read.py" "$dovecot_imap_port" alice "$1"); then
			printf '%s\n' "$out" | awk '/^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
				NR > 1 { print "" } { printf "%s", $0 } END { print "" }'
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "(case $1 not delivered)"
	return 1
}
ours() { printf '%s\n' "$1" | grep '^Authentication-Results: mx\.test\.example;'; }

# 1. SPF pass at RCPT (192.0.2.1 is listed) -> spf-policyd's field ->
# dkimcheck believes it; From chain.test aligned with the MAIL FROM
# domain -> dmarc=pass (RFC 9989 4.4.2) though nothing is signed
out=$(send spfpass 192.0.2.1)
expect_match "$out" '^<- +250 .*queued as' "SPF pass: accepted by Postfix"
got=$(delivered spfpass)
expect_match "$(ours "$got")" 'spf=pass smtp\.mailfrom=chain\.test; dkim=none; dmarc=pass \(p=reject dis=none\) header\.from=chain\.test' "SPF pass travels to DMARC: dmarc=pass"
expect_eq "$(ours "$got" | wc -l)" 1 "one field with our id (spf-policyd's replaced)"
expect_match "$got" '^mailbox=INBOX$' "SPF pass: INBOX"

# 2. SPF softfail at RCPT (an unlisted client) and a forged spf=pass in
# the message: the policyd's field is on top and wins; the forged one
# is removed -> dmarc=fail, p=reject -> Junk
out=$(send softfail 198.51.100.7 'Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=chain.test')
expect_match "$out" '^<- +250 .*queued as' "softfail: accepted by Postfix"
got=$(delivered softfail)
expect_match "$(ours "$got")" 'spf=softfail smtp\.mailfrom=chain\.test; dkim=none; dmarc=fail \(p=reject dis=reject\)' "forged spf=pass not believed: dmarc=fail"
expect_eq "$(ours "$got" | wc -l)" 1 "the forged field is gone"
expect_match "$got" '^mailbox=Junk$' "softfail: Junk"
expect_match "$got" '^flags=\$DMARC_Fail \$Junk$' "softfail: keywords"

expect_no_match "$(cat "$dovecot_log")" 'Panic|Fatal|verification failed' "Dovecot log clean"
expect_match "$(cat "$PF_BASE/log/postfix.log")" 'relay=127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+, .*status=sent' "Postfix delivered over LMTP"
expect_no_match "$(cat "$PF_BASE/log/postfix.log")" 'status=(deferred|bounced)' "nothing deferred or bounced"

pf_stop
expect_eq "$?" 0 "Postfix stopped, no process left"
dovecot_stop
expect_eq "$?" 0 "Dovecot stopped, no process left"
"$srcdir/tests/harness/stop-pid.sh" "$daemon_pid"
daemon_pid=
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
finish
