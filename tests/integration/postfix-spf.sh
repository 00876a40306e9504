#!/bin/sh
# postfix-spf.sh - spf-policyd behind a real private Postfix instance on
# loopback (tests/harness/postfix.sh), with a real unbound serving the SPF zones
# (tests/fixtures/policyd-zones.conf).  Uses the shipped configs/ files,
# as installed by make install DESTDIR= under $(docdir)/examples
# (main.cf snippet, master.cf spawn entry, spf-policyd.conf) with only
# the paths substituted.  Two smtpd services: one asks the standalone
# daemon (started here), one asks spawn(8) mode.  Mail is sent with swaks
# through XCLIENT so that the client address can be chosen; accepted mail
# is read back from the virtual(8) Maildir.
#
# Needs root (Postfix); exit 77 (SKIP) otherwise.  Everything started is
# stopped by PID on exit and checked to be gone.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/install.sh"
. "$srcdir/tests/harness/dovecot.sh"
. "$srcdir/tests/harness/postfix.sh"

harness_need_root "to run a private Postfix instance"
harness_need /usr/sbin/postfix /usr/bin/swaks

BASE=$(harness_tmpdir postfix-spf)
ub_pid= daemon_pid= both_pid= master_pid=

cleanup() {
	[ -n "${dovecot_pid:-}" ] && dovecot_stop >/dev/null 2>&1
	"$srcdir/tests/harness/stop-pid.sh" $daemon_pid $both_pid $ub_pid
	# the instance and whatever is left of it (smtpd, spawn children)
	pf_stop >/dev/null 2>&1
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

pf_init "$BASE" || fail "pf_init failed"
uid=$(id -u nobody)
# spawn(8) children run as nobody: pf_stop checks for them too
PF_FILTER_UID=$uid

# spawn(8) runs spf-policyd as nobody, who may not reach the build tree
# (a clone under /root is mode 0700): use an installed copy
harness_install "$BASE/inst" >/dev/null || fail "make install into $BASE/inst failed"
policyd=$harness_sbindir/spf-policyd
[ -x "$policyd" ] || fail "no $policyd after make install"
# the shipped configs, as installed (paths substituted by make from the
# real sbindir/sysconfdir: mk/configs.am); the test runs these very files
ex=$(find "$harness_destdir" -type d -path '*/examples/spf-policyd' | head -1)
[ -f "$ex/spf-policyd-main.cf" ] || fail "examples not installed under \$(docdir)/examples/spf-policyd"
real_sbindir=${harness_sbindir#"$harness_destdir"}
real_sysconfdir=${harness_sysconfdir#"$harness_destdir"}
expect_eq "$(grep -l '@[a-z]*@' "$ex"/* 2>/dev/null)" "" "installed examples: every @dir@ substituted"
expect_match "$(cat "$ex/spf-policyd-master.cf")" "argv=$real_sbindir/spf-policyd -c $real_sysconfdir/mailauth/spf-policyd.conf\$" "master.cf example names the installed program"
expect_match "$(cat "$ex/spf-policyd.service")" "^ExecStart=$real_sbindir/spf-policyd " "systemd unit names the installed program"
expect_eq "$(sed -n '/^smtpd_recipient_restrictions/,/^$/p' "$ex/spf-policyd-main.cf" | tr -d '\t ,' | tr '\n' ' ')" \
	"smtpd_recipient_restrictions= permit_mynetworks permit_sasl_authenticated reject_unauth_destination check_policy_serviceunix:private/spf-policyd  " \
	"main.cf example: permit_mynetworks, permit_sasl_authenticated, relay check, then the policy (Postfix's order)"

# --- DNS ---
harness_unbound "$BASE/unbound" \
	"$srcdir/tests/fixtures/policyd-zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/etc/resolver.conf"
chmod 644 "$BASE/etc/resolver.conf"

# --- spf-policyd config: the shipped file, paths substituted, plus the
# test's resolver, short time limits and pypolicyd-spf's Received-SPF
# field, which these checks read (later lines override; the shipped
# file writes Authentication-Results, postfix-dovecot-chain.sh) ---
sock="$BASE/run/spf-policyd.sock"
sed -e "s|^listen = .*|listen = unix:$sock|" -e "s|^user = .*|user = nobody|" \
	"$ex/spf-policyd.conf" > "$BASE/etc/spf-policyd.conf"
cat >> "$BASE/etc/spf-policyd.conf" <<CONF
resolver_config = $BASE/etc/resolver.conf
Header_Type = SPF
Authserv_Id = mx.test.example
Whitelist = 203.0.113.0/24
dns_timeout = 2s
request_timeout = 10s
CONF
chmod 644 "$BASE/etc/spf-policyd.conf"

out=$("$policyd" -n -c "$BASE/etc/spf-policyd.conf" 2>&1)
expect_eq "$?:$out" "0:" "spf-policyd -n accepts the shipped config"
printf 'HELO_reject = Sometimes\n' > "$BASE/etc/bad.conf"
out=$("$policyd" -n -c "$BASE/etc/bad.conf" 2>&1)
expect_match "$out" "bad.conf:1: HELO_reject: " "a bad value is FILE:LINE: option: problem"

# --- the standalone daemon (stdin is not a socket: daemon mode) ---
"$policyd" -e -c "$BASE/etc/spf-policyd.conf" </dev/null >"$BASE/log/daemon.log" 2>&1 &
daemon_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || { tail -20 "$BASE/log/daemon.log"; fail "spf-policyd did not listen"; }
expect_eq "$(ps -o uid= -p "$daemon_pid" | tr -d ' ')" "$uid" "daemon dropped root for user = nobody"
# a second daemon with Header_Type = both (--listen overrides listen)
both="$BASE/run/both.sock"
"$policyd" -e -c "$BASE/etc/spf-policyd.conf" -o Header_Type=both \
	--listen "unix:$both" </dev/null >"$BASE/log/both.log" 2>&1 &
both_pid=$!
i=0
while [ ! -S "$both" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$both" ] || { tail -20 "$BASE/log/both.log"; fail "second spf-policyd (Header_Type = both) did not listen"; }

# --- Postfix ---
port_d=$(pf_free_port) port_s=$(pf_free_port) port_b=$(pf_free_port)
port_x=$(pf_free_port)
# SPF trust (issue 8 item 9): SASL (Dovecot's auth service on loopback),
# SASL with the policy asked first, and a submission port without it
port_sasl=$(pf_free_port) port_sasl2=$(pf_free_port) port_sub=$(pf_free_port)
auth_port=$(pf_free_port)
# the harness's instance (virtual(8) Maildirs owned by nobody)
pf_main_cf "$uid" > "$BASE/etc/main.cf"
# the shipped main.cf snippet; the daemon socket is outside the spool
sed -e "s|unix:private/spf-policyd|unix:$sock|" "$ex/spf-policyd-main.cf" >> "$BASE/etc/main.cf"
pf_mailbox alice@test.example bob@test.example

cat > "$BASE/etc/master.cf" <<CF
127.0.0.1:$port_d inet n - n - - smtpd
  -o syslog_name=postfix/inbound
  -o smtpd_authorized_xclient_hosts=127.0.0.1
127.0.0.1:$port_x inet n - n - - smtpd
  -o syslog_name=postfix/inbound-policy-only
  -o smtpd_authorized_xclient_hosts=127.0.0.1
  -o { smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:$sock }
127.0.0.1:$port_s inet n - n - - smtpd
  -o syslog_name=postfix/inbound-spawn
  -o smtpd_authorized_xclient_hosts=127.0.0.1
  -o { smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:private/spf-policyd }
127.0.0.1:$port_b inet n - n - - smtpd
  -o syslog_name=postfix/inbound-both
  -o smtpd_authorized_xclient_hosts=127.0.0.1
  -o { smtpd_recipient_restrictions = reject_unauth_destination, check_policy_service unix:$both, check_policy_service unix:$both }
127.0.0.1:$port_sasl inet n - n - - smtpd
  -o syslog_name=postfix/sasl
  -o mynetworks=192.0.2.250/32
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_type=dovecot
  -o smtpd_sasl_path=inet:127.0.0.1:$auth_port
127.0.0.1:$port_sasl2 inet n - n - - smtpd
  -o syslog_name=postfix/sasl-policy-first
  -o mynetworks=192.0.2.250/32
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_type=dovecot
  -o smtpd_sasl_path=inet:127.0.0.1:$auth_port
  -o { smtpd_recipient_restrictions = check_policy_service unix:$both, check_policy_service unix:$both, permit_sasl_authenticated, reject }
127.0.0.1:$port_sub inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_authorized_xclient_hosts=127.0.0.1
  -o smtpd_recipient_restrictions=reject_unauth_destination
CF
# the shipped spawn entry (uncommented lines only), paths substituted
grep -v '^#' "$ex/spf-policyd-master.cf" | sed \
	-e "s|user=spf-policyd|user=nobody|" \
	-e "s|$real_sbindir/spf-policyd|$policyd|" \
	-e "s|$real_sysconfdir/mailauth/spf-policyd.conf|$BASE/etc/spf-policyd.conf|" >> "$BASE/etc/master.cf"
pf_master_cf_stock >> "$BASE/etc/master.cf"

# Dovecot's auth service for the SASL smtpd services (user bob, password
# "secret"), reached over TCP on loopback
mkdir -p "$BASE/dovecot-modules"
dovecot_init "$BASE/dovecot" "$BASE/dovecot-modules" || fail "dovecot_init"
dovecot_user bob
cat > "$BASE/dovecot/etc/auth.conf" <<CONF
service auth {
  inet_listener auth-postfix {
    port = $auth_port
  }
}
CONF
dovecot_start "$BASE/dovecot/etc/auth.conf" || fail "Dovecot (SASL) did not start"

pf_start || fail "postfix check/start failed"
master_pid=$PF_MASTER_PID

# send PORT CASE HELO FROM ADDR [more swaks args]: prints the transcript
send() {
	port=$1 case=$2 helo=$3 from=$4 addr=$5
	shift 5
	swaks --server "127.0.0.1:$port" --helo "$helo" --from "$from" \
		--to alice@test.example --xclient-addr "$addr" \
		--xclient-name '[UNAVAILABLE]' --xclient-reverse-name '[UNAVAILABLE]' \
		--header "Subject: $case" --body "case $case" "$@" 2>&1
}

# delivered CASE: the delivered message of that case (waits up to 10 s)
delivered() {
	if f=$(pf_delivered alice test.example "^Subject: $1\$" 10); then
		cat "$f"
		return 0
	fi
	echo "(case $1 not delivered)"
	return 1
}

# --- the cases, through the standalone daemon ---
out=$(send "$port_d" pass mail.spf.test u@pass.spf.test 192.0.2.1)
expect_match "$out" '^<- +250 .*queued as' "pass: accepted"
msg=$(delivered pass)
expect_match "$msg" '^Received-SPF: pass .*client-ip=192\.0\.2\.1; envelope-from="u@pass\.spf\.test"; helo=mail\.spf\.test;' "pass: Received-SPF header (RFC 7208 9.1)"

out=$(send "$port_d" fail mail.spf.test u@fail.spf.test 192.0.2.1)
expect_match "$out" '^<\*\* +550 5\.7\.23 <alice@test\.example>: Recipient address rejected: 192\.0\.2\.1 is not a mail server of fail\.spf\.test' "fail: 550 5.7.23 with the domain's exp= text at RCPT"

out=$(send "$port_d" softfail mail.spf.test u@softfail.spf.test 192.0.2.1)
expect_match "$out" '^<- +250 .*queued as' "softfail: accepted"
msg=$(delivered softfail)
expect_match "$msg" '^Received-SPF: softfail ' "softfail: header in the delivered message"

out=$(send "$port_d" neutral mail.spf.test u@neutral.spf.test 192.0.2.1)
msg=$(delivered neutral)
expect_match "$msg" '^Received-SPF: neutral ' "neutral: accepted with header"

out=$(send "$port_d" temperror mail.spf.test u@temperror.example 192.0.2.1)
expect_match "$out" '^<\*\* +450 4\.7\.24 .*SPF temperror' "temperror (SERVFAIL): 450 4.7.24"

out=$(send "$port_d" permerror mail.spf.test u@permerror.spf.test 192.0.2.1)
expect_match "$out" '^<- +250 .*queued as' "permerror: accepted (PermError_reject = False)"
msg=$(delivered permerror)
expect_match "$msg" '^Received-SPF: permerror .*problem=' "permerror: header with problem="

out=$(send "$port_d" none mail.spf.test u@nospf.spf.test 192.0.2.1)
msg=$(delivered none)
expect_match "$msg" '^Received-SPF: none ' "none: accepted with header"

out=$(send "$port_d" helofail badhelo.spf.test u@pass.spf.test 192.0.2.1)
expect_match "$out" '^<\*\* +550 5\.7\.23 .*badhelo\.spf\.test' "HELO fail: rejected before MAIL FROM is looked at"

# (the daemon is asked: on a service whose restrictions have no
# permit_sasl_authenticated before it; with the shipped order Postfix
# 3.10 lets an XCLIENT LOGIN= client pass before the policy, 3.7 asks the
# policy when smtpd_sasl_auth_enable is off)
out=$(send "$port_x" sasl mail.spf.test u@fail.spf.test 192.0.2.1 --xclient-login bob)
expect_match "$out" '^<- +250 .*queued as' "SASL-authenticated client (XCLIENT LOGIN=): not checked"
msg=$(delivered sasl)
expect_match "$msg" '^Received-SPF: none \(not checked: SASL authenticated\) ' "SASL-authenticated client: a field saying it was not checked"

out=$(send "$port_d" whitelist mail.spf.test u@fail.spf.test 203.0.113.9)
expect_match "$out" '^<- +250 .*queued as' "Whitelist client: not checked"

out=$(swaks --server "127.0.0.1:$port_d" --helo mail.spf.test --from u@pass.spf.test \
	--to alice@test.example,bob@test.example --xclient-addr 192.0.2.1 \
	--xclient-name '[UNAVAILABLE]' --header "Subject: tworcpt" 2>&1)
msg=$(delivered tworcpt)
expect_eq "$(printf '%s\n' "$msg" | grep -c '^Received-SPF:')" 1 "two recipients: one header (same instance answered DUNNO)"

# --- Header_Type = both: the service listed twice gives both fields ---
out=$(send "$port_b" both mail.spf.test u@pass.spf.test 192.0.2.1)
msg=$(delivered both)
expect_match "$msg" '^Received-SPF: pass ' "Header_Type = both: Received-SPF"
expect_match "$msg" '^Authentication-Results: mx\.test\.example; spf=pass smtp\.mailfrom=pass\.spf\.test; spf=pass smtp\.helo=mail\.spf\.test$' "Header_Type = both: Authentication-Results (RFC 8601)"

# probe 2026-12 F11: a 1500-octet HELO name (smtpd takes up to
# line_length_limit, 2048) through real Postfix: both fields arrive as
# one line each (the policy answer has no folds and Postfix adds none)
# of at most 998 octets (RFC 5322 2.1.1), the cut value marked "...".
# (Postfix's own Received field carries the whole name: not ours.)
long=$(printf '%0300d' 0 | sed 's/0/abcd./g')z
out=$(send "$port_b" longhelo "$long" u@pass.spf.test 192.0.2.1)
expect_match "$out" '^<- +250 .*queued as' "1500-octet HELO: accepted"
msg=$(delivered longhelo)
expect_match "$msg" '^Received-SPF: pass .* helo="abcd\.abcd\..*\.\.\.";' "1500-octet HELO: Received-SPF with the HELO cut"
expect_match "$msg" '^Authentication-Results: mx\.test\.example; spf=pass smtp\.mailfrom=pass\.spf\.test; spf=none smtp\.helo="?abcd\..*\.\.\."?$' "1500-octet HELO: Authentication-Results with the HELO cut"
expect_eq "$(printf '%s\n' "$msg" | grep -E '^(Received-SPF|Authentication-Results):' | tr -d '\r' | LC_ALL=C awk 'length($0) > 998' | wc -l)" 0 "1500-octet HELO: neither field is over 998 octets"

# --- spawn(8) mode ---
out=$(send "$port_s" spawnfail mail.spf.test u@fail.spf.test 192.0.2.1)
expect_match "$out" '^<\*\* +550 5\.7\.23 ' "spawn mode: fail rejected"
out=$(send "$port_s" spawnpass mail.spf.test u@inc.spf.test 192.0.2.1)
msg=$(delivered spawnpass)
expect_match "$msg" '^Received-SPF: pass .*mechanism="include:inc2\.spf\.test";' "spawn mode: pass through a 3-deep include"

# --- SPF trust (issue 8 item 9, RFC 8601 section 5): a client the policy
# service does not check sends a forged "spf=pass" field with our
# authserv-id; what the Dovecot plugin's reader (lib/msgauth/msgauth.c,
# tests/trusted-spf) trusts in the delivered message must not be pass.
# The forged field travels inside the message, below smtpd's Received.
forged="Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=pass.spf.test"
trusted() { "$MAILAUTH_BUILDDIR/tests/trusted-spf" mx.test.example; }

# (1) SASL: Postfix's order (permit_sasl_authenticated before the policy)
out=$(swaks --server "127.0.0.1:$port_sasl" --helo mail.spf.test --from u@fail.spf.test \
	--to alice@test.example --auth PLAIN --auth-user bob --auth-password secret \
	--header "Subject: trust-sasl" --add-header "$forged" --body x 2>&1)
expect_match "$out" '^<- +235 ' "trust: SASL client authenticated (Dovecot SASL)"
msg=$(delivered trust-sasl)
expect_match "$(printf '%s\n' "$msg" | trusted)" '^spf=none found=no forged=1$' "trust: SASL client's forged spf=pass is not trusted and is listed for removal"
# (1b) SASL with the policy asked first (Header_Type = both, listed
# twice): spf-policyd writes auth=pass smtp.auth=bob (RFC 8601 2.7.4)
out=$(swaks --server "127.0.0.1:$port_sasl2" --helo mail.spf.test --from u@fail.spf.test \
	--to alice@test.example --auth PLAIN --auth-user bob --auth-password secret \
	--header "Subject: trust-sasl2" --add-header "$forged" --body x 2>&1)
msg=$(delivered trust-sasl2)
expect_match "$msg" '^Authentication-Results: mx\.test\.example; auth=pass smtp\.auth=bob; spf=none reason="not checked: SASL authenticated" smtp\.mailfrom=fail\.spf\.test$' "trust: SASL client gets auth=pass smtp.auth=bob and spf=none with the reason"
expect_match "$(printf '%s\n' "$msg" | trusted)" '^spf=none found=yes ' "trust: ours is trusted (spf=none), the forged pass is not"
# (2) a whitelisted client (Whitelist = 203.0.113.0/24)
out=$(send "$port_d" trust-wl mail.spf.test u@fail.spf.test 203.0.113.9 --add-header "$forged")
msg=$(delivered trust-wl)
expect_match "$msg" '^Received-SPF: none \(not checked: Whitelist\) ' "trust: whitelisted client gets a field saying it was not checked"
expect_match "$(printf '%s\n' "$msg" | trusted)" '^spf=none found=no forged=1$' "trust: whitelisted client's forged spf=pass is not trusted"
# (3) a submission port without the policy check
out=$(send "$port_sub" trust-sub mail.spf.test u@fail.spf.test 192.0.2.1 --add-header "$forged")
msg=$(delivered trust-sub)
expect_match "$(printf '%s\n' "$msg" | trusted)" '^spf=none found=no forged=1$' "trust: submission client's forged spf=pass is not trusted"

# --- logs ---
log=$(cat "$BASE/log/daemon.log")
expect_match "$log" 'spf-policyd\[[0-9]+\]: NOQUEUE: client=.*\[192\.0\.2\.1\], helo=<mail\.spf\.test>, from=<u@fail\.spf\.test>, .*mailfrom_spf=fail, action=550 5\.7\.23 .*, [0-9]+ms' "one log line per decision"
expect_match "$log" 'skipped: SASL authenticated' "the SASL skip is logged"
expect_no_match "$(cat "$BASE/log/postfix.log")" 'warning: .*policy' "no policy warnings in the Postfix log"

# --- stop everything and check nothing is left ---
# the daemons first: pf_stop counts nobody's processes of this instance
"$srcdir/tests/harness/stop-pid.sh" "$daemon_pid" "$both_pid"
expect_eq "$({ kill -0 "$daemon_pid" || kill -0 "$both_pid"; } 2>/dev/null && echo alive)" "" "daemons stopped"
pf_stop
expect_eq "$?" 0 "pf_stop: the instance stopped, nothing killed"
i=0
while [ $i -lt 50 ]; do
	left=$(ps -eo sid=,stat=,pid= | awk -v s="$master_pid" '$1 == s && $2 !~ /^Z/ { print $3 }')
	spawned=$(ps -eo uid=,stat=,args= | awk -v u="$uid" -v p="$policyd" '$1 == u && $2 !~ /^Z/ && index($0, p) { print }')
	[ -z "$left$spawned" ] && break
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$left$spawned" "" "no Postfix or spf-policyd process left"
dovecot_stop
expect_eq "$?" 0 "Dovecot (SASL) stopped, nothing left"
daemon_pid= both_pid=
finish
