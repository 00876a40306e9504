#!/bin/sh
# speed-goals.sh [BUILDDIR] - issue 20's goals, each as a ratio against its
# anchor, from one run of the benchmarks that measure them (numbers only;
# nothing asserts a speed).  Needs root (Postfix, a mount namespace).
#
#   1. DKIM sign and verify, rsa-sha256 and ed25519-sha256, relaxed and
#      simple, 20 KB and 2 MB messages: ours over the bound (SHA-256 of the
#      message + one private/public key operation), both as measured by
#      bench/dkim-bound in the same rounds ("frac", the stricter anchor)
#      and as computed from `openssl speed` ("/speed", the anchor the
#      issue names).  Goal: >= 0.85 at 20 KB, >= 0.70 at 2 MB.
#      (bench/dkim-bench.sh, IMPLS="bound ours")
#   2. The pipe signer through real Postfix, rsa + ed25519, 2 KB messages:
#      msgs/s of the pipe client + signing service (and of one dkim-signer
#      process per message) over a no-op pipe filter; CPU per message of the
#      whole Postfix path, no-op's over ours; every delivered message's
#      signatures checked with dkimpy.  Goal: >= 0.90, under 2 ms CPU per
#      message for the signer.  (bench/dkim-signer-bench.sh)
#   3. spf-policyd CPU per request (daemon, 50 connections, warm) against
#      pypolicyd-spf's, with every answer checked, at debugLevel 0 and at
#      the default 1 (a log line per request).  Goal: >= 50x.
#      (bench/spf-policyd-bench.sh, PARTS=ratio)
#
# Each benchmark's own output is kept in OUT (default: a new directory
# under /tmp, printed) and shown; then one table: goal, anchor, measured,
# target, met.  `--markdown` also prints the rows of README's performance
# table from the same numbers.  Environment: OUT; the benchmarks' own
# (RUNS, MIN_TIME, MSGS, PROCS, ROUNDS, N, NPY).  About 15 minutes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
md=0
if [ "${1:-}" = --markdown ]; then md=1; shift; fi
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
[ "$(id -u)" = 0 ] || { echo "speed-goals.sh: needs root" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d /tmp/mailauth-speed-goals-XXXXXX)}
mkdir -p "$OUT"
echo "# speed-goals: logs in $OUT; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"

step() { # NAME COMMAND...: run, keep and show the output
	name=$1
	shift
	echo "# --- $name: $*"
	if "$@" > "$OUT/$name.log" 2>&1; then :; else
		echo "# $name failed (exit $?): see $OUT/$name.log" >&2
	fi
	cat "$OUT/$name.log"
}

step dkim env IMPLS="bound ours" SIZES="20480 2097152" sh "$top/bench/dkim-bench.sh" "$build"
step signer sh "$top/bench/dkim-signer-bench.sh" "$build"
step policyd env PARTS=ratio sh "$top/bench/spf-policyd-bench.sh" "$build"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$OUT" "$md" <<'PY'
import re, sys
out, md = sys.argv[1], sys.argv[2] == "1"
def text(name):
    try:
        return open("%s/%s.log" % (out, name)).read()
    except OSError:
        return ""
rows = []   # (goal, anchor, measured value, target, met)
# 1. DKIM: "op alg canon size | bound speed | ours frac /speed | ..."
dkim = {}
for line in text("dkim").splitlines():
    cells = [c.split() for c in line.split("|")]
    if len(cells) < 3 or not cells[0] or cells[0][0] not in ("sign", "verify"):
        continue
    op, alg, canon, size = cells[0]
    ours = cells[2]
    if len(ours) < 3 or ours[0] == "failed":
        dkim[(op, alg, canon, size)] = None
        continue
    dkim[(op, alg, canon, size)] = (float(ours[1]), float(ours[2]))
for key, v in sorted(dkim.items(), key=lambda kv: (kv[0][3] != "20K", kv[0][0] != "sign",
                                                    kv[0][1] != "rsa-sha256", kv[0][2])):
    op, alg, canon, size = key
    target = 0.85 if size == "20K" else 0.70
    if v is None:
        rows.append(("DKIM %s %s %s %s" % (op, alg, canon, size), "dkim-bound / openssl speed",
                     "failed", ">= %.2f" % target, "no"))
        continue
    rows.append(("DKIM %s %s %s %s" % (op, alg, canon, size), "dkim-bound / openssl speed",
                 "%.2f / %.2f" % v, ">= %.2f" % target,
                 "yes" if v[0] >= target else ("speed only" if v[1] >= target else "no")))
# 2. the signer
s = text("signer")
def num(pattern, t=s):
    m = re.search(pattern, t)
    return float(m.group(1)) if m else None
svc_rate = num(r"dkim-signer-client \+ service \(rsa \+ ed25519\): \S+\s+= ([0-9.]+) of the no-op")
one_rate = num(r"dkim-signer \(rsa \+ ed25519\): \S+\s+= ([0-9.]+) of the no-op")
svc_cpu = num(r"dkim-signer-client \+ service \(rsa \+ ed25519\): \S+ ms\s+= ([0-9.]+) of the no-op")
svc_ms = num(r"dkim-signer-client dual \+ service: .* = ([0-9.]+) ms CPU")
bad = num(r"signatures failing dkimpy: ([0-9]+)")
delivered = re.search(r"# delivered: ([^;]*);", s)
def row(goal, anchor, value, fmt, target, ok):
    met = "no" if value is None else ("yes" if ok(value) else "no")
    rows.append((goal, anchor, "failed" if value is None else fmt % value, target,
                 "-" if target == "(none)" and value is not None else met))
row("pipe signer: client + service, msgs/s through Postfix", "no-op pipe filter",
    svc_rate, "%.2f", ">= 0.90", lambda v: v >= 0.90)
row("pipe signer: client + service, CPU of the Postfix path", "no-op pipe filter",
    svc_cpu, "%.2f", ">= 0.90", lambda v: v >= 0.90)
row("pipe signer: one dkim-signer per message, msgs/s", "no-op pipe filter",
    one_rate, "%.2f", "(none)", lambda v: True)
row("signer CPU per message, rsa + ed25519 (client + service)", "-",
    svc_ms, "%.2f ms", "< 2 ms", lambda v: v < 2.0)
row("delivered messages with a signature failing dkimpy", "dkimpy",
    bad, "%.0f", "0", lambda v: v == 0)
# 3. spf-policyd
p = text("policyd")
medians = re.findall(r"median: spf-policyd uses 1/([0-9.]+)x", p)
right = re.findall(r"([0-9]+) of ([0-9]+) answers right", p)
allright = bool(right) and all(a == b for a, b in right)
for label, i in (("debugLevel 0", 0), ("debugLevel 1, each request logged", 1)):
    v = float(medians[i]) if len(medians) > i else None
    row("spf-policyd CPU per request, %s" % label, "pypolicyd-spf", v, "%.0fx", ">= 50x",
        lambda v: v >= 50 and allright)
rows.append(("spf-policyd answers right", "workload's expected results",
             "%d of %d" % (sum(int(a) for a, b in right), sum(int(b) for a, b in right)) if right else "failed",
             "all", "yes" if allright else "no"))
w = [max(len(str(r[i])) for r in rows + [("goal", "anchor", "measured", "target", "met")]) for i in range(5)]
print()
print("  ".join(h.ljust(w[i]) for i, h in enumerate(("goal", "anchor", "measured", "target", "met"))).rstrip())
for r in rows:
    print("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip())
if md:
    print()
    print("| goal | anchor | measured | target | met |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| %s |" % " | ".join(str(c) for c in r))
PY
