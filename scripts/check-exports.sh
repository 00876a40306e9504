#!/bin/sh
# check-exports.sh SO [ALLOWED_ERE] - fail if the shared object SO exports
# (defines in its dynamic symbol table) any symbol whose name does not
# match ALLOWED_ERE (default: the Dovecot plugin's entry points,
# ^dkimcheck_plugin_).  libmailauth is linked into Dovecot's lmtp by the
# plugin; any other exported name could collide with libdovecot's (both
# have a dns_lookup) or another plugin's.  See MA_PLUGIN_LDFLAGS in
# mk/core.am.  Exit 0 clean, 1 extra exports (listed), 2 usage/tool error.
set -u
so=${1:-}
allowed=${2:-'^dkimcheck_plugin_'}
if [ -z "$so" ] || [ ! -f "$so" ]; then
	echo "usage: check-exports.sh SO [ALLOWED_ERE] (no file '$so')" >&2
	exit 2
fi
syms=$(nm -D --defined-only "$so") || { echo "check-exports: nm failed on $so" >&2; exit 2; }
# third column is the name; drop symbol versions (name@@VER)
extra=$(printf '%s\n' "$syms" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' |
	grep -Ev -- "$allowed" | sort -u)
if [ -n "$extra" ]; then
	echo "check-exports: $so exports symbols outside /$allowed/:" >&2
	printf '%s\n' "$extra" | sed 's/^/  /' >&2
	exit 1
fi
exit 0
