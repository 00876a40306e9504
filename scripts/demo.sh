#!/bin/sh
# demo.sh - README's demo command: build mailauth-pack and show it working
# on loopback against a real DNS server (unbound with local zone data).
# Everything it starts it stops again, by PID.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/install-deps.sh"
if [ ! -x "$top/build/cli/authcheck" ]; then
	echo "== building"
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1
	mkdir -p build
	(cd build && ../configure -q && make -s -j"$(nproc)") >/dev/null
fi
ac="$top/build/cli/authcheck"
work=$(mktemp -d /tmp/mailauth-demo-XXXXXX)
chmod 755 "$work"
set -- $("$top/tests/harness/unbound-start.sh" "$work/unbound" "$top/tests/fixtures/demo-zones.conf")
ub_pid=$1 ub_port=$2
trap '"$top/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT INT TERM
"$top/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/resolver.conf"
echo "== unbound (pid $ub_pid) serves tests/fixtures/demo-zones.conf on 127.0.0.1:$ub_port"
for q in "TXT example.test" "TXT _dmarc.example.test" "MX example.test" \
	 "A mail.example.test" "AAAA mail.example.test" "PTR 25.2.0.192.in-addr.arpa" \
	 "TXT nosuch.example.test" "AAAA example.test"; do
	echo
	echo "\$ authcheck dns $q"
	# shellcheck disable=SC2086
	"$ac" dns $q --resolver-config "$work/resolver.conf"
done
