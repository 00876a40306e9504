# lib.sh - assertions and helpers for the shell tests (sourced).
# Each check prints "ok N - what" or "not ok N - what" and finish() exits
# non-zero if any failed, so automake counts the script as FAIL.
_n=0
_failed=0

harness_tmpdir() {
	d=$(mktemp -d "/tmp/mailauth-$1-XXXXXX") || exit 99
	chmod 755 "$d"
	echo "$d"
}

_ok() {
	_n=$((_n + 1))
	echo "ok $_n - $1"
}

_not_ok() {
	_n=$((_n + 1))
	_failed=$((_failed + 1))
	echo "not ok $_n - $1"
}

fail() {
	echo "FATAL: $*" >&2
	exit 99
}

# harness_need_root WHY: exit 77 (SKIP: needs root WHY) unless root.
harness_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root $1"
		exit 77
	fi
}

# harness_need PROGRAM...: exit 77 (SKIP) unless each is executable.
harness_need() {
	for _p in "$@"; do
		[ -x "$_p" ] || { echo "SKIP: $_p not installed"; exit 77; }
	done
}

# harness_blackhole PORTFILE: a UDP server on 127.0.0.1 that never
# answers (a DNS server that times out); its port is written to PORTFILE
# and set in bh_port, its PID in bh_pid (the caller stops it).
harness_blackhole() {
	/usr/bin/python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0))
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(86400)' < /dev/null > "$1" 2>/dev/null &
	bh_pid=$!
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	bh_port=$(cat "$1")
}

# harness_unbound DIR ZONES [EXTRA_CONF]: start a real unbound
# (tests/harness/unbound-start.sh) and set ub_pid and ub_port; exit 77
# (SKIP) when unbound is not installed, FAIL (exit 99, unbound's log tail
# on stderr) when it does not start.  The caller stops $ub_pid.
harness_unbound() {
	_ub=$("$srcdir/tests/harness/unbound-start.sh" "$@")
	case $? in
	0)	set -- $_ub
		ub_pid=$1 ub_port=$2;;
	77)	echo "SKIP: unbound not installed (apt-get install unbound)"
		exit 77;;
	*)	fail "unbound did not start (log tail above)";;
	esac
}

# expect_eq GOT WANT WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then _ok "$3"; else _not_ok "$3 (got '$1', want '$2')"; fi
}

# expect_match TEXT ERE WHAT: some line of TEXT matches the extended regex
expect_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_ok "$3"
	else
		_not_ok "$3 (no line matches /$2/ in:)"
		printf '%s\n' "$1" | sed 's/^/#   /'
	fi
}

# expect_no_match TEXT ERE WHAT
expect_no_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_not_ok "$3 (a line matches /$2/)"
		printf '%s\n' "$1" | sed 's/^/#   /'
	else
		_ok "$3"
	fi
}

# unfold_ar: an Authentication-Results field as one line per method
# result (RFC 5322 unfolding; the folding itself is free to change)
unfold_ar() {
	awk 'NR > 1 && /^[ \t]/ { sub(/^[ \t]+/, " "); printf "%s", $0; next }
	     NR > 1 { print "" } { printf "%s", $0 } END { print "" }' |
		sed 's/; */;\n/g'
}

# finish: the summary; non-zero when a check failed or when the script
# ran no check at all (a test that checks nothing must not pass).
finish() {
	echo "$((_n - _failed)) passed, $_failed failed"
	if [ "$_n" -eq 0 ]; then
		echo "not ok - the script ran no check"
		return 1
	fi
	[ "$_failed" -eq 0 ]
}
