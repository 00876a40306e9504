#!/bin/sh
# plugin-exports.sh - symbol hygiene of a shared object that links
# libmailauth the way the Dovecot plugin does (tests/libexporttest.la,
# $(MA_PLUGIN_LDFLAGS)): its dynamic symbol table defines only the
# dkimcheck_plugin_* entry points, while libmailauth's code (dns_lookup,
# msgauth_new) is inside it as local symbols; and the check script
# itself fails on a shared object exporting more.
set -u
. "$srcdir/tests/harness/lib.sh"

so="$MAILAUTH_BUILDDIR/tests/.libs/libexporttest.so"
check="$srcdir/scripts/check-exports.sh"
[ -f "$so" ] || fail "no $so"

out=$("$check" "$so" 2>&1)
expect_eq "$?" 0 "only dkimcheck_plugin_* exported ($out)"
dyn=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort | tr '\n' ' ')
expect_eq "$dyn" "dkimcheck_plugin_deinit dkimcheck_plugin_dependencies dkimcheck_plugin_init dkimcheck_plugin_version " \
	"the four entry points are exported"
# libmailauth's names are present but local (t/T lower-case: local)
expect_match "$(nm "$so")" ' t dns_lookup$' "dns_lookup is inside, local"
expect_match "$(nm "$so")" ' t msgauth_new$' "msgauth_new is inside, local"
expect_no_match "$(nm -D "$so")" ' dns_lookup$' "dns_lookup not in the dynamic table"
# the check can fail: allow only one entry point
"$check" "$so" '^dkimcheck_plugin_init$' 2>/dev/null
expect_eq "$?" 1 "check-exports fails on symbols outside the list"
"$check" /nonexistent.so 2>/dev/null
expect_eq "$?" 2 "check-exports: missing file is an error"
finish
