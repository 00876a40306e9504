#!/bin/sh
# policyd-stdio.sh - the spf-policyd binary in stdin/stdout mode (as
# spawn(8) runs it, here on pipes) against a real unbound: pipelined
# requests answered in order, the instance de-duplication, a DNS server
# that never answers (the request is still answered, with temperror, by
# Lookup_Time), a bad request (DUNNO) and garbage (connection closed).
set -u
. "$srcdir/tests/harness/lib.sh"

policyd="$MAILAUTH_BUILDDIR/postfix-policyd/spf-policyd"
work=$(harness_tmpdir policyd-stdio)
harness_unbound "$work/unbound" \
	"$srcdir/tests/fixtures/policyd-zones.conf"
# a DNS server that drops every query, for slow.example.
bh_port=$(/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -c 'import socket, sys, time
p = int(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
t = socket.socket(); t.bind(("127.0.0.1", p)); t.listen(8)
time.sleep(120)' "$bh_port" &
bh_pid=$!
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid $bh_pid; rm -rf "$work"' EXIT

{
	"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port"
	printf 'forward-zone:\n\tname: "slow.example."\n\tforward-addr: 127.0.0.1@%s\n' "$bh_port"
} > "$work/lib.conf"
cat > "$work/policyd.conf" <<CONF
resolver_config = $work/lib.conf
Authserv_Id = mx.test.example
Lookup_Time = 1s
dns_timeout = 5s
CONF

req() { # CLIENT HELO SENDER INSTANCE
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nclient_name=unknown\nhelo_name=%s\nsender=%s\nrecipient=a@test.example\ninstance=%s\nsasl_username=\n\n' "$@"
}

# four requests in one write: answered in order; the repeated instance
# gets DUNNO (its header was given already)
out=$({ req 192.0.2.1 mail.spf.test u@pass.spf.test i1
	req 192.0.2.1 mail.spf.test u@pass.spf.test i1
	req 192.0.2.1 mail.spf.test u@fail.spf.test i2
	req 192.0.2.1 mail.spf.test u@softfail.spf.test i3; sleep 2; } |
	"$policyd" -c "$work/policyd.conf")
expect_eq "$(printf '%s\n' "$out" | grep -c '^action=')" 4 "four pipelined requests, four answers"
expect_eq "$(printf '%s\n' "$out" | grep '^action=' | cut -c1-36 | tr '\n' '|')" \
	"action=PREPEND Received-SPF: pass (d|action=DUNNO|action=550 5.7.23 192.0.2.1 is not a|action=PREPEND Received-SPF: softfai|" \
	"answers in request order"
expect_eq "$(printf '%s\n' "$out" | awk 'NR % 2 == 0' | tr -d '\n')" "" "each answer ends with an empty line"

# a DNS server that never answers: temperror by Lookup_Time (1 s), not a
# hang and not at dns_timeout (60 s here).  Proved by order, not by the
# clock: the writer keeps stdin open until the answer is in the output (30
# s at most), so an answer given only at dns_timeout or at EOF comes after
# "stdin closed" and fails.
: > "$work/slow.out"
{ req 192.0.2.1 mail.spf.test u@x.slow.example i4
	i=0
	while [ $i -lt 300 ] && ! grep -q '^action=' "$work/slow.out"; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q '^action=' "$work/slow.out"; then echo answered-while-open; else echo stdin-closed-first; fi > "$work/slow.order"
} | "$policyd" -c "$work/policyd.conf" -o dns_timeout=60s > "$work/slow.out"
out=$(cat "$work/slow.out")
expect_match "$out" '^action=DEFER_IF_PERMIT 4\.7\.24 SPF temperror: SPF check timed out$' "unanswered DNS: 4.7.24 deferral"
expect_eq "$(cat "$work/slow.order")" "answered-while-open" "answered by Lookup_Time while stdin was still open"

# a request over max_request_size: DUNNO, and the next one still works
big=$(head -c 20000 /dev/zero | tr '\0' x)
out=$({ printf 'request=smtpd_access_policy\nccert_subject=%s\n\n' "$big"
	req 192.0.2.1 mail.spf.test u@pass.spf.test i5; sleep 1; } |
	"$policyd" -c "$work/policyd.conf")
expect_match "$out" '^action=DUNNO$' "oversized request: DUNNO"
expect_match "$out" '^action=PREPEND Received-SPF: pass ' "the next request is answered"

# garbage: the connection is closed without an answer
out=$({ printf 'GET / HTTP/1.0\r\n\r\n'; sleep 1; req 192.0.2.1 mail.spf.test u@pass.spf.test i6; } |
	"$policyd" -c "$work/policyd.conf")
expect_eq "$out" "" "garbage: closed, nothing answered"

# Domain_Whitelist (policyd-spf.conf(5)): the client passes SPF for a
# listed domain -> not checked; another client is still checked
run1() { # CLIENT HELO SENDER OPTIONS...
	c=$1 h=$2 f=$3
	shift 3
	{ req "$c" "$h" "$f" w1; sleep 1; } | "$policyd" -c "$work/policyd.conf" "$@"
}
out=$(run1 203.0.113.5 mail.spf.test u@fail.spf.test -o Domain_Whitelist=trusted.spf.test)
expect_match "$out" '^action=PREPEND Received-SPF: none \(not checked: Domain_Whitelist trusted\.spf\.test passes\) ' "Domain_Whitelist: client passing trusted.spf.test is not checked (and says so in its field)"
out=$(run1 192.0.2.1 mail.spf.test u@fail.spf.test -o Domain_Whitelist=trusted.spf.test)
expect_match "$out" '^action=550 5\.7\.23 ' "Domain_Whitelist: other clients are checked"
# HELO_Whitelist: only when the HELO name's A record is the client
out=$(run1 192.0.2.1 mail.spf.test u@fail.spf.test -o HELO_Whitelist=mail.spf.test)
expect_match "$out" '^action=PREPEND Received-SPF: none \(not checked: HELO_Whitelist\) ' "HELO_Whitelist: HELO whose A record is the client is not checked (and says so in its field)"
out=$(run1 198.51.100.7 mail.spf.test u@fail.spf.test -o HELO_Whitelist=mail.spf.test)
expect_match "$out" '^action=550 5\.7\.23 ' "HELO_Whitelist: a forged HELO is checked"

# the daemon: 200 connections at once, each with 3 pipelined requests,
# all answered correctly on one event loop
sock="$work/d.sock"
"$policyd" -c "$work/policyd.conf" --listen "unix:$sock" </dev/null >/dev/null 2>&1 &
d_pid=$!
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid $bh_pid $d_pid; rm -rf "$work"' EXIT
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
out=$(/usr/bin/python3 - "$sock" <<'PY'
import socket, sys, collections
def req(sender, inst):
    return ("request=smtpd_access_policy\nprotocol_state=RCPT\n"
            "client_address=192.0.2.1\nhelo_name=mail.spf.test\n"
            "sender=%s\ninstance=%s\nsasl_username=\n\n" % (sender, inst)).encode()
conns = []
for i in range(200):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(30)
    s.sendall(req("u@pass.spf.test", "p%d" % i) + req("u@fail.spf.test", "f%d" % i)
              + req("u@inc.spf.test", "i%d" % i))
    conns.append(s)
counts = collections.Counter()
for s in conns:
    data = b""
    while data.count(b"\n\n") < 3:
        chunk = s.recv(65536)
        if not chunk: break
        data += chunk
    answers = [a.split(b" ")[0] + b" " + a.split(b" ")[1] for a in data.split(b"\n\n") if a]
    counts[b"|".join(answers).decode()] += 1
for k, v in counts.items(): print(v, k)
PY
)
expect_eq "$out" "200 action=PREPEND Received-SPF:|action=550 5.7.23|action=PREPEND Received-SPF:" "200 concurrent pipelining connections: every answer right and in order"
"$srcdir/tests/harness/stop-pid.sh" $d_pid
expect_eq "$(kill -0 $d_pid 2>/dev/null && echo alive)" "" "daemon stops on SIGTERM"

# a configured user that cannot be switched to: refuse to start
out=$("$policyd" -e -c "$work/policyd.conf" -o user=no-such-user-mailauth \
	--listen "unix:$work/u.sock" </dev/null 2>&1)
expect_eq "$?" 78 "unknown user: refuses to start (78, a configuration error, as -n says)"
expect_match "$out" 'fatal: user: no such user' "unknown user: says why"

# -n: configuration check only
printf 'Header_Type = XML\n' > "$work/bad.conf"
out=$("$policyd" -n -c "$work/bad.conf" 2>&1)
expect_eq "$?" 78 "-n with a bad config exits 78 (EX_CONFIG)"
expect_match "$out" "bad.conf:1: Header_Type: " "-n reports FILE:LINE: option: problem"
# --- starts right or says why (issue 10, section 3) ---
# a regular file on stdin (libevent's epoll cannot watch one): answered,
# then the program ends at the end of the file
req 127.0.0.1 localhost u@localhost f1 > "$work/requests"
req 127.0.0.1 localhost u@localhost f2 >> "$work/requests"
out=$(timeout 20 "$policyd" -c "$work/policyd.conf" < "$work/requests")
expect_eq "$?:$(printf '%s\n' "$out" | grep -c '^action=PREPEND Received-SPF: none (not checked: skip_addresses)')" "0:2" \
	"regular file on stdin: both requests answered, exit 0 at its end"
# -n checks the listen spec, the port range, the user, the resolver file
out=$("$policyd" -n -c "$work/policyd.conf" --listen inet:127.0.0.1:99999 2>&1)
expect_eq "$?" 78 "-n: port 99999 is a configuration error (78)"
expect_match "$out" "inet:127\.0\.0\.1:99999: port '99999' is not a number from 1 to 65535" "-n: says which port is wrong"
out=$("$policyd" -n -c "$work/policyd.conf" --listen relative.sock 2>&1)
expect_eq "$?" 78 "-n: a listen spec without unix:/inet: is a configuration error"
out=$("$policyd" -n -c "$work/policyd.conf" --listen "unix:$work/no-such-dir/p.sock" 2>&1)
expect_match "$?:$out" "^78:.*no-such-dir/p\.sock: directory .*no-such-dir: No such file or directory" "-n: a unix socket in a directory that does not exist (78, named)"
out=$("$policyd" -n -c "$work/policyd.conf" -o user=no-such-user-mailauth --listen "unix:$work/x.sock" 2>&1)
expect_eq "$?:$out" "78:spf-policyd: fatal: user: no such user" "-n: a user that does not exist (78)"
out=$("$policyd" -n -o resolver_config=/nonexistent/unbound.conf 2>&1)
expect_eq "$?" 78 "-n: a missing resolver_config is a configuration error"
expect_match "$out" '^spf-policyd: fatal: resolver_config /nonexistent/unbound\.conf: .*No such file' "-n: the resolver error names the file and the reason"
printf 'server:\n\tno-such-keyword: yes\n' > "$work/bad-unbound.conf"
out=$("$policyd" -n -o "resolver_config=$work/bad-unbound.conf" 2>&1)
expect_match "$?:$out" "^78:.*resolver_config $work/bad-unbound\.conf: .*bad-unbound\.conf:2: .*no-such-keyword" "-n: a resolver file libunbound rejects, with its line and reason"
# start-up errors reach a terminal or file too (here a file), exit 78
"$policyd" -o resolver_config=/nonexistent/unbound.conf --listen "unix:$work/y.sock" \
	</dev/null >/dev/null 2>"$work/start.err"
expect_eq "$?" 78 "start-up with a bad resolver config exits 78"
expect_match "$(cat "$work/start.err")" 'fatal: resolver_config /nonexistent/unbound\.conf' "start-up errors are printed on stderr when it is a file"
# -o takes the file's syntax, spaces around = included
out=$("$policyd" -n -c "$work/policyd.conf" -o "Header_Type = AR" 2>&1)
expect_eq "$?:$out" "0:" "-o \"Header_Type = AR\" is accepted"
out=$(req 127.0.0.1 localhost u@localhost o1 | "$policyd" -c "$work/policyd.conf" -o "Header_Type = AR")
expect_match "$out" '^action=PREPEND Authentication-Results: mx\.test\.example; spf=none reason="not checked: skip_addresses"' "-o \"Header_Type = AR\" takes effect"
# probe 2026-12 F11: HELO name, sender and SASL name with CR, ESC, 0x01,
# DEL, 8-bit octets, or 5000 octets, checked and skipped clients,
# Header_Type both (each instance asked twice: Received-SPF, then A-R).
# Every field is printable US-ASCII (RFC 5322 2.2) on one line of at most
# 998 octets (2.1.1).
hreq() { # CLIENT HELO SENDER SASL INSTANCE
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nclient_name=unknown\nhelo_name=%b\nsender=%b\nrecipient=a@test.example\nsasl_username=%b\ninstance=%s\n\n' "$@"
}
bad_helo='h\033[2J\001\177\377.test\rX-Injected: 1'
bad_sender='u\033[31m\303\244@pass.spf.test'
long_helo=$(printf '%01000d' 0 | sed 's/0/abcd./g')z
out=$({ for i in 1 2; do hreq 192.0.2.1 "$bad_helo" "$bad_sender" '' h1; done
	for i in 1 2; do hreq 127.0.0.1 "$bad_helo" "$bad_sender" '' h2; done
	for i in 1 2; do hreq 192.0.2.1 "$bad_helo" "$bad_sender" 'al\033ice\377' h3; done
	for i in 1 2; do hreq 192.0.2.1 "$long_helo" "u@pass.spf.test" '' h4; done
	for i in 1 2; do hreq 127.0.0.1 "$long_helo" "u$long_helo@pass.spf.test" '' h5; done
	sleep 1; } | "$policyd" -c "$work/policyd.conf" -o "Header_Type = both")
expect_eq "$(printf '%s\n' "$out" | grep -c '^action=PREPEND Received-SPF: ')" 5 "hostile values: five Received-SPF fields"
expect_eq "$(printf '%s\n' "$out" | grep -c '^action=PREPEND Authentication-Results: mx\.test\.example; ')" 5 "hostile values: five Authentication-Results fields"
expect_eq "$(printf '%s\n' "$out" | LC_ALL=C grep -c '[^ -~]')" 0 "hostile values: only printable US-ASCII in the answers"
expect_eq "$(printf '%s\n' "$out" | LC_ALL=C awk '/^action=PREPEND / && length($0) - 15 > 998 { n++ } END { print n + 0 }')" 0 "hostile values: no field longer than 998 octets"
expect_match "$out" '^action=PREPEND Received-SPF: pass .* helo="h\?\[2J\?\?\?\.test\?X-Injected: 1";' "hostile values: each bad octet is a '?' in a quoted-string"
out=$("$policyd" --version)
expect_eq "$?" 0 "--version exits 0"
expect_match "$out" '^spf-policyd \(mailauth-pack\) [0-9]' "--version prints the version"
out=$("$policyd" --help)
expect_eq "$?" 0 "--help exits 0"
expect_match "$out" '^usage: spf-policyd ' "--help prints the usage on stdout"
out=$("$policyd" --frobnicate 2>&1)
expect_eq "$?" 64 "an unknown option exits 64"
expect_match "$out" '^spf-policyd: unknown option: --frobnicate$' "an unknown option is named"
finish
