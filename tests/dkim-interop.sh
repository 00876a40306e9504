#!/bin/sh
# dkim-interop.sh - `make check` entry for the DKIM interop test
# (tests/dkim-interop/interop.py): ours against dkimpy and libopendkim,
# every canonicalization pair, rsa-sha256 and ed25519-sha256.
# Exit 77 (SKIP) when Debian's python3-dkim or libopendkim (the oracles)
# is missing; authcheck failing to sign or verify is a FAIL.
set -u
py=/usr/bin/python3
if ! "$py" -c 'import dkim, nacl' 2>/dev/null; then
	echo "SKIP: python3-dkim/python3-nacl not installed (apt-get install python3-dkim python3-nacl)"
	exit 77
fi
if [ ! -x "$MAILAUTH_BUILDDIR/tests/peers/opendkim-peer" ]; then
	echo "SKIP: tests/peers/opendkim-peer not built (apt-get install libopendkim-dev, then configure)"
	exit 77
fi
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
exec "$py" "$srcdir/tests/dkim-interop/interop.py" \
	--authcheck "$MAILAUTH_BUILDDIR/cli/authcheck" \
	--opendkim-peer "$MAILAUTH_BUILDDIR/tests/peers/opendkim-peer"
