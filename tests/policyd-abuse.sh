#!/bin/sh
# policyd-abuse.sh - spf-policyd under abuse (tests/policyd-abuse.py):
# stalled connections, descriptor exhaustion with a silent DNS server,
# pipelined floods, a client that never reads, a bad resolver config.
set -u
. "$srcdir/tests/harness/lib.sh"

work=$(harness_tmpdir policyd-abuse)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$srcdir/tests/policyd-abuse.py" \
	"$MAILAUTH_BUILDDIR/postfix-policyd/spf-policyd" "$work"
