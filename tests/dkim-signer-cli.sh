#!/bin/sh
# dkim-signer-cli.sh - the dkim-signer program's contract with pipe(8),
# run directly (no Postfix): exit 0 when the message went on, 75
# (EX_TEMPFAIL) for every internal failure with nothing handed on; the
# re-injection argv built without a shell; the output is our fields plus
# the input bytes unchanged (LF, 8-bit); bounded memory for a large
# message; -n; one log line per message.  Signatures themselves are
# checked by dkimpy here (independent verifier) and, through Postfix, by
# tests/integration/postfix-dkim-signer.sh.
set -u
. "$srcdir/tests/harness/lib.sh"

signer="$MAILAUTH_BUILDDIR/dkim-signer/dkim-signer"
W=$(harness_tmpdir signer-cli)
trap 'rm -rf "$W"' EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/rsa.private" 2>/dev/null || fail "openssl"
openssl genpkey -algorithm ED25519 -out "$W/ed.private" 2>/dev/null || fail "openssl"
chmod 600 "$W"/*.private
cat > "$W/KeyTable" <<EOT
rsa   example.com:rsa2026:$W/rsa.private
ed    example.com:ed2026:$W/ed.private
EOT
printf '*@example.com rsa\n*@example.com ed\n' > "$W/SigningTable"
cat > "$W/signer.conf" <<EOT
# OpenDKIM option names
KeyTable            file:$W/KeyTable
SigningTable        refile:$W/SigningTable
MultipleSignatures  yes
Syslog              no     # to stderr
ReinjectCommand     $W/reinject.sh -G -i
EOT
# the public keys as a key table for dkimpy
pub_rsa=$(openssl pkey -in "$W/rsa.private" -pubout -outform DER 2>/dev/null | base64 -w0)
pub_ed=$(openssl pkey -in "$W/ed.private" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
printf 'rsa2026._domainkey.example.com v=DKIM1; k=rsa; p=%s\ned2026._domainkey.example.com v=DKIM1; k=ed25519; p=%s\n' \
	"$pub_rsa" "$pub_ed" > "$W/keys.txt"

dkimpy_verify() { # FILE -> "True True" for two good signatures
	/usr/bin/python3 - "$srcdir/tests/peers" "$W/keys.txt" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
t = dkimpy_peer.load_keytable(sys.argv[2])
m = open(sys.argv[3], "rb").read()
d = dkim.DKIM(m)
n = m.count(b"\nDKIM-Signature:") + m.startswith(b"DKIM-Signature:")
print(" ".join(str(d.verify(idx=i, dnsfunc=dkimpy_peer.dnsfunc_for(t))) for i in range(n)))
PY
}

# the re-injection stand-in: records argv (one per line) and stdin (the
# file appears only at end of input, as a queued message would)
cat > "$W/reinject.sh" <<EOT
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done > "$W/argv"
cat > "$W/injected.tmp" && mv "$W/injected.tmp" "$W/injected"
exit \${REINJECT_EXIT:-0}
EOT
chmod 755 "$W/reinject.sh"

printf 'From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: 8-bit\nDate: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <1@example.com>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGr\303\274\303\237e,  trailing spaces   \n\n\n' > "$W/msg.eml"

# --- --stdout: two signatures, input bytes unchanged after them ---
"$signer" -c "$W/signer.conf" --stdout -q 4ABCDEF -f alice@example.com < "$W/msg.eml" > "$W/out.eml" 2> "$W/err"
expect_eq "$?" 0 "--stdout: exit 0"
expect_eq "$(dkimpy_verify "$W/out.eml")" "True True" "rsa + ed25519 signatures verify with dkimpy"
n=$(grep -c '^DKIM-Signature:' "$W/out.eml")
expect_eq "$n" 2 "MultipleSignatures: two fields"
tail -c "$(wc -c < "$W/msg.eml")" "$W/out.eml" | cmp -s - "$W/msg.eml"
expect_eq "$?" 0 "the message bytes after our fields are the input bytes (LF, 8-bit)"
expect_no_match "$(cat "$W/out.eml")" "$(printf '\r')" "LF input gets LF fields (no CR anywhere)"
expect_match "$(cat "$W/err")" '^dkim-signer\[[0-9]+\]: 4ABCDEF: from=<alice@example.com>, signed d=example.com s=rsa2026 a=rsa-sha256, d=example.com s=ed2026 a=ed25519-sha256, size=[0-9]+, delay=[0-9]+ms$' "one Postfix-style log line"

# --- already signed: not signed twice ---
"$signer" -c "$W/signer.conf" --stdout -f alice@example.com < "$W/out.eml" > "$W/out2.eml" 2> "$W/err"
expect_eq "$?" 0 "already signed: exit 0"
cmp -s "$W/out.eml" "$W/out2.eml"
expect_eq "$?" 0 "already signed: passed on unchanged"
expect_match "$(cat "$W/err")" 'not signed: already signed by d=example.com s=(rsa|ed)2026' "already signed: logged"

# --- re-injection: argv without a shell ---
: > "$W/injected"
"$signer" -c "$W/signer.conf" -f 'alice@example.com' -- 'bob@example.net' 'x;touch '"$W"'/pwned;@example.net' '$(id)@example.net' < "$W/msg.eml" 2> "$W/err"
expect_eq "$?" 0 "re-injection: exit 0"
expect_eq "$(tr '\n' ' ' < "$W/argv")" '-G -i -f alice@example.com -- bob@example.net x;touch '"$W"'/pwned;@example.net $(id)@example.net ' "argv: command, -f SENDER -- RCPT..., verbatim"
expect_eq "$([ -e "$W/pwned" ] && echo yes)" "" "no shell ran a recipient"
expect_eq "$(dkimpy_verify "$W/injected")" "True True" "the re-injected message verifies"
"$signer" -c "$W/signer.conf" -f '' -- bob@example.net < "$W/msg.eml" 2>/dev/null
expect_eq "$(sed -n 3,4p "$W/argv" | tr '\n' ' ')" "-f  " "null sender passed as -f ''"

# --- every internal failure: 75, nothing handed on ---
tempfail() { # WHAT ERE -- signer args...
	what=$1 ere=$2
	shift 2
	rm -f "$W/injected"
	"$signer" "$@" < "$W/msg.eml" > "$W/out" 2> "$W/err"
	rc=$?
	expect_eq "$rc" 75 "$what: exit 75"
	expect_match "$(cat "$W/err")" "$ere" "$what: says why"
}
tempfail "missing config" "nonexistent.conf: No such file" -c "$W/nonexistent.conf" -f a@example.com -- b@example.net
printf 'KeyTable file:%s/KeyTable\nSigningTable refile:%s/SigningTable\nMode sv\n' "$W" "$W" > "$W/opendkim-only.conf"
tempfail "unknown option" "opendkim-only.conf:3: Mode: unknown option" -c "$W/opendkim-only.conf" -f a@example.com -- b@example.net
tempfail "bad value" "Canonicalization: invalid value" -c "$W/signer.conf" -o Canonicalization=sloppy -f a@example.com -- b@example.net
tempfail "usage (no -f)" "usage:" -c "$W/signer.conf" -- b@example.net
tempfail "re-injection exits 1" "/bin/false exited with status 1" -c "$W/signer.conf" -o "ReinjectCommand=/bin/false" -f a@example.com -- b@example.net
REINJECT_EXIT=75; export REINJECT_EXIT
tempfail "re-injection exits 75" "exited with status 75" -c "$W/signer.conf" -f a@example.com -- b@example.net
unset REINJECT_EXIT
printf '#!/bin/sh\nkill -9 $$\n' > "$W/die.sh"; chmod 755 "$W/die.sh"
tempfail "re-injection killed" "killed by signal 9" -c "$W/signer.conf" -o "ReinjectCommand=$W/die.sh" -f a@example.com -- b@example.net
tempfail "re-injection missing" "exited with status 75" -c "$W/signer.conf" -o "ReinjectCommand=/nonexistent/sendmail" -f a@example.com -- b@example.net
tempfail "relative re-injection command" "ReinjectCommand: needs an absolute" -c "$W/signer.conf" -o "ReinjectCommand=sendmail" -f a@example.com -- b@example.net
chmod 640 "$W/ed.private"
tempfail "key readable by group" "ed.private: mode 640 .*chmod 600" -c "$W/signer.conf" -f a@example.com -- b@example.net
expect_eq "$([ -e "$W/injected" ] && echo yes)" "" "nothing re-injected after a key failure"
chmod 600 "$W/ed.private"
if [ "$(id -u)" = 0 ]; then
	# another signing user: the key must be its own (RequireSafeKeys).
	# nobody runs a copy in $W: the build tree may be in a directory
	# only root can enter (a clone in /root)
	cp "$signer" "$W/dkim-signer.copy" && chmod 755 "$W/dkim-signer.copy"
	out=$(su -s /bin/sh nobody -c "'$W/dkim-signer.copy' -n -c '$W/signer.conf'" 2>&1)
	expect_eq "$?" 75 "key not owned by the signing user (nobody): -n exits 75"
	expect_match "$out" "owned by uid 0, not by the signing user \\(uid $(id -u nobody)\\)" "key not owned by the signing user: says why"
	# root reads every file: a 0600 key of the signing user is as safe
	# (dmarc-reports(8) run as root signs with dkim-signer's keys; the
	# demo found the refusal: its reports went unsent)
	chown nobody "$W/ed.private"
	out=$("$signer" -n -c "$W/signer.conf" 2>&1)
	expect_eq "$?:$out" "0:" "root: a 0600 key owned by the signing user loads"
	chown 0 "$W/ed.private"
fi
mv "$W/ed.private" "$W/ed.moved"
tempfail "key missing" "ed.private: No such file" -c "$W/signer.conf" -f a@example.com -- b@example.net
tempfail "-n with a missing key" "ed.private: No such file" -n -c "$W/signer.conf"
mv "$W/ed.moved" "$W/ed.private"
out=$("$signer" -n -c "$W/signer.conf" 2>&1)
expect_eq "$?:$out" "0:" "-n: the config and every key load"
head -c 400000 /dev/zero | tr '\0' 'x' | fold -w 76 > "$W/big.body"
cat "$W/msg.eml" "$W/big.body" > "$W/big.eml"
"$signer" -c "$W/signer.conf" -o TemporaryDirectory=/nonexistent --stdout -f a@example.com < "$W/big.eml" > "$W/out" 2> "$W/err"
expect_eq "$?" 75 "temp file cannot be made: exit 75"
expect_match "$(cat "$W/err")" "temporary file: No such file" "temp file failure: says why"
"$signer" -c "$W/signer.conf" -o TemporaryDirectory=/nonexistent --stdout -f a@example.com < "$W/msg.eml" > /dev/null 2>&1
expect_eq "$?" 0 "a small message needs no temp file"

# --- not signed, passed on: no From, multiple From, unknown domain ---
unsigned() { # WHAT REASON-ERE MESSAGE
	printf '%b' "$3" > "$W/u.eml"
	"$signer" -c "$W/signer.conf" --stdout -f a@example.com < "$W/u.eml" > "$W/out" 2> "$W/err"
	expect_eq "$?" 0 "$1: exit 0"
	cmp -s "$W/u.eml" "$W/out"
	expect_eq "$?" 0 "$1: passed on unchanged"
	expect_match "$(cat "$W/err")" "not signed: $2" "$1: logged"
}
unsigned "no From" "no From field" 'To: b@example.net\n\nx\n'
unsigned "multiple From" "multiple From fields" 'From: a@example.com\nFrom: b@example.com\n\nx\n'
unsigned "From domain in no table" "carol@example.org in no SigningTable line" 'From: carol@example.org\n\nx\n'
unsigned "empty input" "no From field" ''

# probe 2026-12 (informational): a bare CR hid a second From and the
# message was signed; "From :" (RFC 5322 4.5) was signed and dkimpy failed
# both signatures.  Both now pass unsigned with a log line.
unsigned "bare CR hides a From" "multiple From fields: bare CR or LF inside a header field hides a From field" 'X-Foo: bar\rFrom: m@evil.example\nFrom: a@example.com\n\nx\n'
unsigned "From :" "From field with white space before its colon" 'From : a@example.com\nSubject: t\n\nx\n'

# probe 2026-12 F09: any field claiming our d=/s= (even b=AAAA) stopped
# signing, and the message left with only the bogus signature.  Now both
# of ours are added and verify with dkimpy; the bogus one does not.
{ printf 'DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=ed2026; h=from; bh=AAAA; b=AAAA\n'; cat "$W/msg.eml"; } > "$W/bogus.eml"
"$signer" -c "$W/signer.conf" --stdout -f alice@example.com < "$W/bogus.eml" > "$W/out3.eml" 2> "$W/err"
expect_eq "$?" 0 "F09 forged claim: exit 0"
expect_eq "$(grep -c '^DKIM-Signature:' "$W/out3.eml")" 3 "F09 forged claim: signed anyway (ours above the forged one)"
# dkimpy raises on the forged field itself (bh=AAAA): verify ours without it
grep -v -F 'bh=AAAA; b=AAAA' "$W/out3.eml" > "$W/out3-ours.eml"
expect_eq "$(dkimpy_verify "$W/out3-ours.eml")" "True True" "F09 forged claim: our two signatures verify with dkimpy"
# F09: only the first 32 fields were remembered: with 32 others above
# ours, the same d=/s= signed a second time.  Now: recognised, unchanged.
for i in $(seq 1 40); do printf 'DKIM-Signature: v=1; a=rsa-sha256; d=x%s.test; s=s; h=from; bh=AAAA; b=AAAA\n' "$i"; done > "$W/junk"
cat "$W/junk" "$W/out.eml" > "$W/m40.eml"
"$signer" -c "$W/signer.conf" --stdout -f alice@example.com < "$W/m40.eml" > "$W/out40.eml" 2> "$W/err"
expect_eq "$?" 0 "F09 40 others above ours: exit 0"
cmp -s "$W/m40.eml" "$W/out40.eml"
expect_eq "$?" 0 "F09 40 others above ours: not signed twice, passed on unchanged"
expect_match "$(cat "$W/err")" 'not signed: already signed by d=example.com s=(rsa|ed)2026' "F09 40 others above ours: logged"
tail -c "$(wc -c < "$W/out.eml")" "$W/out40.eml" > "$W/ours-again.eml"
expect_eq "$(dkimpy_verify "$W/ours-again.eml")" "True True" "F09: the signatures kept are ours and verify with dkimpy"

# probe 2026-12 F07: a "%" key name (the man page's "*@*.example.org %")
# with no KeyTable line of that name was exit 75 for ever: not signed now
printf '*@*.example.org %%\n' > "$W/SigningTable.pct"
printf 'KeyTable file:%s/KeyTable\nSigningTable refile:%s/SigningTable.pct\nSyslog no\n' "$W" "$W" > "$W/pct.conf"
printf 'From: user@anything.example.org\nSubject: t\n\nhi\n' > "$W/pct.eml"
"$signer" -c "$W/pct.conf" --stdout -f user@anything.example.org < "$W/pct.eml" > "$W/out" 2> "$W/err"
expect_eq "$?" 0 "F07 '%' key name not in the KeyTable: exit 0, not 75"
cmp -s "$W/pct.eml" "$W/out"
expect_eq "$?" 0 "F07: passed on unchanged"
expect_match "$(cat "$W/err")" "not signed: key name 'anything.example.org' is not in the KeyTable" "F07: logged"

# probe 2026-12 F08: an inline private key in a 0644 KeyTable was accepted
seed=$(openssl pkey -in "$W/ed.private" -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
printf 'k example.com:ed2026:%s\n' "$seed" > "$W/KeyTable.inline"
chmod 644 "$W/KeyTable.inline"
printf '*@example.com k\n' > "$W/SigningTable.inline"
printf 'KeyTable file:%s/KeyTable.inline\nSigningTable refile:%s/SigningTable.inline\nSyslog no\n' "$W" "$W" > "$W/inline.conf"
out=$("$signer" -n -c "$W/inline.conf" 2>&1)
expect_eq "$?" 75 "F08 inline key, 0644 KeyTable: -n refuses"
expect_match "$out" "KeyTable.inline: mode 644 lets group/others read or write the private key written inline at line 1: chmod 600" "F08: -n says why and how to fix it"
"$signer" -c "$W/inline.conf" --stdout -f a@example.com < "$W/msg.eml" > "$W/out" 2> "$W/err"
expect_eq "$?" 75 "F08: refused at signing too"
chmod 600 "$W/KeyTable.inline"
out=$("$signer" -n -c "$W/inline.conf" 2>&1)
expect_eq "$?:$out" "0:" "F08: a 0600 KeyTable with an inline key loads"

# --- a large message streams with bounded memory ---
head -c 50000000 /dev/zero | tr '\0' 'y' | fold -w 998 > "$W/huge.body"
cat "$W/msg.eml" "$W/huge.body" > "$W/huge.eml"
rss=$(/usr/bin/time -f '%M' "$signer" -c "$W/signer.conf" --stdout -f a@example.com < "$W/huge.eml" 2>&1 > "$W/out" | tail -1)
expect_eq "$(tail -c "$(wc -c < "$W/huge.eml")" "$W/out" | cmp -s - "$W/huge.eml" && echo same)" same "50 MB message: bytes unchanged"
expect_eq "$([ "$rss" -lt 20000 ] && echo bounded)" bounded "50 MB message: max RSS ${rss} KiB < 20 MB"
expect_eq "$(dkimpy_verify "$W/out")" "True True" "50 MB message: signatures verify with dkimpy"

# --- killed while writing: nothing half-written is injected.  The
# stand-in is a wrapper that does NOT exec (probe 2026-12 F05: the guard
# killed only the wrapper's PID; its child saw end of input and queued a
# truncated copy): the child reads slowly and "queues" (renames its copy)
# itself at end of input; the guard must kill it before it sees that.
cat > "$W/slow.sh" <<EOT
#!/bin/sh
/usr/bin/python3 -c '
import os, sys, time
open("$W/slow.pid", "w").write(str(os.getpid()))
out = open("$W/partial", "wb")
while True:
    b = sys.stdin.buffer.read1(65536)
    if not b:
        break
    out.write(b); out.flush(); time.sleep(0.005)
out.close()
os.rename("$W/partial", "$W/complete")
'
EOT
chmod 755 "$W/slow.sh"
pid_gone() { # PID: wait (up to 60 s) until it is gone; "gone" or "alive"
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"
		echo alive
	else
		echo gone
	fi
}
killed_while_writing() { # WHAT SETSID-OR-EMPTY GROUP-KILL-OR-EMPTY
	rm -f "$W/partial" "$W/complete" "$W/slow.pid"
	$2 "$signer" -c "$W/signer.conf" -o "ReinjectCommand=$W/slow.sh" -f a@example.com -- b@example.net < "$W/huge.eml" 2>/dev/null &
	spid=$!
	i=0
	while [ "$(stat -c %s "$W/partial" 2>/dev/null || echo 0)" -lt 1000000 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
	if [ -n "$3" ]; then
		kill -9 "-$spid" # pipe(8) at its time_limit: the whole group
	else
		kill -9 "$spid" # the OOM killer: the signer alone
	fi
	wait "$spid"
	expect_eq "$?" 137 "$1: signer killed while writing to a wrapper"
	expect_eq "$(pid_gone "$(cat "$W/slow.pid")")" gone "$1: the wrapper's child is gone"
	expect_eq "$([ -e "$W/complete" ] && echo "queued $(wc -c < "$W/complete") bytes")" "" "$1: the wrapper's child never saw end of input (nothing truncated queued)"
	expect_eq "$(ps -eo args= | grep -c "^/bin/sh $W/slow.sh" | tr -d ' ')" 0 "$1: nothing of it left running"
}
killed_while_writing "killed alone" "" ""
# under pipe(8) the signer leads its process group and pipe(8) kills the
# group: the command's group must not escape that
killed_while_writing "group killed" setsid group

# --- probe 2026-12 F04: no deadline of its own - a hung re-injection
# command ran into pipe(8)'s time_limit, which bounces.  TimeLimit ends
# it with 75 first, and kills the command (nothing queued).
cat > "$W/hang.sh" <<EOT
#!/bin/sh
echo \$\$ > "$W/hang.pid"
[ "\$HANG_READ" = yes ] && cat > "$W/hang.tmp"
sleep 3600
mv "$W/hang.tmp" "$W/injected"
EOT
chmod 755 "$W/hang.sh"
for read in no yes; do
	rm -f "$W/injected" "$W/hang.pid" "$W/hang.tmp"
	HANG_READ=$read timeout 120 "$signer" -c "$W/signer.conf" -o TimeLimit=2 -o "ReinjectCommand=$W/hang.sh" -f a@example.com -- b@example.net < "$W/msg.eml" > /dev/null 2> "$W/err"
	expect_eq "$?" 75 "hung re-injection (reads all: $read): exit 75 at TimeLimit"
	expect_match "$(cat "$W/err")" "deferred: TimeLimit of 2s exceeded: $W/hang.sh killed by signal 9" "hung re-injection (reads all: $read): says why"
	expect_eq "$(pid_gone "$(cat "$W/hang.pid")")" gone "hung re-injection (reads all: $read): killed, with its children"
	expect_eq "$([ -e "$W/injected" ] && echo yes)" "" "hung re-injection (reads all: $read): nothing queued"
done
tempfail "TimeLimit below 1 s" "TimeLimit: " -c "$W/signer.conf" -o TimeLimit=0 -f a@example.com -- b@example.net
# blocked elsewhere (here: standard input never ends): the hard exit
mkfifo "$W/stdin.fifo"
exec 7<> "$W/stdin.fifo"
timeout 120 "$signer" -c "$W/signer.conf" -o TimeLimit=1 --stdout -f a@example.com < "$W/stdin.fifo" > "$W/out" 2> "$W/err"
expect_eq "$?" 75 "blocked reading: exit 75 after TimeLimit and the grace"
expect_match "$(cat "$W/err")" "^dkim-signer: TimeLimit of 1s exceeded" "blocked reading: says why on stderr"
exec 7>&-
# a key file that is a FIFO blocked open(2): refused at once instead
mv "$W/ed.private" "$W/ed.moved"
mkfifo -m 600 "$W/ed.private"
tempfail "key file is a FIFO" "ed.private: not a regular file" -c "$W/signer.conf" -o TimeLimit=60 -f a@example.com -- b@example.net
tempfail "-n with a FIFO key" "ed.private: not a regular file" -n -c "$W/signer.conf" -o TimeLimit=60
rm -f "$W/ed.private"
mv "$W/ed.moved" "$W/ed.private"

# --- probe 2026-12 F16: a command that exits 0 after it stopped reading:
# the deferral reason said "(null)"
printf '#!/bin/sh\nhead -c 100 > /dev/null\nexit 0\n' > "$W/short.sh"; chmod 755 "$W/short.sh"
"$signer" -c "$W/signer.conf" -o "ReinjectCommand=$W/short.sh" -f a@example.com -- b@example.net < "$W/big.eml" 2> "$W/err"
expect_eq "$?" 75 "re-injection stops reading, exits 0: exit 75"
expect_match "$(cat "$W/err")" "deferred: $W/short.sh exited with status 0 \(writing: Broken pipe\)" "re-injection stops reading, exits 0: says how it ended"
expect_no_match "$(cat "$W/err")" "null" "re-injection stops reading: no (null) in the reason"

# --- probe 2026-12 F03: a header too large to sign is passed on unsigned
# (exit 75 deferred it on every retry until it bounced); F10: an
# oversized From is not parsed (UBSan: NULL + 0 in the sanitizer build)
/usr/bin/python3 - "$W" <<'PY'
import os, sys
H = b"From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: t\n"
def w(n, d): open(os.path.join(sys.argv[1], n), "wb").write(d)
w("fields995.eml", H + b"".join(b"X-F%d: v\n" % i for i in range(990)) + b"\nhi\n")
w("fields1001.eml", H + b"".join(b"X-F%d: v\n" % i for i in range(1001)) + b"\nhi\n")
w("header1.5MB.eml", H + b"".join(b"X-F%d: %s\n" % (i, b"v" * 3000) for i in range(500)) + b"\nhi\n")
w("from300KB.eml", b"From: " + b"q" * 300000 + b" <alice@example.com>\nSubject: t\n\nhi\n")
PY
"$signer" -c "$W/signer.conf" --stdout -f a@example.com < "$W/fields995.eml" > "$W/out" 2> "$W/err"
expect_eq "$?:$(dkimpy_verify "$W/out")" "0:True True" "995 header fields: signed, dkimpy verifies"
for m in fields1001 header1.5MB from300KB; do
	"$signer" -c "$W/signer.conf" --stdout -f a@example.com < "$W/$m.eml" > "$W/out" 2> "$W/err"
	expect_eq "$?" 0 "$m: exit 0"
	cmp -s "$W/$m.eml" "$W/out"
	expect_eq "$?" 0 "$m: passed on unchanged"
	expect_match "$(cat "$W/err")" "not signed: header too large to sign" "$m: logged"
	expect_no_match "$(cat "$W/err")" "runtime error" "$m: no sanitizer report"
done

# --- probe 2026-12 F12: log lines carried raw From bytes (terminal
# escapes, fake log text) to LogFile and stderr
printf 'From: "x\033[2J\033[31m dkim-signer[1]: Q1: from=<ceo@example.com>, signed d=example.com"@other.test\nSubject: t\n\nhi\n' > "$W/esc.eml"
esc=$(printf '\033')
"$signer" -c "$W/signer.conf" --stdout -f a@example.com < "$W/esc.eml" > /dev/null 2> "$W/err"
expect_eq "$(grep -c "$esc" "$W/err")" 0 "stderr log: no raw ESC"
expect_match "$(cat "$W/err")" 'not signed: .*x\\x1B\[2J\\x1B\[31m' "stderr log: ESC written as \\x1B"
"$signer" -c "$W/signer.conf" -o "LogFile=$W/signer.log" --stdout -f a@example.com < "$W/esc.eml" > /dev/null 2>&1
expect_eq "$(grep -c "$esc" "$W/signer.log")" 0 "LogFile: no raw ESC"
expect_eq "$(wc -l < "$W/signer.log" | tr -d ' ')" 1 "LogFile: one line"

# --- probe 2026-12 F13: UserID GROUP was ignored; LogFile was opened as
# root, through symbolic links
tempfail "UserID with an unknown group" "UserID: no such group 'no-such-group-x'" -c "$W/signer.conf" -o "UserID=nobody:no-such-group-x" -f a@example.com -- b@example.net
tempfail "-n: UserID with an unknown group" "UserID: no such group 'no-such-group-x'" -n -c "$W/signer.conf" -o "UserID=nobody:no-such-group-x"
: > "$W/target.log"
ln -s "$W/target.log" "$W/link.log"
"$signer" -c "$W/signer.conf" -o "LogFile=$W/link.log" --stdout -f a@example.com < "$W/msg.eml" > /dev/null 2> "$W/err"
expect_eq "$?" 0 "LogFile a symbolic link: the message still goes on"
expect_eq "$(wc -c < "$W/target.log" | tr -d ' ')" 0 "LogFile a symbolic link: not followed"
expect_match "$(cat "$W/err")" "warning: LogFile $W/link.log: is a symbolic link" "LogFile a symbolic link: warned"
if [ "$(id -u)" = 0 ] && getent group mail > /dev/null && getent passwd nobody > /dev/null; then
	mkdir -m 777 "$W/ids"
	printf '#!/bin/sh\nid -gn > %s/ids/group\nid -Gn > %s/ids/groups\ncat > /dev/null\n' "$W" "$W" > "$W/id.sh"
	chmod 755 "$W/id.sh"
	printf 'From: carol@example.org\n\nx\n' | "$signer" -c "$W/signer.conf" -o "UserID=nobody:mail" -o "ReinjectCommand=$W/id.sh" -f a@example.com -- b@example.net 2> "$W/err"
	expect_eq "$?" 0 "UserID nobody:mail: exit 0"
	expect_eq "$(cat "$W/ids/group")" mail "UserID nobody:mail: the group is mail"
	expect_match " $(cat "$W/ids/groups") " " mail " "UserID nobody:mail: mail among the groups"
	mkdir -m 700 "$W/rootonly"
	printf 'From: carol@example.org\n\nx\n' | "$signer" -c "$W/signer.conf" -o "UserID=nobody" -o "LogFile=$W/rootonly/signer.log" --stdout -f a@example.com > /dev/null 2> "$W/err"
	expect_eq "$?" 0 "LogFile not writable by UserID: the message still goes on"
	expect_eq "$([ -e "$W/rootonly/signer.log" ] && echo created)" "" "LogFile opened after the privilege drop (not created as root)"
	expect_match "$(cat "$W/err")" "LogFile $W/rootonly/signer.log: Permission denied" "LogFile not writable by UserID: warned"
fi

# --version and --help: exit 0 with the name, or the usage, on stdout
out=$("$signer" --version 2>/dev/null); rc=$?
expect_eq "$rc" 0 "--version exits 0"
expect_match "$out" '^dkim-signer \(mailauth-pack\) [0-9]' "--version names the program and version"
out=$("$signer" --help 2>/dev/null); rc=$?
expect_eq "$rc" 0 "--help exits 0"
expect_match "$out" '^usage: dkim-signer ' "--help prints the usage on stdout"

finish
