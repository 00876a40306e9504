#!/bin/sh
# demo.sh - README's first command: a live mail server on loopback, doing
# the pack's real job.  On a fresh Debian 12 machine, as root:
#
#	./scripts/demo.sh [--keep-running]
#
# installs the Debian packages that are missing (scripts/install-deps.sh),
# builds (./build, or $MAILAUTH_BUILDDIR), installs the build with `make
# install DESTDIR=` into a scratch directory every user can traverse, and
# starts on 127.0.0.1 only, everything under that one directory:
#
#   - a real unbound serving two demo domains with the records a real site
#     publishes: MX, A, AAAA, a CNAME for the mail host, SPF
#     "v=spf1 +mx a:... -all", the DKIM keys dkim-keygen wrote (rsa +
#     ed25519), DMARC p=none with reports for home.test and p=reject for
#     bank.test; plus three outside domains for the other senders;
#   - spf-policyd (standalone daemon) asked by Postfix at RCPT time;
#   - a private Postfix: an inbound smtpd (the MX, port 25 on a real
#     server) with check_policy_service -> spf-policyd, a submission
#     smtpd with content_filter -> dkim-signer (pipe(8)), and LMTP
#     delivery to Dovecot;
#   - a private Dovecot with the dkimcheck plugin (LMTP + IMAP);
#
# all configured from the files in configs/ (as make install puts them
# under share/doc/mailauth-pack/examples/): the lines of README's server
# guide, with paths, ports, host names and the service user (nobody)
# substituted, and what running on loopback needs - no chroot, the demo's
# DNS (resolver_config), log files instead of syslog.  The harnesses in
# tests/harness/ start and stop the servers.  Signed mail that leaves the
# server goes through scripts/demo-relay.py, a stand-in for the Internet
# that hands it back to the inbound smtpd as if it came from
# mail.home.test's public address (XCLIENT), so that SPF is checked as
# another site would.
#
# Then it sends six messages, reads each one back over IMAP, runs
# dmarc-reports import and send for the DMARC history dkimcheck recorded
# (as at the next UTC day: the period has ended), reads bank.test's
# aggregate report back from its rua mailbox, and prints one table: the
# message, what happened at SMTP, the Authentication-Results verdicts
# and the mailbox; for the report (row 7) whether it was sent and is
# valid against RFC 9990's XSD, and its DKIM/DMARC verdicts; for the
# reports in (row 8) that dkimcheck read row 7's report at delivery
# (dkimcheck_report_ingest), dmarc-reports summary's line for bank.test
# and the HTML page's path.  Exit status 0 only
# when every row came out as expected.  At the end everything it started
# is stopped by PID; the logs stay in the scratch directory (printed).
# With --keep-running the stack stays up, and how to connect (swaks, an
# IMAP client) and how to stop it are printed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
keep=0
case ${1:-} in
"") ;;
--keep-running) keep=1;;
-h|--help)
	sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit 0;;
*)	echo "usage: $0 [--keep-running]" >&2
	exit 2;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root: it installs missing Debian packages and starts a private Postfix and Dovecot (the system's own configuration is not touched)" >&2
	exit 1
fi

say() { printf '== %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# --- 1. packages and build ---
# (MAILAUTH_DEMO_NO_BUILD=1: use the build in MAILAUTH_BUILDDIR as it is;
# `make check` runs the demo so, as a smoke test)
B=${MAILAUTH_BUILDDIR:-$top/build}
if [ "${MAILAUTH_DEMO_NO_BUILD:-0}" = 1 ]; then
	[ -f "$B/Makefile" ] || die "MAILAUTH_DEMO_NO_BUILD=1: no build in $B"
else
	"$top/scripts/install-deps.sh" || die "installing the Debian packages failed"
	if [ ! -f "$B/Makefile" ]; then
		say "building in $B"
		if [ ! -x "$top/configure" ]; then
			(cd "$top" && autoreconf -fi) > /dev/null 2>&1 || die "autoreconf -fi failed"
		fi
		mkdir -p "$B"
		(cd "$B" && "$top/configure" -q) || die "configure failed"
	fi
	make -C "$B" -s -j"$(nproc)" > "$B/demo-make.log" 2>&1 ||
		{ tail -20 "$B/demo-make.log"; die "make failed (log: $B/demo-make.log)"; }
fi
export MAILAUTH_BUILDDIR="$B" srcdir="$top"
. "$top/tests/harness/lib.sh"
. "$top/tests/harness/install.sh"
. "$top/tests/harness/postfix.sh"
. "$top/tests/harness/dovecot.sh"

# --- 2. the scratch directory and the installed programs ---
work=$(mktemp -d /tmp/mailauth-demo-XXXXXX) || die "mktemp failed"
chmod 755 "$work"
mkdir -p "$work/logs"
ub_pid= bh_pid= policyd_pid= relay_pid= started=0 leave_up=0
stop_all() {
	pf_stop || true
	dovecot_stop || true
	"$top/tests/harness/stop-pid.sh" $policyd_pid $relay_pid $bh_pid $ub_pid
	# programs of the installed copy still running (a pipe(8) child
	# calls setsid(), so it is not in the master's session)
	for p in $(ps -eo pid=,args= | awk -v d="$work/" 'index($0, d) && $2 != "awk" { print $1 }'); do
		[ "$p" != $$ ] && kill -9 "$p" 2>/dev/null
	done
	policyd_pid= relay_pid= bh_pid= ub_pid=
}
on_exit() {
	if [ $started = 1 ] && [ $leave_up = 0 ]; then
		stop_all
	fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

say "installing into $work/inst (make install DESTDIR=)"
harness_install "$work/inst" > "$work/logs/install-dirs" || die "make install failed"
keygen=$harness_bindir/dkim-keygen
signer=$harness_libexecdir/dkim-signer
policyd=$harness_sbindir/spf-policyd
authcheck=$harness_bindir/authcheck
for p in "$keygen" "$signer" "$policyd" "$authcheck" "$harness_moduledir/lib90_dkimcheck_plugin.so"; do
	[ -e "$p" ] || die "$p is missing after make install (built without Dovecot?)"
done
nobody_uid=$(id -u nobody)
# the example configuration make install put under share/doc
ex=$(find "$harness_destdir" -type d -path '*/examples/spf-policyd' | head -1)
ex=${ex%/spf-policyd}
[ -n "$ex" ] || die "make install put no examples/spf-policyd directory under $harness_destdir"
for f in spf-policyd/spf-policyd.conf spf-policyd/spf-policyd-main.cf \
	 dkim-signer/dkim-signer.conf dkim-signer/dkim-signer-master.cf \
	 dkim-signer/dkim-signer-main.cf; do
	[ -f "$ex/$f" ] || die "$ex/$f is missing after make install"
done
# sub FILE...: an example file with this machine's paths replaced by the
# demo's: the configuration directory (SYSCONFDIR/mailauth, /etc/mailauth
# in the dkim-signer examples) by $M, the installed programs by their
# copies under $work/inst, Postfix's spool by the private instance's
sysconf=${harness_sysconfdir#"$harness_destdir"}
sub() {
	sed -e "s|$sysconf/mailauth/|$M/|g" -e "s|/etc/mailauth/|$M/|g" \
		-e "s|/[^ ]*/libexec/dkim-signer|$signer|g" \
		-e "s|/[^ ]*/sbin/spf-policyd|$policyd|g" \
		-e "s|/var/spool/postfix/|$P/spool/|g" "$@"
}

# --- 3. keys and DNS ---
# M stands for /etc/mailauth of a real server
M=$work/mailauth
mkdir -p "$M"
chmod 755 "$M"
say "DKIM keys (dkim-keygen) and DNS zones"
: > "$M/KeyTable.demo"
: > "$M/SigningTable.demo"
dkim_dns=$work/dkim-records.zone
: > "$dkim_dns"
for d in home.test bank.test; do
	mkdir -p "$M/keys/$d"
	"$keygen" --domain "$d" --selector rsa2026 --directory "$M/keys/$d" > /dev/null ||
		die "dkim-keygen rsa for $d failed"
	"$keygen" --domain "$d" --selector ed2026 --type ed25519 --directory "$M/keys/$d" > /dev/null ||
		die "dkim-keygen ed25519 for $d failed"
	for s in rsa2026 ed2026; do
		f=$M/keys/$d/$s.dns
		cat "$f" >> "$dkim_dns"
		# the KeyTable and SigningTable lines dkim-keygen printed
		sed -n '/KeyTable line/{n;s/^;[ 	]*//p;}' "$f" >> "$M/KeyTable.demo"
		sed -n '/SigningTable line/{n;s/^;[ 	]*//p;}' "$f" >> "$M/SigningTable.demo"
	done
done
# keys: owned by the signing user, mode 600 (RequireSafeKeys)
chown -R nobody "$M/keys"
chmod 700 "$M/keys" "$M/keys"/*

# rr RECORD: one zone-file record as unbound local-data
rr() { printf "local-data: '%s'\n" "$*"; }
{
	# every other name under test. is NXDOMAIN (DMARC tree walks)
	echo 'local-zone: "test." static'
	# home.test: our users; DMARC monitoring with reports
	rr 'home.test. 3600 IN MX 10 mail.home.test.'
	rr 'home.test. 3600 IN A 192.0.2.10'
	rr 'home.test. 3600 IN AAAA 2001:db8::10'
	rr 'mail.home.test. 3600 IN A 192.0.2.25'
	rr 'mail.home.test. 3600 IN AAAA 2001:db8::25'
	rr 'imap.home.test. 3600 IN CNAME mail.home.test.'
	rr 'home.test. 3600 IN TXT "v=spf1 +mx a:mail.home.test -all"'
	rr '_dmarc.home.test. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@home.test; ruf=mailto:dmarc-failures@home.test; fo=1; rf=afrf; sp=none"'
	# bank.test: hosted on the same server; DMARC enforced
	rr 'bank.test. 3600 IN MX 10 mail.home.test.'
	rr 'bank.test. 3600 IN A 192.0.2.20'
	rr 'bank.test. 3600 IN AAAA 2001:db8::20'
	rr 'smtp.bank.test. 3600 IN CNAME mail.home.test.'
	rr 'bank.test. 3600 IN TXT "v=spf1 +mx a:smtp.bank.test -all"'
	rr '_dmarc.bank.test. 3600 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@bank.test"'
	# the DKIM keys, as dkim-keygen wrote them for the zone file
	sed '/^;/d' "$dkim_dns" | tr -d '()' | awk '
		/^[^ \t]/ { if (r != "") print r; r = $0; next }
		{ r = r " " $0 } END { if (r != "") print r }' |
		tr -s ' \t' '  ' | while IFS= read -r rec; do rr "$rec"; done
	# elsewhere.test: another organisation with a mailing list
	rr 'elsewhere.test. 3600 IN MX 10 mail.elsewhere.test.'
	rr 'mail.elsewhere.test. 3600 IN A 198.51.100.7'
	rr 'elsewhere.test. 3600 IN TXT "v=spf1 mx -all"'
	rr 'lists.elsewhere.test. 3600 IN TXT "v=spf1 a:mail.elsewhere.test -all"'
	rr '_dmarc.elsewhere.test. 3600 IN TXT "v=DMARC1; p=none"'
	# cheap-hosting.test: a hoster whose customers may send anything
	rr 'cheap-hosting.test. 3600 IN TXT "v=spf1 ip4:203.0.113.0/24 -all"'
} > "$work/zones.conf"

ub=$("$top/tests/harness/unbound-start.sh" "$work/unbound" "$work/zones.conf") ||
	die "unbound did not start"
set -- $ub
ub_pid=$1 ub_port=$2
started=1
# slow.test: its name servers never answer (a UDP port nobody reads)
harness_blackhole "$work/blackhole.port"
# the resolver configuration every program gets (a real server would
# leave resolver_config unset and use /etc/resolv.conf)
{
	"$top/tests/harness/libunbound-forward.sh" "$ub_port"
	printf 'forward-zone:\n\tname: "slow.test."\n\tforward-addr: 127.0.0.1@%s\n' "$bh_port"
} > "$M/unbound.conf"
chmod 644 "$M/unbound.conf"
dnsopt="--resolver-config $M/unbound.conf"

# the published records checked as README tells an admin to
checks=0
for d in home.test bank.test; do
	for s in rsa2026 ed2026; do
		if "$keygen" --check --domain "$d" --selector "$s" --key "$M/keys/$d/$s.private" \
			$dnsopt > "$work/logs/keycheck-$s.$d.out" 2>&1; then
			checks=$((checks + 1))
		else
			echo "demo: dkim-keygen --check $s._domainkey.$d failed:"
			sed 's/^/    /' "$work/logs/keycheck-$s.$d.out"
		fi
	done
done
"$authcheck" dns TXT _dmarc.bank.test $dnsopt > "$work/logs/dmarc-bank.out" 2>&1
grep -q 'v=DMARC1; p=reject' "$work/logs/dmarc-bank.out" && checks=$((checks + 1))
"$authcheck" spf --ip 192.0.2.25 --mail-from postmaster@bank.test --helo mail.home.test \
	$dnsopt > "$work/logs/spf-bank.out" 2>&1
grep -q '^spf=pass ' "$work/logs/spf-bank.out" && checks=$((checks + 1))
say "published records checked: $checks of 6 as expected (dkim-keygen --check, authcheck dns/spf)"

# --- 4. Dovecot with dkimcheck: configs/dovecot/<series>/90-dkimcheck.conf ---
say "Dovecot with dkimcheck (LMTP + IMAP)"
dovecot_init "$work/dovecot" "$harness_moduledir" || die "dovecot_init failed"
# the snippet make install put under share/doc for the Dovecot the build
# is for (2.3: settings in plugin { }; 2.4: at the top level, and the
# settings module in Dovecot's settings directory)
dovecot_installed_setup > "$work/logs/dovecot-setup.out" || die "the installed Dovecot plugin is not usable here"
sed -e 's|^\( *\)#dkimcheck_authserv_id = mx.example.org|\1dkimcheck_authserv_id = mail.home.test|' \
	-e "s|^\\( *\\)#dkimcheck_resolver_config = /etc/mailauth/|\\1dkimcheck_resolver_config = $M/|" \
	"$dovecot_snippet" > "$work/dovecot/etc/90-dkimcheck.conf"
grep -q '^ *dkimcheck_authserv_id = mail.home.test' "$work/dovecot/etc/90-dkimcheck.conf" ||
	die "$dovecot_snippet has no #dkimcheck_authserv_id line to set"
# DMARC history for the aggregate reports (dmarc-history(5)): written by
# the lmtp process under the recipients' uid (nobody here), read and
# emptied by dmarc-reports import (root)
H=$work/dmarc-history
mkdir -p "$H"
chown nobody "$H"
chmod 700 "$H"
sed -i "s|^\\( *\\)#dkimcheck_dmarc_history = .*|\\1dkimcheck_dmarc_history = $H|" \
	"$work/dovecot/etc/90-dkimcheck.conf"
grep -q "^ *dkimcheck_dmarc_history = $H\$" "$work/dovecot/etc/90-dkimcheck.conf" ||
	die "$dovecot_snippet has no #dkimcheck_dmarc_history line to set"
# SASL for Postfix's submission service: Dovecot's auth socket in
# Postfix's spool (smtpd_sasl_path = private/auth), as on a real server
P=$work/postfix
pf_init "$P" || die "pf_init failed"
mkdir -p "$P/spool/private"
chown postfix "$P/spool/private"
chmod 700 "$P/spool/private"
cat > "$work/dovecot/etc/postfix-auth.conf" <<EOF
service auth {
  unix_listener $P/spool/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
# the sanitizer build's plugin needs the ASan runtime preloaded into
# Dovecot's processes (tests/harness/dovecot.sh); reports go to sanlog/
dovecot_sanitizer_conf "$harness_moduledir/lib90_dkimcheck_plugin.so" \
	"$work/dovecot/etc/sanitizer.conf" "$work/sanlog" ||
	die "dovecot_sanitizer_conf failed"
dovecot_user alice
dovecot_user bob
# the rua mailboxes (dmarc-reports@home.test and @bank.test): the
# reports arriving there are read at delivery (dkimcheck_report_ingest,
# dkimcheck(7)) into the history directory, as README's guide sets it
dovecot_user dmarc-reports userdb_dkimcheck_report_ingest=yes
# (the master keeps the descriptors it started with: not our terminal)
dovecot_start "$work/dovecot/etc/sanitizer.conf" "$work/dovecot/etc/90-dkimcheck.conf" \
	"$work/dovecot/etc/postfix-auth.conf" \
	< /dev/null > "$work/logs/dovecot-start.out" 2>&1 ||
	{ cat "$work/logs/dovecot-start.out"; die "Dovecot did not start"; }
ln -sf "$dovecot_log" "$work/logs/dovecot.log"

# --- 5. Postfix ---
say "Postfix (inbound + submission + LMTP) and spf-policyd"
in_port=$(pf_free_port) sub_port=$(pf_free_port)
# the Internet stand-in, for mail leaving the server
"$top/scripts/demo-relay.py" "$work/relay.port" "$in_port" 192.0.2.25 mail.home.test \
	< /dev/null > "$work/logs/relay.log" 2>&1 &
relay_pid=$!
i=0
while [ ! -s "$work/relay.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$work/relay.port" ] || die "demo-relay.py did not start ($work/logs/relay.log)"
relay_port=$(cat "$work/relay.port")

# main.cf: the harness's private-instance base, our names, LMTP to
# Dovecot, then the shipped snippets as they are
{
	pf_main_cf "$nobody_uid"
	sub "$ex/dkim-signer/dkim-signer-main.cf" "$ex/spf-policyd/spf-policyd-main.cf"
} > "$P/etc/main.cf"
# TLS (a self-signed certificate) and SASL through Dovecot, for the
# submission service
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mail.home.test \
	-keyout "$P/etc/mail.home.test.key" -out "$P/etc/mail.home.test.crt" \
	> /dev/null 2>&1 || die "openssl req failed"
postconf -c "$P/etc" -e myhostname=mail.home.test mydomain=home.test \
	"virtual_mailbox_domains=home.test, bank.test" \
	"virtual_transport=lmtp:inet:127.0.0.1:$dovecot_lmtp_port" \
	"smtpd_tls_cert_file=$P/etc/mail.home.test.crt" \
	"smtpd_tls_key_file=$P/etc/mail.home.test.key" \
	smtpd_sasl_type=dovecot smtpd_sasl_path=private/auth ||
	die "postconf failed"
pf_mailbox alice@home.test bob@bank.test dmarc-reports@home.test dmarc-reports@bank.test

# the signer's files: the examples, plus the lines dkim-keygen printed;
# its log in the scratch directory
{ sub "$ex/dkim-signer/dkim-signer-KeyTable" | grep '^#'; cat "$M/KeyTable.demo"; } > "$M/KeyTable"
{ sub "$ex/dkim-signer/dkim-signer-SigningTable" | grep '^#'; cat "$M/SigningTable.demo"; } > "$M/SigningTable"
{ sub "$ex/dkim-signer/dkim-signer.conf"; printf '\n# demo: no syslog here\nSyslog no\nLogFile %s\n' "$work/logs/dkim-signer.log"; } > "$M/dkim-signer.conf"
: > "$work/logs/dkim-signer.log"
chown nobody "$work/logs/dkim-signer.log"
chmod 644 "$M/KeyTable" "$M/SigningTable" "$M/dkim-signer.conf"
out=$(su -s /bin/sh nobody -c "'$signer' -n -c '$M/dkim-signer.conf'" 2>&1) ||
	die "dkim-signer -n: $out"

# master.cf: the inbound smtpd, the shipped dkim-signer entries (ports
# instead of service names, no chroot: the harness runs nothing chrooted;
# signed mail leaves through the Internet stand-in), then the standard
# services
{
	echo "# the inbound smtpd (port 25 on a real server); XCLIENT lets the demo choose client addresses"
	echo "127.0.0.1:$in_port inet n - n - - smtpd"
	echo "  -o syslog_name=postfix/inbound"
	echo "  -o smtpd_authorized_xclient_hosts=127.0.0.1"
	sub "$ex/dkim-signer/dkim-signer-master.cf" | grep -v '^#' | sed \
		-e "s|^submission inet  n       -       y|127.0.0.1:$sub_port inet n - n|" \
		-e 's|user=dkimsign|user=nobody|' \
		-e 's|^pickup    unix  n       -       y|pickup unix n - n|' \
		-e "s|^  -o content_filter=\$|  -o content_filter=smtp:[127.0.0.1]:$relay_port|"
	pf_master_cf_stock | grep -v '^pickup '
	echo "tlsmgr unix - - n 1000? 1 tlsmgr"
} > "$P/etc/master.cf"
pf_start || die "Postfix did not start"
ln -sf "$P/log/postfix.log" "$work/logs/postfix.log"

# spf-policyd: the example spf-policyd.conf, as a daemon on the socket
# the main.cf lines name; A-R header with our authserv-id so that
# dkimcheck believes its SPF result
sub "$ex/spf-policyd/spf-policyd.conf" | sed -e 's|^user = .*|user = nobody|' \
	-e 's|^#Authserv_Id = mx.example.org|Authserv_Id = mail.home.test|' \
	-e "s|^#resolver_config = $M/|resolver_config = $M/|" > "$M/spf-policyd.conf"
chmod 644 "$M/spf-policyd.conf"
out=$("$policyd" -n -c "$M/spf-policyd.conf" 2>&1) || die "spf-policyd -n: $out"
"$policyd" -e -c "$M/spf-policyd.conf" < /dev/null > "$work/logs/spf-policyd.log" 2>&1 &
policyd_pid=$!
i=0
while [ ! -S "$P/spool/private/spf-policyd" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$P/spool/private/spf-policyd" ] || die "spf-policyd did not listen ($work/logs/spf-policyd.log)"
ln -sf "$work/unbound/unbound.log" "$work/logs/unbound.log"

# --- 6. the messages ---
# inbound ADDR HELO MAIL-FROM RCPT SUBJECT [swaks options]: a message
# from another server (client address chosen with XCLIENT)
inbound() {
	_a=$1 _h=$2 _f=$3 _t=$4 _s=$5
	shift 5
	swaks --server "127.0.0.1:$in_port" --xclient-addr "$_a" \
		--xclient-name '[UNAVAILABLE]' --xclient-reverse-name '[UNAVAILABLE]' \
		--helo "$_h" --from "$_f" --to "$_t" --header "Subject: $_s" "$@" 2>&1
}
# smtp_outcome TRANSCRIPT: accepted / the reply code of a rejection
smtp_outcome() {
	printf '%s\n' "$1" | awk '
		/^<[-~] +250 .*queued as/ { print "accepted"; exit }
		/^<(\*\*|~\*) +[45][0-9][0-9] / { print $2 " " $3; exit }'
}

say "sending the messages"
S1=demo1-submitted
out1=$(swaks --server "127.0.0.1:$sub_port" --helo client.home.test --tls \
	--auth PLAIN --auth-user alice@home.test --auth-password secret \
	--from alice@home.test --to bob@bank.test \
	--header "From: Alice <alice@home.test>" --header "Subject: $S1" \
	--body "Lunch on Friday?" 2>&1)

S2=demo2-spoofed-bank
out2=$(inbound 203.0.113.66 pc-66.cheap-hosting.test security@bank.test \
	alice@home.test "$S2" --header "From: Bank <security@bank.test>" \
	--body "Please confirm your password.")

S3=demo3-spoofed-bank-spf-pass
out3=$(inbound 203.0.113.66 pc-66.cheap-hosting.test bounce@cheap-hosting.test \
	alice@home.test "$S3" --header "From: Bank <security@bank.test>" \
	--body "Please confirm your password.")

# 4: alice's message signed by dkim-signer (as Postfix runs it), then a
# mailing list at elsewhere.test adds a footer and sends it on
S4=demo4-mailing-list
printf 'From: Alice <alice@home.test>\nTo: talk@lists.elsewhere.test\nSubject: %s\nDate: %s\nMessage-ID: <demo4.%s@home.test>\n\nHello list.\n' \
	"$S4" "$(date -R)" "$$" > "$work/msg4.eml"
chmod 644 "$work/msg4.eml"
su -s /bin/sh nobody -c "'$signer' -c '$M/dkim-signer.conf' --stdout -f alice@home.test" \
	< "$work/msg4.eml" > "$work/msg4.signed.eml" || die "dkim-signer --stdout failed"
{ cat "$work/msg4.signed.eml"; printf -- '-- \ntalk mailing list - https://lists.elsewhere.test/\n'; } |
	sed 's/$/\r/' > "$work/msg4.list.eml"
out4=$(swaks --server "127.0.0.1:$in_port" --xclient-addr 198.51.100.7 \
	--xclient-name '[UNAVAILABLE]' --xclient-reverse-name '[UNAVAILABLE]' \
	--helo mail.elsewhere.test --from talk-bounces@lists.elsewhere.test \
	--to bob@bank.test --data "@$work/msg4.list.eml" 2>&1)

S5=demo5-dns-timeout
out5=$(inbound 198.51.100.99 mail.slow.test news@slow.test alice@home.test "$S5" \
	--body "Our newsletter.")

S6=demo6-forged-ar
out6=$(inbound 203.0.113.66 pc-66.cheap-hosting.test bounce@cheap-hosting.test \
	alice@home.test "$S6" --header "From: Bank <security@bank.test>" \
	--add-header "Authentication-Results: mail.home.test; spf=pass smtp.mailfrom=bank.test; dkim=pass header.d=bank.test; dmarc=pass header.from=bank.test" \
	--body "Your account is locked.")

# --- 7. read back over IMAP ---
# fetch USER SUBJECT: mailbox=, flags= and the header (waits up to 20 s)
fetch() {
	_i=0
	while [ $_i -lt 200 ]; do
		if _o=$(/usr/bin/python3 "$top/tests/harness/imap-read.py" "$dovecot_imap_port" "$1" "$2" 2>/dev/null); then
			printf '%s\n' "$_o"
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# ours HEADER: our Authentication-Results fields, one line each
ours() {
	printf '%s\n' "$1" | awk '/^[ \t]/ { if (f) { sub(/^[ \t]+/, " "); printf "%s", $0 } next }
		f { print ""; f = 0 }
		/^Authentication-Results: mail\.home\.test;/ { f = 1; printf "%s", $0 }
		END { if (f) print "" }'
}
# verdicts AR: "spf=pass dkim=pass,pass dmarc=pass(p=none)" from one field
verdicts() {
	printf '%s\n' "$1" | sed 's/"[^"]*"//g' | tr ';' '\n' | awk '
		{ sub(/^[ \t]+/, "") }
		/^spf=/ { split($1, a, "="); spf = a[2] }
		/^dkim=/ { split($1, a, "="); dkim = dkim (dkim == "" ? "" : ",") a[2] }
		/^dmarc=/ { split($1, a, "="); dmarc = a[2]
			if (match($0, /\(p=[a-z]+/)) dmarc = dmarc "(" substr($0, RSTART + 1, RLENGTH - 1) ")" }
		END { printf "spf=%s dkim=%s dmarc=%s", spf, dkim, dmarc }'
}

rows= failed=0
# row N TEXT OUTCOME AR MAILBOX EXPECTED-OUTCOME EXPECTED-AR EXPECTED-MAILBOX
# (expected values are EREs)
row() {
	_ok=ok
	printf '%s\n' "$3" | grep -Eq "^($6)\$" || _ok=UNEXPECTED
	printf '%s\n' "$4" | grep -Eq "^($7)\$" || _ok=UNEXPECTED
	printf '%s\n' "$5" | grep -Eq "^($8)\$" || _ok=UNEXPECTED
	[ $_ok = ok ] || failed=$((failed + 1))
	rows="$rows$1|$2|$3|$4|$5|$_ok
"
	if [ $_ok != ok ]; then
		rows="$rows| expected:|$6|$7|$8|
"
	fi
}
# result N USER SUBJECT TRANSCRIPT: outcome, verdicts, mailbox of a row
result() {
	r_out=$(smtp_outcome "$4")
	r_ar=- r_box=- r_msg=
	case $r_out in
	"")	r_out="?";;
	5*)	r_box="- (refused: the sender bounces)";;
	4*)	r_box="- (the sender retries later)";;
	esac
	if [ "$r_out" = accepted ]; then
		if r_msg=$(fetch "$2" "$3"); then
			r_field=$(ours "$r_msg")
			r_ar=$(verdicts "$(printf '%s\n' "$r_field" | head -1)")
			r_n=$(printf '%s\n' "$r_field" | grep -c .)
			[ "$r_n" = 1 ] || r_ar="$r_ar ($r_n fields with our id)"
			r_box=$(printf '%s\n' "$r_msg" | sed -n 's/^mailbox=//p' | head -1)
			r_flags=$(printf '%s\n' "$r_msg" | sed -n 's/^flags=//p' | head -1)
			[ -n "$r_flags" ] && r_box="$r_box $r_flags"
		else
			r_box="(not found over IMAP)"
		fi
	fi
	printf '%s\n' "$r_msg" > "$work/msg$1.imap" 2>/dev/null
}

r_msg=
result 1 bob "$S1" "$out1"
row 1 "alice@home.test -> bob@bank.test (submission)" "$r_out" "$r_ar" "$r_box" \
	accepted 'spf=pass dkim=pass,pass dmarc=pass\(p=none\)' INBOX
result 2 alice "$S2" "$out2"
row 2 "bank.test spoofed from outside its SPF" "$r_out" "$r_ar" "$r_box" \
	'550 5\.7\.23' - '- \(refused.*' 
result 3 alice "$S3" "$out3"
row 3 "From bank.test, SPF pass for cheap-hosting.test" "$r_out" "$r_ar" "$r_box" \
	accepted 'spf=pass dkim=none dmarc=fail\(p=reject\)' 'Junk \$DMARC_Fail \$Junk'
result 4 bob "$S4" "$out4"
row 4 "alice's signed post, footer added by a list" "$r_out" "$r_ar" "$r_box" \
	accepted 'spf=pass dkim=fail,fail dmarc=fail\(p=none\)' 'INBOX \$DKIM_Fail \$DMARC_Fail'
result 5 alice "$S5" "$out5"
row 5 "sender at slow.test, DNS never answers" "$r_out" "$r_ar" "$r_box" \
	'450 4\.7\.24' - '- \(the sender retries.*' 
result 6 alice "$S6" "$out6"
forged=$(printf '%s\n' "$r_msg" | grep -c 'header\.d=bank\.test')
[ "$forged" = 0 ] || r_ar="$r_ar (forged field still there)"
row 6 "row 3 + forged A-R: dkim=pass bank.test" "$r_out" "$r_ar" "$r_box" \
	accepted 'spf=pass dkim=none dmarc=fail\(p=reject\)' 'Junk \$DMARC_Fail \$Junk'

# --- 7b. the DMARC aggregate reports (RFC 9990) ---
# dmarc-reports with the example dmarc-reports.conf: import the records
# dkimcheck wrote for rows 1, 3, 4 and 6, then send, acting as at 00:15
# UTC the next day (--now): the day's period has ended.  The reports
# leave through the Internet stand-in as any mail from this server would
# (ReportCommand: the demo's stand-in for `sendmail -t`, SMTP to
# demo-relay.py) and come back to the inbound smtpd for the rua
# mailboxes: bank.test's report (rows 3 and 6, sent from outside) to
# dmarc-reports@bank.test, home.test's to dmarc-reports@home.test.
say "DMARC aggregate reports (dmarc-reports import, send)"
reports=$harness_sbindir/dmarc-reports
[ -x "$reports" ] || die "$reports is missing after make install"
[ -f "$ex/dmarc-reports/dmarc-reports.conf" ] || die "$ex/dmarc-reports/dmarc-reports.conf is missing after make install"
cat > "$work/report-sendmail.py" <<EOF
#!/usr/bin/python3
# the demo's sendmail -t -f SENDER: the message on stdin to its To:
# addresses, over SMTP through the Internet stand-in
import email, email.utils, smtplib, sys
data = sys.stdin.buffer.read()
rcpts = [a for _, a in email.utils.getaddresses(email.message_from_bytes(data).get_all("To", []))]
s = smtplib.SMTP("127.0.0.1", $relay_port, "mail.home.test", timeout=60)
s.sendmail(sys.argv[sys.argv.index("-f") + 1], rcpts, data)
s.quit()
EOF
chmod 755 "$work/report-sendmail.py"
sed -e "s|^Database .*|Database              $work/dmarc-reports.db|" \
	-e "s|^HistoryDir .*|HistoryDir            $H|" \
	-e 's|^ReportOrganization .*|ReportOrganization    Home Test Mail|' \
	-e 's|^ReportEmail .*|ReportEmail           dmarc-noreply@home.test|' \
	-e 's|^#ReportContact .*|ReportContact         postmaster@home.test|' \
	-e "s|^SignerConfig .*|SignerConfig          $M/dkim-signer.conf|" \
	-e "s|^#ResolverConfiguration .*|ResolverConfiguration $M/unbound.conf|" \
	-e "s|^#ReportCommand .*|ReportCommand         $work/report-sendmail.py|" \
	"$ex/dmarc-reports/dmarc-reports.conf" > "$M/dmarc-reports.conf"
grep -q "^ReportCommand  *$work/" "$M/dmarc-reports.conf" ||
	die "$ex/dmarc-reports/dmarc-reports.conf has no #ReportCommand line to set"
now=$(date +%s)
later=$(( (now / 86400 + 1) * 86400 + 900 ))
"$reports" -c "$M/dmarc-reports.conf" -v --now "$later" import > "$work/logs/dmarc-reports.log" 2>&1
rc_import=$?
"$reports" -c "$M/dmarc-reports.conf" -v --now "$later" send >> "$work/logs/dmarc-reports.log" 2>&1
rc_send=$?
"$reports" -c "$M/dmarc-reports.conf" show > "$work/logs/dmarc-reports.show" 2>&1
# bank.test's report in the rua mailbox, read back whole over IMAP
rid=$(awk '$0 ~ / bank\.test / { for (i = 1; i <= NF; i++) if ($i == "sent") print $NF }' "$work/logs/dmarc-reports.show" | head -1)
S7="Report Domain: bank.test Submitter: home.test Report-ID: <$rid>"
r_out=- r_ar=- r_box="(not found over IMAP)"
if [ $rc_import = 0 ] && [ $rc_send = 0 ] && [ -n "$rid" ]; then
	r_out=sent
	_i=0
	while [ $_i -lt 200 ]; do
		/usr/bin/python3 "$top/tests/harness/imap-read.py" "$dovecot_imap_port" dmarc-reports "$S7" full \
			> "$work/report7.imap" 2>/dev/null && break
		sleep 0.1
		_i=$((_i + 1))
	done
fi
if [ -s "$work/report7.imap" ]; then
	r_msg=$(cat "$work/report7.imap")
	r_field=$(ours "$r_msg")
	r_ar=$(verdicts "$(printf '%s\n' "$r_field" | head -1)")
	r_box=$(printf '%s\n' "$r_msg" | sed -n 's/^mailbox=//p' | head -1)
	r_flags=$(printf '%s\n' "$r_msg" | sed -n 's/^flags=//p' | head -1)
	[ -n "$r_flags" ] && r_box="$r_box $r_flags"
	# the message as delivered, its gzip part and the XML in it
	sed '1,2d' "$work/report7.imap" | sed 's/$/\r/' > "$work/report7.eml"
	/usr/bin/python3 - "$work/report7.eml" "$work/report7.xml" <<'EOF' || r_out="$r_out, no .xml.gz part"
import email, gzip, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
parts = [p for p in m.walk() if p.get_content_type() == "application/gzip"]
open(sys.argv[2], "wb").write(gzip.decompress(parts[0].get_payload(decode=True)))
EOF
	# RFC 9990's XSD (the copy in tests/fixtures)
	if xmllint --noout --schema "$top/tests/fixtures/dmarc-reports/dmarc-aggregate-rfc9990.xsd" \
		"$work/report7.xml" > "$work/logs/report7.xmllint" 2>&1; then
		r_out="$r_out, XSD-valid"
	else
		r_out="$r_out, XSD-invalid"
	fi
	# rows 3 and 6: one row, 2 messages from 203.0.113.66, Junk =
	# quarantine + local_policy (RFC 9990 section 3.2.1 reason)
	tr -d ' \n\t' < "$work/report7.xml" | grep -q '<source_ip>203.0.113.66</source_ip><count>2</count><policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>local_policy</type>' ||
		r_out="$r_out, rows 3+6 missing"
	# and the signature verified independently of dkimcheck (dkimpy)
	v=$(/usr/bin/python3 - "$work/report7.eml" "$ub_port" <<'EOF' 2>"$work/logs/report7.dkimpy"
import sys, dkim, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ["127.0.0.1"]; r.port = int(sys.argv[2])
def txt(name, timeout=5):
    try:
        return b"".join(b"".join(a.strings) for a in r.resolve(name.decode().rstrip("."), "TXT"))
    except Exception:
        return None
m = open(sys.argv[1], "rb").read()
head = m.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
n = sum(1 for l in head if l.lower().startswith(b"dkim-signature:"))
d = dkim.DKIM(m)
# every signature (dkim.verify checks only the first)
print(1 if n and all(d.verify(idx=i, dnsfunc=txt) for i in range(n)) else 0)
EOF
)
	[ "$v" = 1 ] || r_ar="$r_ar (dkimpy: not verified)"
fi
row 7 "dmarc-reports send: bank.test's report" "$r_out" "$r_ar" "$r_box" \
	'sent, XSD-valid' 'spf=pass dkim=pass(,pass)? dmarc=pass\(p=none\)' INBOX

# --- 7c. DMARC reports in (issue #19) ---
# row 7's report was read at its delivery to dmarc-reports@bank.test
# (dkimcheck_report_ingest) into the history directory; dmarc-reports
# import stores it, and summary shows bank.test's line and writes the
# HTML page.  ReportDomains: the domains whose reports this server
# receives (both are ours here).
say "DMARC reports in (dkimcheck_report_ingest, dmarc-reports summary)"
{ cat "$M/dmarc-reports.conf"; echo "ReportDomains         bank.test home.test"; } > "$M/dmarc-reports-in.conf"
s_out=- s_line=- s_html=-
_i=0
while [ $_i -lt 100 ] &&
      ! grep -q 'report ingest: user=dmarc-reports: stored aggregate report .* domain=bank\.test' "$dovecot_log"; do
	sleep 0.1
	_i=$((_i + 1))
done
if grep -q 'report ingest: user=dmarc-reports: stored aggregate report .* domain=bank\.test' "$dovecot_log"; then
	s_out=ingested
	if "$reports" -c "$M/dmarc-reports-in.conf" -v --now "$later" import >> "$work/logs/dmarc-reports.log" 2>&1; then
		s_out="$s_out, imported"
	fi
	"$reports" -c "$M/dmarc-reports-in.conf" --now "$later" summary --domain bank.test \
		> "$work/logs/summary-bank.txt" 2>> "$work/logs/dmarc-reports.log"
	s_line=$(grep -m1 'bank\.test' "$work/logs/summary-bank.txt" | tr -s ' \t|' ' ' | cut -c1-100)
	[ -n "$s_line" ] || s_line=-
	if "$reports" -c "$M/dmarc-reports-in.conf" --now "$later" summary --html "$work/summary.html" \
		>> "$work/logs/dmarc-reports.log" 2>&1 && grep -q 'bank\.test' "$work/summary.html"; then
		s_html=$work/summary.html
	fi
fi
row 8 "reports in: row 7's report, read at delivery" "$s_out" "$s_line" "$s_html" \
	'ingested, imported' '.*bank\.test.*' '/.*/summary\.html'

# a server that died during the run explains rows that went wrong
if [ -n "$policyd_pid" ] && ! kill -0 "$policyd_pid" 2>/dev/null; then
	wait "$policyd_pid"
	st=$?
	echo "demo: spf-policyd (pid $policyd_pid) died during the run, exit status $st$([ $st -gt 128 ] && echo " (signal $((st - 128)))"); see $work/logs/spf-policyd.log"
	policyd_pid=
fi
if [ -n "$relay_pid" ] && ! kill -0 "$relay_pid" 2>/dev/null; then
	echo "demo: demo-relay.py died during the run; see $work/logs/relay.log"
	relay_pid=
fi

# --- 8. the table ---
echo
printf '%s' "$rows" | awk -F'|' '
	BEGIN { h[1] = "#"; h[2] = "message"; h[3] = "SMTP"; h[4] = "Authentication-Results"
		h[5] = "mailbox, keywords"; h[6] = "as expected"
		for (i = 1; i <= 6; i++) w[i] = length(h[i]) }
	{ n++; for (i = 1; i <= 6; i++) { c[n, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
	END {
		for (i = 1; i <= 6; i++) printf "%-*s%s", i < 6 ? w[i] : 0, h[i], i < 6 ? "  " : "\n"
		for (i = 1; i <= 6; i++) { s = ""; for (j = 0; j < w[i]; j++) s = s "-"; printf "%s%s", s, i < 6 ? "  " : "\n" }
		for (r = 1; r <= n; r++)
			for (i = 1; i <= 6; i++) printf "%-*s%s", i < 6 ? w[i] : 0, c[r, i], i < 6 ? "  " : "\n"
	}'
echo
cat <<EOF
1: submitted on the submission port, signed by dkim-signer (rsa-sha256 +
   ed25519-sha256), sent out through the Internet stand-in and received on
   the inbound port from mail.home.test (192.0.2.25), as bank.test's MX would.
2: spf-policyd: SPF fail for bank.test (-all) -> rejected at RCPT, never queued.
3: SPF passes, but for cheap-hosting.test: not aligned with the From domain, no
   signature -> DMARC fails; bank.test says p=reject -> dkimcheck files it
   into Junk (dkimcheck_reject = junk; "lmtp" would answer 550 instead).
4: the footer breaks the body hash of both signatures; home.test's p=none
   asks for monitoring only -> delivered to INBOX, tagged.
5: spf-policyd's DNS budget ran out: temperror -> 450 4.7.24; the sending
   server keeps the message and retries.  Nothing is lost.
6: the message arrived with an Authentication-Results field claiming our
   authserv-id; dkimcheck removed it (RFC 8601 section 5) and wrote the real one.
7: dkimcheck recorded rows 1, 3, 4 and 6 (dkimcheck_dmarc_history);
   dmarc-reports import + send (as at 00:15 UTC tomorrow: the day has ended)
   mailed one RFC 9990 report per policy domain, DKIM-signed for home.test,
   through the Internet stand-in.  bank.test's report (rows 3 and 6:
   quarantine + local_policy) arrived in dmarc-reports@bank.test: valid
   against RFC 9990's XSD, DKIM and DMARC pass (dkimcheck, and dkimpy).
8: that mailbox has dkimcheck_report_ingest = yes: dkimcheck read row 7's
   report at its delivery into the history directory (the mail itself is
   delivered as received); dmarc-reports import stored it, and
   "dmarc-reports summary --domain bank.test" printed the line shown;
   "summary --html" wrote the page named (open it in a browser).
EOF
echo

# --- 9. stop, or keep running ---
if [ $keep = 1 ]; then
	cat > "$work/stop.sh" <<EOF
#!/bin/sh
# stop the demo started in $work, by PID
/usr/sbin/postfix -c '$P/etc' stop > /dev/null 2>&1
i=0
while kill -0 $PF_MASTER_PID 2>/dev/null && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done
'$top/tests/harness/stop-pid.sh' $dovecot_pid $policyd_pid $relay_pid $bh_pid $ub_pid
left=\$(ps -eo pid=,args= | awk -v d='$work/' -v me=\$\$ 'index(\$0, d) && \$1 != me && !/awk/ { print \$1 }')
[ -z "\$left" ] || kill -9 \$left 2>/dev/null
echo "demo stopped; logs: $work/logs/"
EOF
	chmod 755 "$work/stop.sh"
	leave_up=1
	cat <<EOF
The stack is still running (--keep-running), everything in $work:
  DNS (unbound)     127.0.0.1:$ub_port   e.g. $authcheck dns TXT _dmarc.bank.test $dnsopt
  inbound smtpd     127.0.0.1:$in_port  (spf-policyd at RCPT; XCLIENT sets the client address)
      swaks --server 127.0.0.1:$in_port --xclient-addr 198.51.100.7 --helo mail.elsewhere.test \\
            --from carol@elsewhere.test --to alice@home.test --header 'Subject: by-hand-1'
  submission        127.0.0.1:$sub_port  (signed by dkim-signer)
      swaks --server 127.0.0.1:$sub_port --tls --auth PLAIN --auth-user alice --auth-password secret \\
            --from alice@home.test --to bob@bank.test --header 'Subject: by-hand-2'
  IMAP              127.0.0.1:$dovecot_imap_port  users alice, bob, password "secret" (plain login, no TLS);
      any IMAP client (ssh -L $dovecot_imap_port:127.0.0.1:$dovecot_imap_port for one elsewhere), or
      python3 $top/tests/harness/imap-read.py $dovecot_imap_port alice by-hand-1   (mailbox, keywords, header)
  LMTP              127.0.0.1:$dovecot_lmtp_port
Logs: $work/logs/.  Stop it with: $work/stop.sh
EOF
	exit $([ $failed = 0 ] && [ $checks = 6 ] && echo 0 || echo 1)
fi
stop_all
started=0
echo "Everything stopped.  Logs: $work/logs/ (postfix.log, dovecot.log, spf-policyd.log, dkim-signer.log, unbound.log, dmarc-reports.log)"
if [ -n "$(ls "$work/sanlog" 2>/dev/null)" ] ||
   grep -qs 'ERROR: AddressSanitizer\|runtime error:' "$work/logs/spf-policyd.log" "$work/logs/dkim-signer.log"; then
	echo "demo: sanitizer reports: $work/sanlog/, $work/logs/"
	exit 1
fi
if [ $checks != 6 ]; then
	echo "demo: $((6 - checks)) of the 6 checks of the published records failed"
	exit 1
fi
if [ $failed = 0 ]; then
	echo "demo: all 8 rows as expected"
	exit 0
fi
echo "demo: $failed of 8 rows not as expected"
exit 1
