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
set -- $("$srcdir/tests/harness/unbound-start.sh" "$work/unbound" \
	"$srcdir/tests/fixtures/policyd-zones.conf") || fail "unbound did not start"
ub_pid=$1 ub_port=$2
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

# a DNS server that never answers: temperror by Lookup_Time, not a hang
start=$(date +%s)
out=$({ req 192.0.2.1 mail.spf.test u@x.slow.example i4; sleep 4; } |
	"$policyd" -c "$work/policyd.conf")
end=$(date +%s)
expect_match "$out" '^action=DEFER_IF_PERMIT 4\.7\.24 SPF temperror: SPF check timed out$' "unanswered DNS: 4.7.24 deferral"
expect_eq "$([ $((end - start)) -le 5 ] && echo in-time)" "in-time" "answered before the stdin side closed"

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

# -n: configuration check only
printf 'Header_Type = XML\n' > "$work/bad.conf"
out=$("$policyd" -n -c "$work/bad.conf" 2>&1)
expect_eq "$?" 78 "-n with a bad config exits 78 (EX_CONFIG)"
expect_match "$out" "bad.conf:1: Header_Type: " "-n reports FILE:LINE: option: problem"
finish
