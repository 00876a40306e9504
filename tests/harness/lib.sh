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

finish() {
	echo "$((_n - _failed)) passed, $_failed failed"
	[ "$_failed" -eq 0 ]
}
