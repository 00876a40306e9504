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
# the real plugin, when this build has it (configure found Dovecot)
plugin="$MAILAUTH_BUILDDIR/dovecot-plugin/.libs/lib90_dkimcheck_plugin.so"
if [ -f "$plugin" ]; then
	out=$("$check" "$plugin" 2>&1)
	expect_eq "$?" 0 "lib90_dkimcheck_plugin.so exports only dkimcheck_plugin_* ($out)"
	expect_no_match "$(nm -D --defined-only "$plugin")" ' (dns_lookup|msgauth_new)$' \
		"the plugin does not export libmailauth names"
else
	echo "# no dovecot-plugin/.libs/lib90_dkimcheck_plugin.so in this build"
fi
# Dovecot 2.4's settings module: dlopened by Dovecot's own config process
# and doveconf, which have no sanitizer runtime, so even the sanitizer
# build makes it without instrumentation; it exports the two symbols the
# config process looks up (<module>_version, <module>_set_infos)
setmod="$MAILAUTH_BUILDDIR/dovecot-plugin/libdkimcheck_settings.so"
if [ -f "$setmod" ]; then
	expect_eq "$(nm -D --defined-only "$setmod" | awk '{ print $3 }' | sort | tr '\n' ' ')" \
		"dkimcheck_settings_set_infos dkimcheck_settings_version " \
		"libdkimcheck_settings.so exports only what Dovecot's config process looks up"
	expect_no_match "$(nm -D --undefined-only "$setmod")" '__(a|ub)san_' \
		"libdkimcheck_settings.so is not instrumented (no sanitizer symbols)"
	expect_no_match "$(ldd "$setmod" 2>&1)" 'libasan|libubsan|clang_rt' \
		"libdkimcheck_settings.so needs no sanitizer runtime"
else
	echo "# no Dovecot 2.4 settings module in this build"
fi
finish
