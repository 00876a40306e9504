#!/bin/sh
# The RFC 7208 openspf suite through the real libunbound code path; it
# holds 203 tests (counted with python3-yaml), all must run.
exec "$MAILAUTH_BUILDDIR/tests/spf_suite" rfc7208-tests.yml 203
