#!/bin/sh
# The RFC 7208 openspf suite through the real libunbound code path.
exec "$MAILAUTH_BUILDDIR/tests/spf_suite" rfc7208-tests.yml
