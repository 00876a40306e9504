#!/bin/sh
# dkim-signer-service.sh - SigningSocket (issue #20 item 2): the pipe
# client hands the message to `dkim-signer --serve`, which holds the keys
# and OpenSSL; no Postfix here (tests/integration/postfix-dkim-signer-
# service.sh runs it through real Postfix).  Checked:
# - service up: a client that cannot read the keys (nobody, keys 0600
#   root) gets both signatures, verified by dkimpy and libopendkim;
# - nothing lost (dkim-signer.8 FAILURE): service down, a service that
#   closes mid-request, a garbage or forged reply, a TEMPFAIL reply, a
#   service that never answers (SigningTimeout; no hang): the client
#   signs in-process when it can read the keys (root) and verifies, or
#   exits 75 with nothing re-injected (nobody);
# - a peer whose uid is not in SigningClients is refused (SO_PEERCRED),
#   even though the socket's mode lets it connect;
# - the other way round, socket spoofing: a "service" run by another
#   local user is refused by the client (SO_PEERCRED: root, the client's
#   own user, or the owner of a directory no one else may write to),
#   which falls back as above;
# - the keys' modes and owners are the same after all of it;
# - a killed worker is replaced; SIGTERM stops the service and removes
#   the socket.
# Every process started here is stopped by its PID.
set -u
. "$srcdir/tests/harness/lib.sh"
harness_need_root

W=$(harness_tmpdir signer-service)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$W"' EXIT
# nobody runs a copy in $W: the build tree may be only root's
# (side by side, as installed: the client executes the dkim-signer next
# to it)
for p in dkim-signer dkim-signer-client; do
	cp "$MAILAUTH_BUILDDIR/dkim-signer/$p" "$W/$p" && chmod 755 "$W/$p" || fail "copy $p"
done
signer=$W/dkim-signer
# the pipe client: dkim-signer-client (no OpenSSL), or dkim-signer itself
# with SigningSocket set; both are run through every case
client=$W/dkim-signer-client
odkpeer="$MAILAUTH_BUILDDIR/tests/peers/opendkim-peer"
[ -x "$odkpeer" ] || make -s -C "$MAILAUTH_BUILDDIR" tests/peers/opendkim-peer > /dev/null 2>&1
[ -x "$odkpeer" ] || { echo "SKIP: tests/peers/opendkim-peer cannot be built (apt-get install libopendkim-dev)"; exit 77; }

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/rsa.private" 2>/dev/null || fail "openssl"
openssl genpkey -algorithm ED25519 -out "$W/ed.private" 2>/dev/null || fail "openssl"
chmod 600 "$W"/*.private # root's: nobody cannot read them
keymodes=$(stat -c '%n %a %U:%G' "$W"/*.private)
printf 'rsa example.com:rsa2026:%s/rsa.private\ned example.com:ed2026:%s/ed.private\n' "$W" "$W" > "$W/KeyTable"
printf '*@example.com rsa\n*@example.com ed\n' > "$W/SigningTable"
expect_eq "$(readelf -d "$client" | grep NEEDED | grep -c -e libcrypto -e libssl)" 0 "dkim-signer-client links no OpenSSL (nothing to initialise or load per message)"

# the socket's directory: 0750, group nogroup (nobody's)
mkdir "$W/run" && chgrp nogroup "$W/run" && chmod 750 "$W/run"
sock=$W/run/sign.sock
cat > "$W/signer.conf" <<EOT
KeyTable            file:$W/KeyTable
SigningTable        refile:$W/SigningTable
MultipleSignatures  yes
Syslog              no
ReinjectCommand     $W/reinject.sh -G -i
SigningSocket       $sock
SigningClients      nobody
SigningTimeout      2s
EOT
chmod 644 "$W/signer.conf" "$W/KeyTable" "$W/SigningTable"
pub_rsa=$(openssl pkey -in "$W/rsa.private" -pubout -outform DER 2>/dev/null | base64 -w0)
pub_ed=$(openssl pkey -in "$W/ed.private" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
printf 'rsa2026._domainkey.example.com v=DKIM1; k=rsa; p=%s\ned2026._domainkey.example.com v=DKIM1; k=ed25519; p=%s\n' \
	"$pub_rsa" "$pub_ed" > "$W/keys.txt"
# the re-injection stand-in: the file appears only at end of input
cat > "$W/reinject.sh" <<EOT
#!/bin/sh
cat > "$W/injected.tmp" && mv "$W/injected.tmp" "$W/injected"
EOT
chmod 755 "$W/reinject.sh"
chmod 777 "$W" # nobody's stand-in writes here (a test directory only)
printf 'From: Alice <alice@example.com>\nTo: bob@example.net\nSubject: service\nDate: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <s@example.com>\n\nGr\303\274\303\237e,  spaces   \n\n' > "$W/msg.eml"
chmod 644 "$W/msg.eml"

# verify FILE WHAT: both signatures pass with dkimpy and libopendkim
verify2() {
	n=$(/usr/bin/python3 - "$1" <<'PY'
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
)
	expect_eq "$n" 2 "$2: two signatures"
	algs=$(grep -A1 '^DKIM-Signature:' "$1" | grep -o 'a=[a-z0-9-]*' | tr '\n' ' ')
	expect_eq "$algs" "a=rsa-sha256 a=ed25519-sha256 " "$2: rsa-sha256 and ed25519-sha256"
	for i in 1 2; do
		r=$(/usr/bin/python3 - "$srcdir/tests/peers" "$W/keys.txt" "$1.sig$i" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
t = dkimpy_peer.load_keytable(sys.argv[2])
print("pass" if dkim.verify(open(sys.argv[3], "rb").read(), dnsfunc=dkimpy_peer.dnsfunc_for(t)) else "fail")
PY
)
		expect_eq "$r" pass "$2: signature $i passes with dkimpy"
		r=$("$odkpeer" verify --keytable "$W/keys.txt" "$1.sig$i" 2>&1 | awk '{ print $2 }')
		expect_eq "$r" pass "$2: signature $i passes with libopendkim"
	done
}

# run AS WHAT [-o ...]: the pipe client, as pipe(8) runs it; sets $rc
run() {
	as=$1 what=$2
	shift 2
	rm -f "$W/injected"
	if [ "$as" = root ]; then
		timeout 60 "$client" -c "$W/signer.conf" "$@" -q Q1 -f alice@example.com -- bob@example.net < "$W/msg.eml" 2> "$W/err"
	else
		timeout 60 su -s /bin/sh nobody -c "'$client' -c '$W/signer.conf' $* -q Q1 -f alice@example.com -- bob@example.net" < "$W/msg.eml" 2> "$W/err"
	fi
	rc=$?
}

start_service() { # the real service, as root (the keys' owner)
	"$signer" --serve -c "$W/signer.conf" "$@" 2>> "$W/service.log" &
	svc=$!
	pids="$pids $svc"
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$sock" ] || fail "service did not start: $(cat "$W/service.log")"
	chgrp nogroup "$sock" # the socket's group: the pipe user's
}
stop_service() {
	kill "$svc"
	wait "$svc"
	rc=$?
}

start_service
for client_name in dkim-signer-client dkim-signer; do
client=$W/$client_name
# --- service up: a client that cannot read the keys gets both signatures
expect_match "$(stat -c %a "$sock")" '^660$' "the socket is mode 0660"
run nobody "$client_name: service up"
expect_eq "$rc" 0 "$client_name: service up: the client (nobody, keys unreadable) exits 0"
verify2 "$W/injected" "$client_name: service up"
tail -c "$(wc -c < "$W/msg.eml")" "$W/injected" | cmp -s - "$W/msg.eml"
expect_eq "$?" 0 "$client_name: service up: the message bytes after the fields are the input's"
expect_match "$(cat "$W/err")" '^dkim-signer\[[0-9]+\]: Q1: from=<alice@example.com>, signed d=example.com s=rsa2026 a=rsa-sha256, d=example.com s=ed2026 a=ed25519-sha256, size=[0-9]+, delay=[0-9]+ms$' "$client_name: service up: the client's one log line"

# not in the SigningTable: the service's verdict, delivered unsigned
sed 's/alice@example.com/carol@example.org/' "$W/msg.eml" > "$W/other.eml"
rm -f "$W/injected"
su -s /bin/sh nobody -c "'$client' -c '$W/signer.conf' -f carol@example.org -- bob@example.net" < "$W/other.eml" 2> "$W/err"
expect_eq "$?" 0 "$client_name: unsigned verdict: exit 0"
cmp -s "$W/other.eml" "$W/injected"
expect_eq "$?" 0 "$client_name: unsigned verdict: passed on unchanged"
expect_match "$(cat "$W/err")" 'not signed: carol@example.org in no SigningTable line' "$client_name: unsigned verdict: the service's reason logged"

done
client=$W/dkim-signer-client

# the client opens no key, even as root who could: the service signs
if [ -x /usr/bin/strace ]; then
	rm -f "$W/injected"
	# (LeakSanitizer cannot run under ptrace: off for this one run)
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -e trace=open,openat -o "$W/trace" "$client" -c "$W/signer.conf" -q Q1 -f alice@example.com -- bob@example.net < "$W/msg.eml" 2> "$W/err"
	expect_eq "$?" 0 "traced client: exit 0"
	expect_eq "$(grep -c '\.private' "$W/trace")" 0 "dkim-signer-client (root, service up) opens no key file"
	verify2 "$W/injected" "traced client"
fi

# --- a peer whose uid is not in SigningClients: refused by SO_PEERCRED
stop_service
start_service -o SigningClients=daemon
run nobody "wrong uid"
expect_eq "$rc" 75 "wrong uid: refused, no keys: exit 75"
expect_eq "$([ -e "$W/injected" ] && echo yes)" "" "wrong uid: nothing re-injected"
expect_match "$(cat "$W/service.log")" "connection refused: peer uid $(id -u nobody) is not a SigningClients user" "wrong uid: the service logs the refusal"
expect_match "$(cat "$W/err")" "SigningSocket $sock: (no reply|Connection reset by peer|Broken pipe); signing in-process" "wrong uid: the client logs the fallback"

# --- a killed worker is replaced; SIGTERM stops it all
stop_service
start_service -o SigningProcesses=1
worker=$(pgrep -P "$svc" | head -1)
kill -9 "$worker"
i=0
while { [ "$(pgrep -P "$svc" | wc -l)" != 1 ] || pgrep -P "$svc" | grep -qx "$worker"; } && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
run nobody "worker replaced"
expect_eq "$rc" 0 "killed worker: replaced, the next message is signed"
verify2 "$W/injected" "after a killed worker"
# a peer that connects and trickles a byte a second, never finishing,
# holds the only worker at most SigningTimeout (2 s): the next message
# is still signed by the service (timeout 60 and the order prove it:
# without the bound the client would time out and fall back)
/usr/bin/python3 - "$sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
try:
    for b in b"SIGN 0 0 0 100000\n" + b"x" * 40:
        s.send(bytes([b]))
        time.sleep(1)
except OSError:
    pass
PY
trickler=$!
pids="$pids $trickler"
sleep 0.5
run nobody "after a trickling peer" -o SigningTimeout=8s
expect_eq "$rc" 0 "trickling peer: the next message is signed"
expect_no_match "$(cat "$W/err")" "signing in-process" "trickling peer: by the service (no fallback)"
expect_match "$(cat "$W/service.log")" "request refused: timed out" "trickling peer: dropped at SigningTimeout, logged"
kill "$trickler" 2>/dev/null
wait "$trickler" 2>/dev/null
stop_service
expect_eq "$rc" 0 "SIGTERM: the service exits 0"
expect_eq "$([ -e "$sock" ] && echo left)" "" "SIGTERM: the socket is removed"
expect_eq "$(pgrep -P "$svc" | wc -l | tr -d ' ')" 0 "SIGTERM: no worker left"

# --- failures: root (can read the keys) signs in-process; nobody: 75
fallback() { # WHAT LOG-ERE
	run root "$1"
	expect_eq "$rc" 0 "$1: root falls back: exit 0"
	expect_match "$(cat "$W/err")" "warning: Q1: SigningSocket $sock: $2; signing in-process" "$1: the fallback is logged with the reason"
	[ -e "$W/injected" ] && verify2 "$W/injected" "$1 (in-process)"
	run nobody "$1"
	expect_eq "$rc" 75 "$1: nobody (no keys): exit 75"
	expect_eq "$([ -e "$W/injected" ] && echo yes)" "" "$1: nobody: nothing re-injected unsigned"
}
for client_name in dkim-signer-client dkim-signer; do
client=$W/$client_name
rm -f "$sock"
fallback "$client_name: service down" "No such file or directory"

# stand-in services: MODE decides what they do with one request
fake() { # MODE [SOCKET [USER]]: as root, or as USER (another local user)
	fsock=${2:-$sock}
	setpriv --reuid="${3:-root}" --regid="${3:-root}" --clear-groups \
		/usr/bin/python3 - "$fsock" "$1" <<'PY' &
import os, socket, sys, time
path, mode = sys.argv[1:3]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o666)
s.listen(8)
replies = {
    "garbage": b"HELLO WORLD\n",
    "forged": b"SIGNED 1 17\nrsa-sha256 example.com rsa2026\nX-Evil: not dkim\n",
    "short": b"SIGNED 2 400\nrsa-sha256 example.com rsa2026\n",
    "tempfail": b"TEMPFAIL 11\nkey trouble",
    # well-formed: what a spoofer (not the service) would answer
    "wellformed": b"SIGNED 1 72\nrsa-sha256 example.com rsa2026\n"
                  b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa2026; b=Zm9yZ2Vk\n",
    "unsigned": b"UNSIGNED 7\nspoofed",
}
while True:
    c, _ = s.accept()
    if mode == "midway":
        c.recv(10)
        c.close()
        continue
    if mode == "silent":
        time.sleep(30)
        c.close()
        continue
    c.settimeout(5)
    data = b""
    while b"bob" not in data and b"spaces" not in data:
        d = c.recv(65536)
        if not d:
            break
        data += d
    try:
        c.sendall(replies[mode])
    except OSError:
        pass  # the client refused it and closed
    c.close()
PY
	fpid=$!
	pids="$pids $fpid"
	i=0
	while [ ! -S "$fsock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
unfake() { kill "$fpid"; wait "$fpid" 2>/dev/null; rm -f "$fsock"; }
fake midway; fallback "$client_name: closed mid-request" "(no reply|Broken pipe|Connection reset by peer)"; unfake
fake garbage; fallback "$client_name: garbage reply" "malformed reply line"; unfake
fake forged; fallback "$client_name: forged fields" "malformed reply"; unfake
fake short; fallback "$client_name: truncated reply" "malformed reply"; unfake
fake tempfail; fallback "$client_name: TEMPFAIL reply" "service failed: key trouble"; unfake
fake silent
t0=$(date +%s)
fallback "$client_name: never answers" "timed out"
t1=$(date +%s)
unfake
expect_eq "$([ $((t1 - t0)) -lt 50 ] && echo bounded)" bounded "$client_name: never answers: SigningTimeout ends the wait (no hang)"

# --- socket spoofing: SigningSocket in a directory anyone may write to
# (a sticky /tmp), the service down, another local user (daemon) binds
# the path and answers a well-formed reply: the client checks the peer
# (root, its own user, or the directory's owner with no one else able
# to write there) and falls back, so the spoofer neither makes the mail
# go on unsigned or with its fields, nor gets a message past the check
mkdir -p "$W/tmp" "$W/daemon" && chmod 1777 "$W/tmp"
for mode in wellformed unsigned; do
	fake "$mode" "$W/tmp/sign.sock" daemon
	expect_eq "$(stat -c %U "$W/tmp/sign.sock")" daemon "spoof $mode: the socket is daemon's"
	run root "$client_name: spoofed ($mode)" -o "SigningSocket=$W/tmp/sign.sock"
	expect_eq "$rc" 0 "$client_name: spoofed ($mode): root signs in-process: exit 0"
	expect_match "$(cat "$W/err")" "warning: Q1: SigningSocket $W/tmp/sign.sock: service uid $(id -u daemon) is not root, ours or the owner of $W/tmp \\(writable by no one else\\); signing in-process" "$client_name: spoofed ($mode): refused, logged"
	[ -e "$W/injected" ] && verify2 "$W/injected" "$client_name: spoofed ($mode), in-process"
	run nobody "$client_name: spoofed ($mode)" -o "SigningSocket=$W/tmp/sign.sock"
	expect_eq "$rc" 75 "$client_name: spoofed ($mode): nobody (no keys): exit 75"
	expect_eq "$([ -e "$W/injected" ] && echo yes)" "" "$client_name: spoofed ($mode): nobody: nothing re-injected"
	unfake
done
# the service's own directory (daemon's, 0750): daemon is the service,
# its verdict is taken; the same directory group-writable: refused
chown daemon:nogroup "$W/daemon"
for mode in 750 770; do
	chmod "$mode" "$W/daemon"
	fake unsigned "$W/daemon/sign.sock" daemon
	run nobody "$client_name: service as its directory's owner ($mode)" -o "SigningSocket=$W/daemon/sign.sock"
	if [ "$mode" = 750 ]; then
		expect_eq "$rc" 0 "$client_name: directory owner's service (0750): its verdict taken"
		expect_match "$(cat "$W/err")" "not signed: spoofed" "$client_name: directory owner's service (0750): its reason logged"
	else
		expect_eq "$rc" 75 "$client_name: directory group-writable (0770): refused, nobody: exit 75"
	fi
	unfake
done
done

# the keys are as they were: only their owner reads them (issue #20:
# "the key never becomes readable by more users than today")
expect_eq "$(stat -c '%n %a %U:%G' "$W"/*.private)" "$keymodes" "key files: modes and owners unchanged"
finish
