#!/bin/sh
# postfix-dkim-signer-service.sh - dkim-signer's signing service
# (SigningSocket, issue #20 item 2) behind a real private Postfix on
# loopback: the shipped configs as installed (dkim-signer-master.cf with
# its dkim-signer-client argv line, dkim-signer.conf with SigningSocket
# set), the service started as `dkim-signer --serve` the way
# dkim-signer.service starts it, the installed programs.
#
# 1. Same user (the shipped layout): pipe(8) and the service both run
#    as nobody, the keys' owner.  Mail leaves signed by the service (no
#    in-process signing logged), rsa + ed25519 both pass with dkimpy,
#    libopendkim and authcheck.  Service stopped: the client signs
#    in-process, delivered signed, nothing deferred.
# 2. Keys out of the pipe's reach: the keys belong to root and only the
#    service (root, SigningClients nobody) reads them; pipe(8) runs the
#    client as nobody.  Signed by the service; service stopped: the
#    message is deferred (75), never bounced or passed on unsigned, and
#    delivered signed once the service is back and the queue flushed.
# Every process started here is stopped by its PID.  Needs root.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postfix.sh"

harness_need_root "to run a private Postfix instance"
harness_need /usr/sbin/postfix /usr/bin/unshare /usr/bin/openssl
/usr/bin/python3 -c 'import dkim' 2>/dev/null || { echo "SKIP: python3-dkim not installed"; exit 77; }

BASE=$(harness_tmpdir postfix-signer-service)
svc=
cleanup() {
	[ -n "$svc" ] && { kill "$svc" 2>/dev/null; wait "$svc" 2>/dev/null; }
	pf_stop || echo "# processes were left after stop"
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT
trap "exit 1" INT TERM
pf_init "$BASE" || fail "pf_init"
uid=$(id -u nobody)
PF_FILTER_UID=$uid

pf_install "$MAILAUTH_BUILDDIR" "$BASE/inst" || fail "make install DESTDIR failed"
signer="$PF_PREFIX/libexec/dkim-signer"
client="$PF_PREFIX/libexec/dkim-signer-client"
[ -x "$client" ] || fail "no installed $client"
authcheck="$MAILAUTH_BUILDDIR/cli/authcheck"
odkpeer="$MAILAUTH_BUILDDIR/tests/peers/opendkim-peer"
[ -x "$odkpeer" ] || make -s -C "$MAILAUTH_BUILDDIR" tests/peers/opendkim-peer > /dev/null 2>&1
[ -x "$odkpeer" ] || { echo "SKIP: tests/peers/opendkim-peer cannot be built (apt-get install libopendkim-dev)"; exit 77; }

M=$BASE/mailauth
mkdir -p "$M/keys"
"$PF_PREFIX/bin/dkim-keygen" --domain example.com --selector rsa2026 --directory "$M/keys" > /dev/null || fail "dkim-keygen rsa"
"$PF_PREFIX/bin/dkim-keygen" --domain example.com --selector ed2026 --type ed25519 --directory "$M/keys" > /dev/null || fail "dkim-keygen ed25519"
chown -R nobody "$M/keys"
chmod 700 "$M/keys"
chmod 600 "$M/keys"/*.private
ex=$(find "$harness_destdir" -type d -path '*/examples/dkim-signer' | head -1)
[ -f "$ex/dkim-signer.service" ] || fail "dkim-signer.service not installed under \$(docdir)/examples/dkim-signer"
real_libexecdir=${harness_libexecdir#"$harness_destdir"}
real_sysconfdir=${harness_sysconfdir#"$harness_destdir"}
sub() { sed -e "s|$real_sysconfdir/mailauth/|$M/|g" -e "s|$real_libexecdir/dkim-signer|$signer|" "$@"; }
expect_match "$(cat "$ex/dkim-signer.service")" "ExecStart=$real_libexecdir/dkim-signer --serve -c $real_sysconfdir/mailauth/dkim-signer.conf" "dkim-signer.service starts the installed service"
expect_match "$(cat "$ex/dkim-signer-master.cf")" "^#  argv=$real_libexecdir/dkim-signer-client -c $real_sysconfdir/mailauth/dkim-signer.conf " "master.cf example names the client for the service"
expect_match "$(cat "$ex/dkim-signer.conf")" '^#SigningSocket +/run/dkim-signer/sign.sock' "dkim-signer.conf example shows SigningSocket"
sub "$ex/dkim-signer-KeyTable" > "$M/KeyTable"
sub "$ex/dkim-signer-SigningTable" > "$M/SigningTable"
# the socket's directory, as RuntimeDirectory= makes it: 0750, the
# service user's
mkdir "$BASE/run-signer"
chown nobody:nogroup "$BASE/run-signer"
chmod 750 "$BASE/run-signer"
sock=$BASE/run-signer/sign.sock
{ sub "$ex/dkim-signer.conf" | sed "s|^#SigningSocket .*|SigningSocket $sock|"
  printf 'Syslog no\nLogFile %s/log/signer.log\n' "$BASE"; } > "$M/dkim-signer.conf"
chmod 755 "$M"
chmod 644 "$M/KeyTable" "$M/SigningTable" "$M/dkim-signer.conf"
: > "$BASE/log/signer.log"
chown nobody "$BASE/log/signer.log"
pub_rsa=$(openssl pkey -in "$M/keys/rsa2026.private" -pubout -outform DER 2>/dev/null | base64 -w0)
pub_ed=$(openssl pkey -in "$M/keys/ed2026.private" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
printf 'rsa2026._domainkey.example.com v=DKIM1; k=rsa; p=%s\ned2026._domainkey.example.com v=DKIM1; k=ed25519; p=%s\n' "$pub_rsa" "$pub_ed" > "$BASE/keys.txt"

# start_service [OPTIONS]: as dkim-signer.service does (as root here,
# UserID makes it the service user); waits for the socket
start_service() {
	rm -f "$sock"
	"$signer" --serve -c "$M/dkim-signer.conf" "$@" 2>> "$BASE/log/service.log" &
	svc=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$sock" ] || fail "service did not start: $(cat "$BASE/log/service.log" "$BASE/log/signer.log")"
}
stop_service() {
	kill "$svc"
	wait "$svc"
	expect_eq "$?" 0 "service stopped by SIGTERM, exit 0"
	svc=
}

# --- Postfix: the shipped main.cf and master.cf, the client's argv line
port=$(pf_free_port)
{ pf_main_cf "$uid"; cat "$ex/dkim-signer-main.cf"; } > "$BASE/etc/main.cf"
pf_mailbox bob@test.example
grep -v '^#' "$ex/dkim-signer-master.cf" | sub | sed \
	-e "s|argv=$signer |argv=$client |" \
	-e "s|^submission inet  n       -       y|127.0.0.1:$port inet n - n|" \
	-e '/smtpd_tls_security_level/d' -e '/smtpd_sasl_auth_enable/d' \
	-e 's|smtpd_client_restrictions=permit_sasl_authenticated,reject|smtpd_client_restrictions=permit_mynetworks,reject|' \
	-e 's|user=dkimsign|user=nobody|' \
	-e 's|^pickup    unix  n       -       y|pickup unix n - n|' > "$BASE/etc/master.cf"
expect_match "$(cat "$BASE/etc/master.cf")" "argv=$client -c $M/dkim-signer.conf" "pipe(8) runs dkim-signer-client"
pf_master_cf_stock | grep -v '^pickup ' >> "$BASE/etc/master.cf"
pf_start || fail "postfix did not start"

# send CASE FROM [FILE]: submit (Subject: CASE); FILE = whole message
send() {
	/usr/bin/python3 - "$port" "$1" "$2" "${3:-}" <<'PY'
import smtplib, sys
port, case, frm, path = sys.argv[1:5]
if path:
    data = open(path, "rb").read()
else:
    data = ("From: Alice <%s>\r\nTo: bob@test.example\r\nSubject: %s\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            "case %s\r\nGr\u00fc\u00dfe  with  spaces \r\n\r\n" % (frm, case, case)).encode()
s = smtplib.SMTP("127.0.0.1", int(port), timeout=60)
s.sendmail(frm, ["bob@test.example"], data)
s.quit()
PY
}

# per-signature copies of a delivered message: FILE.sig1, FILE.sig2 ...
split_sigs() {
	/usr/bin/python3 - "$1" <<'PY'
import re, sys
path = sys.argv[1]
m = open(path, "rb").read()
head, sep, body = m.partition(b"\n\n")
fields = re.split(rb"\n(?![ \t])", head)
sigs = [i for i, f in enumerate(fields) if f.lower().startswith(b"dkim-signature:")]
for n, keep in enumerate(sigs, 1):
    kept = [f for i, f in enumerate(fields) if i not in sigs or i == keep]
    open("%s.sig%d" % (path, n), "wb").write(b"\n".join(kept) + sep + body)
print(len(sigs))
PY
}

# verify CASE FILE WANT-ALGS: every signature passes with the 3 verifiers
verify3() {
	case=$1 f=$2 want=$3
	n=$(split_sigs "$f")
	algs=$(grep -A1 '^DKIM-Signature:' "$f" | grep -o 'a=[a-z0-9-]*' | tr '\n' ' ')
	expect_eq "$algs" "$want" "$case: signatures $want"
	i=1
	while [ $i -le "$n" ]; do
		r=$(/usr/bin/python3 - "$srcdir/tests/peers" "$BASE/keys.txt" "$f.sig$i" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
t = dkimpy_peer.load_keytable(sys.argv[2])
print("pass" if dkim.verify(open(sys.argv[3], "rb").read(), dnsfunc=dkimpy_peer.dnsfunc_for(t)) else "fail")
PY
)
		expect_eq "$r" pass "$case: signature $i passes with dkimpy"
		r=$("$odkpeer" verify --keytable "$BASE/keys.txt" "$f.sig$i" 2>&1 | awk '{ print $2 }')
		expect_eq "$r" pass "$case: signature $i passes with libopendkim"
		i=$((i + 1))
	done
	r=$("$authcheck" verify --no-dmarc --keytable "$BASE/keys.txt" "$f" 2>&1 | unfold_ar | grep -c '^ *dkim=pass')
	expect_eq "$r" "$n" "$case: all $n signatures pass with authcheck verify"
}


# verify2 CASE FILE: rsa + ed25519, each passes with the 3 verifiers
verify2() {
	case=$1 f=$2
	n=$(split_sigs "$f")
	algs=$(grep -A1 '^DKIM-Signature:' "$f" | grep -o 'a=[a-z0-9-]*' | tr '\n' ' ')
	expect_eq "$algs" "a=rsa-sha256 a=ed25519-sha256 " "$case: signatures rsa-sha256 and ed25519-sha256"
	i=1
	while [ $i -le "$n" ]; do
		r=$(/usr/bin/python3 - "$srcdir/tests/peers" "$BASE/keys.txt" "$f.sig$i" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
t = dkimpy_peer.load_keytable(sys.argv[2])
print("pass" if dkim.verify(open(sys.argv[3], "rb").read(), dnsfunc=dkimpy_peer.dnsfunc_for(t)) else "fail")
PY
)
		expect_eq "$r" pass "$case: signature $i passes with dkimpy"
		r=$("$odkpeer" verify --keytable "$BASE/keys.txt" "$f.sig$i" 2>&1 | awk '{ print $2 }')
		expect_eq "$r" pass "$case: signature $i passes with libopendkim"
		i=$((i + 1))
	done
	r=$("$authcheck" verify --no-dmarc --keytable "$BASE/keys.txt" "$f" 2>&1 | unfold_ar | grep -c '^ *dkim=pass')
	expect_eq "$r" 2 "$case: both signatures pass with authcheck verify"
}

# --- 1. same user: the service signs
start_service -o UserID=nobody
for c in one two three; do
	send "svc-$c" alice@example.com
	f=$(pf_delivered bob test.example "^Subject: svc-$c\$") || fail "svc-$c: not delivered"
	verify2 "svc-$c" "$f"
done
expect_match "$(cat "$BASE/log/signer.log")" 'dkim-signer\[[0-9]+\]: [0-9A-F]+: from=<alice@example\.com>, signed d=example\.com s=rsa2026 a=rsa-sha256, d=example\.com s=ed2026 a=ed25519-sha256, size=[0-9]+, delay=[0-9]+ms' "one log line per message with the queue id"
expect_no_match "$(cat "$BASE/log/signer.log")" 'signing in-process' "every message signed by the service"
expect_match "$(cat "$BASE/log/service.log" "$BASE/log/signer.log")" "serving $sock with 2 processes" "the service logs its start"

# service stopped: the client signs in-process (it can read the keys)
stop_service
send fallback alice@example.com
f=$(pf_delivered bob test.example '^Subject: fallback$') || fail "fallback: not delivered"
verify2 "service down, same user" "$f"
expect_match "$(cat "$BASE/log/signer.log")" "SigningSocket $sock: No such file or directory; signing in-process" "service down: the fallback is logged"

# --- 2. keys out of the pipe's reach: root's, read by the service only
chown -R root "$M/keys"
start_service -o UserID=root:nogroup -o SigningClients=nobody
send split alice@example.com
f=$(pf_delivered bob test.example '^Subject: split$') || fail "split: not delivered"
verify2 "keys only the service's" "$f"
stop_service
send deferred alice@example.com
pf_wait_log "status=deferred .*rsa2026.private: Permission denied" 20
expect_eq "$?" 0 "service down, keys unreadable: deferred (exit 75)"
expect_eq "$(pf_queue_ids | wc -l | tr -d ' ')" 1 "service down: the message stays in the queue"
expect_eq "$(grep -l '^Subject: deferred$' "$BASE/mail/test.example/bob/new/"* 2>/dev/null)" "" "service down: nothing delivered unsigned"
start_service -o UserID=root:nogroup -o SigningClients=nobody
pf_flush
f=$(pf_delivered bob test.example '^Subject: deferred$' 30)
expect_eq "$?" 0 "service back + postqueue -f: delivered"
[ -n "$f" ] && verify2 "after the deferral" "$f"
pf_wait_queue_empty 10
expect_eq "$?" 0 "queue empty again"
expect_no_match "$(cat "$BASE/log/postfix.log")" 'status=bounced' "nothing bounced"
stop_service

pf_stop
expect_eq "$?" 0 "no Postfix or signer process left"
finish
