#!/bin/sh
# postfix-dkim-signer.sh - dkim-signer behind a real private Postfix on
# loopback (tests/harness/postfix.sh), configured with the shipped
# configs/ files as make install puts them, real paths substituted, under
# $(docdir)/examples/dkim-signer (dkim-signer-master.cf, -main.cf,
# dkim-signer.conf, KeyTable, SigningTable), with only the instance's
# paths, ports, the user and the submission service's TLS/SASL lines
# replaced.  The signer runs installed (make install DESTDIR=scratch, via
# harness_install) as user nobody.
#
# Mail submitted on the submission port must leave signed, and the
# delivered copy must verify as pass with dkimpy (python3-dkim), with
# libopendkim (tests/peers/opendkim-peer) and with ours (authcheck
# verify), for rsa, ed25519 and dual signing.  Fault cases keep the
# message queued (deferred, never bounced) and deliver it signed after
# the fix + postqueue -f: key unreadable, re-injection failing, signer
# killed mid-message, bad config.  Also a 20 MB message, an 8-bit body,
# a From domain in no table (delivered unsigned) and a message already
# signed (not signed twice).
#
# Needs root (Postfix); exit 77 (SKIP) otherwise.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/postfix.sh"

harness_need_root "to run a private Postfix instance"
harness_need /usr/sbin/postfix /usr/bin/unshare /usr/bin/openssl
/usr/bin/python3 -c 'import dkim' 2>/dev/null || { echo "SKIP: python3-dkim not installed"; exit 77; }

BASE=$(harness_tmpdir postfix-dkim-signer)
cleanup() {
	pf_stop || echo "# processes were left after stop"
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT
trap "exit 1" INT TERM
pf_init "$BASE" || fail "pf_init"
uid=$(id -u nobody)
PF_FILTER_UID=$uid

# --- install: Postfix runs the signer as nobody, never from the build tree
pf_install "$MAILAUTH_BUILDDIR" "$BASE/inst" || fail "make install DESTDIR failed"
signer="$PF_PREFIX/libexec/dkim-signer"
[ -x "$signer" ] || fail "no installed $signer"
authcheck="$MAILAUTH_BUILDDIR/cli/authcheck"
odkpeer="$MAILAUTH_BUILDDIR/tests/peers/opendkim-peer"
[ -x "$odkpeer" ] || make -s -C "$MAILAUTH_BUILDDIR" tests/peers/opendkim-peer > /dev/null 2>&1
[ -x "$odkpeer" ] || { echo "SKIP: tests/peers/opendkim-peer cannot be built (apt-get install libopendkim-dev)"; exit 77; }

# --- keys (dkim-keygen; owned by the signing user, mode 600) and the
# signer's files
M=$BASE/mailauth
mkdir -p "$M/keys"
"$PF_PREFIX/bin/dkim-keygen" --domain example.com --selector rsa2026 --directory "$M/keys" > /dev/null || fail "dkim-keygen rsa"
"$PF_PREFIX/bin/dkim-keygen" --domain example.com --selector ed2026 --type ed25519 --directory "$M/keys" > /dev/null || fail "dkim-keygen ed25519"
chown -R nobody "$M/keys"
chmod 700 "$M/keys"
chmod 600 "$M/keys"/*.private
# the shipped configs as installed (paths substituted by make from the real
# libexecdir/sysconfdir: mk/configs.am); these very files are used, with
# the instance's paths in place of the real ones
ex=$(find "$harness_destdir" -type d -path '*/examples/dkim-signer' | head -1)
[ -f "$ex/dkim-signer-master.cf" ] || fail "examples not installed under \$(docdir)/examples/dkim-signer"
real_libexecdir=${harness_libexecdir#"$harness_destdir"}
real_sysconfdir=${harness_sysconfdir#"$harness_destdir"}
sub() { sed -e "s|$real_sysconfdir/mailauth/|$M/|g" -e "s|$real_libexecdir/dkim-signer|$signer|" "$@"; }
expect_eq "$(grep -l '@[a-z]*@' "$ex"/* 2>/dev/null)" "" "installed examples: every @dir@ substituted"
expect_match "$(cat "$ex/dkim-signer-master.cf")" "argv=$real_libexecdir/dkim-signer -c $real_sysconfdir/mailauth/dkim-signer.conf " "master.cf example names the installed program and config"
sub "$ex/dkim-signer-KeyTable" > "$M/KeyTable"
sub "$ex/dkim-signer-SigningTable" > "$M/SigningTable"
# single-algorithm domains for the rsa-only and ed25519-only cases
cat >> "$M/KeyTable" <<EOT
rsa-only  rsa.example:rsa2026:$M/keys/rsa2026.private
ed-only   ed.example:ed2026:$M/keys/ed2026.private
EOT
printf '*@rsa.example rsa-only\n*@ed.example ed-only\n' >> "$M/SigningTable"
{ sub "$ex/dkim-signer.conf"; printf 'Syslog no\nLogFile %s/log/signer.log\n' "$BASE"; } > "$M/dkim-signer.conf"
cp "$M/dkim-signer.conf" "$M/good.conf"
chmod 755 "$M"
chmod 644 "$M/KeyTable" "$M/SigningTable" "$M/dkim-signer.conf"
: > "$BASE/log/signer.log"
chown nobody "$BASE/log/signer.log"
out=$(su -s /bin/sh nobody -c "'$signer' -n -c '$M/dkim-signer.conf'" 2>&1)
expect_eq "$?:$out" "0:" "dkim-signer -n accepts the shipped config and loads every key"

# the published keys, for the three verifiers (no DNS needed)
pub_rsa=$(openssl pkey -in "$M/keys/rsa2026.private" -pubout -outform DER 2>/dev/null | base64 -w0)
pub_ed=$(openssl pkey -in "$M/keys/ed2026.private" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
for d in example.com rsa.example ed.example; do
	printf 'rsa2026._domainkey.%s v=DKIM1; k=rsa; p=%s\n' "$d" "$pub_rsa"
	printf 'ed2026._domainkey.%s v=DKIM1; k=ed25519; p=%s\n' "$d" "$pub_ed"
done > "$BASE/keys.txt"

# --- Postfix: shipped main.cf and master.cf lines
port=$(pf_free_port)
{ pf_main_cf "$uid"; cat "$ex/dkim-signer-main.cf"; printf "message_size_limit = 60000000\nvirtual_mailbox_limit = 0\n"; } > "$BASE/etc/main.cf"
pf_mailbox bob@test.example
grep -v '^#' "$ex/dkim-signer-master.cf" | sub | sed \
	-e "s|^submission inet  n       -       y|127.0.0.1:$port inet n - n|" \
	-e '/smtpd_tls_security_level/d' -e '/smtpd_sasl_auth_enable/d' \
	-e 's|smtpd_client_restrictions=permit_sasl_authenticated,reject|smtpd_client_restrictions=permit_mynetworks,reject|' \
	-e 's|user=dkimsign|user=nobody|' \
	-e 's|^pickup    unix  n       -       y|pickup unix n - n|' > "$BASE/etc/master.cf"
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

# --- rsa, ed25519, dual ---
send dual alice@example.com
f=$(pf_delivered bob test.example '^Subject: dual$') || fail "dual: not delivered"
verify3 dual "$f" "a=rsa-sha256 a=ed25519-sha256 "
expect_match "$(cat "$f")" "$(printf 'Gr\303\274\303\237e  with  spaces $')" "8-bit body delivered unchanged (no MIME conversion)"
send rsaonly alice@rsa.example
f=$(pf_delivered bob test.example '^Subject: rsaonly$') || fail "rsaonly: not delivered"
verify3 rsa "$f" "a=rsa-sha256 "
send edonly alice@ed.example
f=$(pf_delivered bob test.example '^Subject: edonly$') || fail "edonly: not delivered"
verify3 ed25519 "$f" "a=ed25519-sha256 "
expect_match "$(cat "$BASE/log/signer.log")" 'dkim-signer\[[0-9]+\]: [0-9A-F]+: from=<alice@example\.com>, signed d=example\.com s=rsa2026 a=rsa-sha256, d=example\.com s=ed2026 a=ed25519-sha256, size=[0-9]+, delay=[0-9]+ms' "one log line per message with the queue id"
expect_match "$(cat "$BASE/log/postfix.log")" 'relay=dkimsign, .*status=sent' "pipe(8) delivered via dkimsign"
expect_eq "$(grep -c 'relay=dkimsign' "$BASE/log/postfix.log")" 3 "re-injected mail is not filtered again"

# --- From domain in no table: delivered unsigned, logged ---
send notable carol@example.org
f=$(pf_delivered bob test.example '^Subject: notable$') || fail "notable: not delivered"
expect_no_match "$(cat "$f")" '^DKIM-Signature:' "From domain in no table: delivered unsigned"
expect_match "$(cat "$BASE/log/signer.log")" 'not signed: carol@example\.org in no SigningTable line' "From domain in no table: logged"

# --- already signed: not signed twice ---
printf 'From: alice@example.com\nTo: bob@test.example\nSubject: presigned\nDate: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <pre@example.com>\n\nsigned before\n' > "$BASE/pre.eml"
su -s /bin/sh nobody -c "'$signer' -c '$M/dkim-signer.conf' --stdout -f alice@example.com" < "$BASE/pre.eml" > "$BASE/presigned.eml"
send presigned alice@example.com "$BASE/presigned.eml"
f=$(pf_delivered bob test.example '^Subject: presigned$') || fail "presigned: not delivered"
expect_eq "$(grep -c '^DKIM-Signature:' "$f")" 2 "already signed: still two signatures, not four"
verify3 presigned "$f" "a=rsa-sha256 a=ed25519-sha256 "

# --- a 20 MB message ---
/usr/bin/python3 - "$BASE/big.eml" <<'PY'
import sys
line = b"0123456789abcdefghijklmnopqrstuvwxyz" * 2 + b"\r\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"From: alice@example.com\r\nTo: bob@test.example\r\nSubject: big\r\n\r\n")
    f.write(line * (20 * 1024 * 1024 // len(line)))
PY
send big alice@example.com "$BASE/big.eml"
f=$(pf_delivered bob test.example '^Subject: big$' 60) || fail "big: not delivered"
expect_eq "$([ "$(wc -c < "$f")" -gt 20000000 ] && echo yes)" yes "20 MB message delivered whole"
verify3 "20 MB" "$f" "a=rsa-sha256 a=ed25519-sha256 "

# fault CASE SETUP-CMD FIX-CMD LOG-ERE: the message is deferred (never
# bounced), found in the queue, and delivered signed after fix + flush
fault() {
	case=$1
	eval "$2"
	send "$case" alice@example.com
	pf_wait_log "status=deferred .*$4" 20
	expect_eq "$?" 0 "$case: deferred ($4)"
	expect_eq "$(pf_queue_ids | wc -l | tr -d ' ')" 1 "$case: the message is in the queue"
	eval "$3"
	pf_flush
	f=$(pf_delivered bob test.example "^Subject: $case\$" 30)
	expect_eq "$?" 0 "$case: delivered after the fix and postqueue -f"
	[ -n "$f" ] && verify3 "$case" "$f" "a=rsa-sha256 a=ed25519-sha256 "
	pf_wait_queue_empty 10
	expect_eq "$?" 0 "$case: queue empty again"
}
fault keyunreadable "chmod 644 '$M/keys/rsa2026.private'" \
	"chmod 600 '$M/keys/rsa2026.private'" "rsa2026.private: mode 644"
fault reinjectfails "echo 'ReinjectCommand /bin/false' >> '$M/dkim-signer.conf'" \
	"cp '$M/good.conf' '$M/dkim-signer.conf'" "/bin/false exited with status 1"
printf '#!/bin/sh\n# kills the signer (its parent) mid-message\ncat > /dev/null\nkill -9 $PPID\nexit 0\n' > "$BASE/inst/killer.sh"
chmod 755 "$BASE/inst/killer.sh"
fault killed "echo 'ReinjectCommand $BASE/inst/killer.sh' >> '$M/dkim-signer.conf'" \
	"cp '$M/good.conf' '$M/dkim-signer.conf'" "Command died with signal 9"
fault badconfig "echo 'Bogus yes' >> '$M/dkim-signer.conf'" \
	"cp '$M/good.conf' '$M/dkim-signer.conf'" "dkim-signer.conf:[0-9]+: Bogus: unknown option"
expect_no_match "$(cat "$BASE/log/postfix.log")" 'status=bounced' "nothing bounced"

pf_stop
expect_eq "$?" 0 "no Postfix or signer process left"
finish
