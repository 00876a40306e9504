#!/bin/sh
# postfix-spf.sh - spf-policyd behind a real private Postfix instance on
# loopback, with a real unbound serving the SPF zones
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

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root to run a private Postfix instance"
	exit 77
fi
for p in /usr/sbin/postfix /usr/bin/swaks; do
	[ -x "$p" ] || { echo "SKIP: $p not installed"; exit 77; }
done

BASE=$(harness_tmpdir postfix-spf)
ub_pid= daemon_pid= both_pid= master_pid=

free_port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cleanup() {
	[ -n "${dovecot_pid:-}" ] && dovecot_stop >/dev/null 2>&1
	if [ -f "$BASE/spool/pid/master.pid" ]; then
		/usr/sbin/postfix -c "$BASE/etc" stop >/dev/null 2>&1
	fi
	"$srcdir/tests/harness/stop-pid.sh" $daemon_pid $both_pid $ub_pid
	# whatever is left of the instance (smtpd, spawn children)
	if [ -n "$master_pid" ]; then
		for pid in $(ps -eo sid=,pid= | awk -v s="$master_pid" '$1 == s { print $2 }'); do
			kill -9 "$pid" 2>/dev/null
		done
	fi
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

mkdir -p "$BASE/etc" "$BASE/spool" "$BASE/data" "$BASE/log" "$BASE/mail" "$BASE/run"
chmod 755 "$BASE" "$BASE/etc" "$BASE/log" "$BASE/mail" "$BASE/run"
chown postfix "$BASE/data"
chown nobody:nogroup "$BASE/mail"
uid=$(id -u nobody) gid=$(id -g nobody)

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
# test's resolver and short time limits (later lines override) ---
sock="$BASE/run/spf-policyd.sock"
sed -e "s|^listen = .*|listen = unix:$sock|" -e "s|^user = .*|user = nobody|" \
	"$ex/spf-policyd.conf" > "$BASE/etc/spf-policyd.conf"
cat >> "$BASE/etc/spf-policyd.conf" <<CONF
resolver_config = $BASE/etc/resolver.conf
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
port_d=$(free_port) port_s=$(free_port) port_b=$(free_port)
# SPF trust (issue 8 item 9): SASL (Dovecot's auth service on loopback),
# SASL with the policy asked first, and a submission port without it
port_sasl=$(free_port) port_sasl2=$(free_port) port_sub=$(free_port)
auth_port=$(free_port)
cat > "$BASE/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $BASE/etc
queue_directory = $BASE/spool
data_directory = $BASE/data
maillog_file = $BASE/log/postfix.log
maillog_file_prefixes = $BASE/log
myhostname = mx.test.example
mydomain = test.example
myorigin = \$mydomain
mydestination = \$myhostname, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4, ipv6
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
alias_maps =
alias_database =
virtual_mailbox_domains = test.example
virtual_mailbox_base = $BASE/mail
virtual_mailbox_maps = texthash:$BASE/etc/vmailbox
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
CF
# the shipped main.cf snippet; the daemon socket is outside the spool
sed -e "s|unix:private/spf-policyd|unix:$sock|" "$ex/spf-policyd-main.cf" >> "$BASE/etc/main.cf"
printf 'alice@test.example test.example/alice/\nbob@test.example test.example/bob/\n' > "$BASE/etc/vmailbox"

cat > "$BASE/etc/master.cf" <<CF
127.0.0.1:$port_d inet n - n - - smtpd
  -o syslog_name=postfix/inbound
  -o smtpd_authorized_xclient_hosts=127.0.0.1
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
for svc in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" \
	"qmgr unix n - n 300 1 qmgr" "rewrite unix - - n - - trivial-rewrite" \
	"bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
	"trace unix - - n - 0 bounce" "verify unix - - n - 1 verify" \
	"flush unix n - n 1000? 0 flush" "proxymap unix - - n - - proxymap" \
	"proxywrite unix - - n - 1 proxymap" "smtp unix - - n - - smtp" \
	"relay unix - - n - - smtp" "showq unix n - n - - showq" \
	"error unix - - n - - error" "retry unix - - n - - error" \
	"discard unix - - n - - discard" "local unix - n n - - local" \
	"virtual unix - n n - - virtual" "lmtp unix - - n - - lmtp" \
	"anvil unix - - n - 1 anvil" "scache unix - - n - 1 scache" \
	"postlog unix-dgram n - n - 1 postlogd"; do
	echo "$svc" >> "$BASE/etc/master.cf"
done

# Dovecot's auth service for the SASL smtpd services (user bob, password
# "secret"), reached over TCP on loopback
mkdir -p "$BASE/dovecot-modules"
dovecot_init "$BASE/dovecot" "$BASE/dovecot-modules" || fail "dovecot_init"
dovecot_user bob
cat > "$BASE/dovecot/etc/auth.conf" <<CONF
service auth {
  inet_listener auth-postfix {
    address = 127.0.0.1
    port = $auth_port
  }
}
CONF
dovecot_start "$BASE/dovecot/etc/auth.conf" || fail "Dovecot (SASL) did not start"

/usr/sbin/postfix -c "$BASE/etc" check >/dev/null 2>&1 ||
	{ tail "$BASE/log/postfix.log"; fail "postfix check failed"; }
/usr/sbin/postfix -c "$BASE/etc" start >/dev/null 2>&1 ||
	{ tail "$BASE/log/postfix.log"; fail "postfix start failed"; }
master_pid=$(tr -d ' ' < "$BASE/spool/pid/master.pid")

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
	i=0
	while [ $i -lt 100 ]; do
		f=$(grep -l "^Subject: $1\$" "$BASE/mail/test.example/alice/new/"* 2>/dev/null | head -1)
		if [ -n "$f" ]; then cat "$f"; return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
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

out=$(send "$port_d" sasl mail.spf.test u@fail.spf.test 192.0.2.1 --xclient-login bob)
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

# --- spawn(8) mode ---
out=$(send "$port_s" spawnfail mail.spf.test u@fail.spf.test 192.0.2.1)
expect_match "$out" '^<\*\* +550 5\.7\.23 ' "spawn mode: fail rejected"
out=$(send "$port_s" spawnpass mail.spf.test u@inc.spf.test 192.0.2.1)
msg=$(delivered spawnpass)
expect_match "$msg" '^Received-SPF: pass .*mechanism="include:inc2\.spf\.test";' "spawn mode: pass through a 3-deep include"

# --- SPF trust (issue 8 item 9, RFC 8601 section 5): a client the policy
# service does not check sends a forged "spf=pass" field with our
# authserv-id; what the Dovecot plugin's reader (lib/msgauth.c,
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
/usr/sbin/postfix -c "$BASE/etc" stop >/dev/null 2>&1
"$srcdir/tests/harness/stop-pid.sh" "$daemon_pid" "$both_pid"
expect_eq "$({ kill -0 "$daemon_pid" || kill -0 "$both_pid"; } 2>/dev/null && echo alive)" "" "daemons stopped"
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
