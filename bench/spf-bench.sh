#!/bin/sh
# spf-bench.sh [BUILDDIR] - the SPF engine (bench/spf-bench, one thread,
# many evaluations in flight) against pyspf (Debian python3-spf, one
# evaluation at a time, as pypolicyd-spf runs it) on the same workload
# through the same real unbound on loopback, warm cache.  Not part of
# make check: it prints numbers and asserts nothing.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
N=${N:-20000} NPY=${NPY:-2000} CONC=${CONC:-200}
W=$(mktemp -d /tmp/mailauth-spfbench-XXXXXX)
chmod 755 "$W"

cat > "$W/zones.conf" <<'Z'
local-zone: "bench.test." static
local-data: "bench.test. 300 IN SOA ns.bench.test. h.bench.test. 1 3600 600 86400 300"
local-data: 'bench.test. 300 IN TXT "v=spf1 ip4:192.0.2.0/28 include:_spf1.bench.test mx ~all"'
local-data: '_spf1.bench.test. 300 IN TXT "v=spf1 ip4:198.51.100.0/26 include:_spf2.bench.test -all"'
local-data: '_spf2.bench.test. 300 IN TXT "v=spf1 ip6:2001:db8:1::/48 a:web.bench.test -all"'
local-data: "web.bench.test. 300 IN A 203.0.113.80"
local-data: "bench.test. 300 IN MX 10 mx1.bench.test."
local-data: "bench.test. 300 IN MX 20 mx2.bench.test."
local-data: "mx1.bench.test. 300 IN A 203.0.113.25"
local-data: "mx2.bench.test. 300 IN A 203.0.113.26"
local-data: 'strict.bench.test. 300 IN TXT "v=spf1 ip4:192.0.2.1 -all"'
local-data: 'redir.bench.test. 300 IN TXT "v=spf1 redirect=bench.test"'
Z
cat > "$W/workload" <<'L'
192.0.2.5 a@bench.test mail.example
203.0.113.80 b@bench.test mail.example
203.0.113.26 c@bench.test mail.example
192.0.2.99 d@bench.test mail.example
192.0.2.2 e@strict.bench.test mail.example
198.51.100.7 f@redir.bench.test mail.example
2001:db8:1::25 g@bench.test mail.example
L
ub=$("$top/tests/harness/unbound-start.sh" "$W/unbound" "$W/zones.conf") || exit 1
set -- $ub
ub_pid=$1 ub_port=$2
trap '"$top/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$W"' EXIT
"$top/tests/harness/libunbound-forward.sh" "$ub_port" > "$W/lib.conf"

"$build/bench/spf-bench" "$W/lib.conf" "$W/workload" 200 50 >/dev/null # warm
"$build/bench/spf-bench" "$W/lib.conf" "$W/workload" "$N" "$CONC"
"$build/bench/spf-bench" "$W/lib.conf" "$W/workload" "$N" 1

/usr/bin/python3 - "$ub_port" "$W/workload" "$NPY" <<'PY'
import sys, time
import dns.resolver
import spf
r = dns.resolver.Resolver(configure=False)
r.nameservers = ["127.0.0.1"]
r.port = int(sys.argv[1])
dns.resolver.default_resolver = r
work = [l.split() for l in open(sys.argv[2]) if l.strip()]
n = int(sys.argv[3])
t0 = time.monotonic()
for k in range(n):
    ip, mf, helo = work[k % len(work)]
    spf.check2(i=ip, s=mf, h=helo)
secs = time.monotonic() - t0
print("pyspf %s: %d checks, sequential: %.2f s, %.0f checks/s" %
      (spf.__version__, n, secs, n / secs))
PY
