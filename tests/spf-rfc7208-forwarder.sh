#!/bin/sh
# The RFC 7208 openspf suite served by a real unbound (the site's
# authoritative server, one per scenario) and reached through the
# library's forwarder path, as a site's own resolver would be: the PTR
# cases under 2001:db8::/32 (ptr-case-change, p-macro-multiple, bytes-bug)
# need libunbound's built-in local zones off (lib/dns/dns-localzones.h).
exec "$MAILAUTH_BUILDDIR/tests/spf_suite" --forwarder rfc7208-tests.yml 203
