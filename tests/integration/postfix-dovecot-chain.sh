#!/bin/sh
# postfix-dovecot-chain.sh - the whole inbound chain on loopback: a
# private Postfix whose smtpd asks spf-policyd (standalone daemon,
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

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root to run private Postfix and Dovecot instances"
	exit 77
fi
for p in /usr/sbin/postfix /usr/sbin/dovecot /usr/bin/swaks; do
	[ -x "$p" ] || { echo "SKIP: $p not installed"; exit 77; }
done

BASE=$(harness_tmpdir chain)
ub_pid= daemon_pid= master_pid=
cleanup() {
	if [ -f "$BASE/spool/pid/master.pid" ]; then
		/usr/sbin/postfix -c "$BASE/etc" stop >/dev/null 2>&1
	fi
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $daemon_pid $ub_pid
	if [ -n "$master_pid" ]; then
		for pid in $(ps -eo sid=,pid= | awk -v s="$master_pid" '$1 == s { print $2 }'); do
			kill -9 "$pid" 2>/dev/null
		done
	fi
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

free_port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# --- installed programs and plugin ---
. "$srcdir/tests/harness/install.sh"
harness_install "$BASE/inst" >/dev/null || fail "make install failed"
[ -f "$harness_moduledir/lib90_dkimcheck_plugin.so" ] ||
	{ echo "SKIP: the build has no Dovecot plugin"; exit 77; }
policyd=$harness_sbindir/spf-policyd
: > "$BASE/sanitizer.conf"
mkdir -p "$BASE/sanlog"
chmod 1777 "$BASE/sanlog"
libasan=$(ldd "$harness_moduledir/lib90_dkimcheck_plugin.so" | awk '/libasan/ { print $3 }')
if [ -n "$libasan" ]; then
	cat > "$BASE/sanitizer.conf" <<CONF
import_environment = \$import_environment LD_PRELOAD=$libasan ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:log_path=$BASE/sanlog/asan UBSAN_OPTIONS=print_stacktrace=1:log_path=$BASE/sanlog/ubsan
default_vsz_limit = 0
CONF
fi

# --- DNS: SPF and DMARC records (no DKIM: SPF alone decides) ---
{
	echo 'local-zone: "test." static'
	echo "local-data: 'chain.test. 300 IN TXT \"v=spf1 ip4:192.0.2.1 ~all\"'"
	echo "local-data: '_dmarc.chain.test. 300 IN TXT \"v=DMARC1; p=reject\"'"
} > "$BASE/zones.conf"
set -- $("$srcdir/tests/harness/unbound-start.sh" "$BASE/unbound" "$BASE/zones.conf") ||
	fail "unbound did not start"
ub_pid=$1 ub_port=$2
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

# --- Dovecot with the shipped snippet ---
dovecot_init "$BASE/dovecot" "$harness_moduledir" || fail "dovecot_init"
cp "$srcdir/configs/dovecot/90-dkimcheck.conf" "$BASE/dovecot/etc/"
cat > "$BASE/dovecot/etc/test.conf" <<CONF
plugin {
  dkimcheck_authserv_id = mx.test.example
  dkimcheck_resolver_config = $BASE/resolver.conf
  dkimcheck_dns_timeout = 3s
}
CONF
dovecot_user alice
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" || fail "Dovecot did not start"

# --- spf-policyd: the shipped config, Authentication-Results header ---
mkdir -p "$BASE/etc" "$BASE/spool" "$BASE/data" "$BASE/log" "$BASE/run"
chmod 755 "$BASE/etc" "$BASE/log" "$BASE/run"
chown postfix "$BASE/data"
sock=$BASE/run/spf-policyd.sock
sed -e "s|^listen = .*|listen = unix:$sock|" -e "s|^user = .*|user = nobody|" \
	"$srcdir/configs/spf-policyd.conf" > "$BASE/etc/spf-policyd.conf"
cat >> "$BASE/etc/spf-policyd.conf" <<CONF
resolver_config = $BASE/resolver.conf
Authserv_Id = mx.test.example
Header_Type = AR
dns_timeout = 2s
CONF
chmod 644 "$BASE/etc/spf-policyd.conf"
"$policyd" -e -c "$BASE/etc/spf-policyd.conf" </dev/null >"$BASE/log/policyd.log" 2>&1 &
daemon_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || { cat "$BASE/log/policyd.log"; fail "spf-policyd did not listen"; }

# --- Postfix: smtpd -> policy -> virtual domain delivered by lmtp(8) ---
port=$(free_port)
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
virtual_mailbox_maps = texthash:$BASE/etc/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:$dovecot_lmtp_port
CF
sed -e "s|unix:private/spf-policyd|unix:$sock|" "$srcdir/configs/spf-policyd-main.cf" >> "$BASE/etc/main.cf"
printf 'alice@test.example alice\n' > "$BASE/etc/vmailbox"
{
	echo "127.0.0.1:$port inet n - n - - smtpd"
	echo "  -o smtpd_authorized_xclient_hosts=127.0.0.1"
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
		echo "$svc"
	done
} > "$BASE/etc/master.cf"
/usr/sbin/postfix -c "$BASE/etc" check >/dev/null 2>&1 ||
	{ tail "$BASE/log/postfix.log"; fail "postfix check failed"; }
/usr/sbin/postfix -c "$BASE/etc" start >/dev/null 2>&1 ||
	{ tail "$BASE/log/postfix.log"; fail "postfix start failed"; }
master_pid=$(tr -d ' ' < "$BASE/spool/pid/master.pid")

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
expect_no_match "$(cat "$BASE/log/postfix.log")" 'status=(deferred|bounced)' "Postfix delivered everything over LMTP"

/usr/sbin/postfix -c "$BASE/etc" stop >/dev/null 2>&1
dovecot_stop
expect_eq "$?" 0 "Dovecot stopped"
"$srcdir/tests/harness/stop-pid.sh" "$daemon_pid"
daemon_pid=
i=0
while [ $i -lt 50 ]; do
	left=$(ps -eo sid=,stat=,pid= | awk -v s="$master_pid" '$1 == s && $2 !~ /^Z/ { print $3 }')
	[ -z "$left" ] && break
	sleep 0.1
	i=$((i + 1))
done
expect_eq "$left" "" "no Postfix process left"
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
finish
