#!/bin/sh
# spf-policyd-bench.sh [BUILDDIR] - spf-policyd (daemon and spawn modes)
# against Debian's policyd-spf (postfix-policyd-spf-python) on this
# machine, one run, the same local unbound for both.  Not part of make
# check: it prints numbers, it asserts nothing.
#
# Measures req/s and p50/p99 latency of a mixed workload (pass, fail,
# softfail, 3-deep include, mx, redirect; HELO checked too) with warm and
# cold caches, 500 concurrent connections to the daemon, and start-up
# time (fork to the first answer).  Then the daemon under abuse: with
# the descriptor limit at 1024, 50 honest connections alone, and again
# while 1000 connections stall inside a request (issue 9; goal: p99
# under 5 ms and req/s within 20% of the run without them).  Every
# answer is checked against the result the workload line expects
# (policyd-load.c; "bad" counts wrong ones), and cpu_ms is the policy
# server's CPU time per request.  Last, issue 20's ratio: pypolicyd-spf's
# CPU per request (spawn, one process, warm) over spf-policyd's (daemon,
# 50 connections, warm), ROUNDS rounds of the pair, the median printed,
# once at debugLevel 0 and once at the default debugLevel 1, where each
# request is logged (spf-policyd -e into a file: every line written).
# Needs root: policyd-spf reads
# /etc/resolv.conf, so the run happens in a private mount namespace where
# that file points at the benchmark's unbound (127.0.0.153:53); the host
# file is not touched.  Our processes are pinned to CPU 0 (taskset), the
# load generator to CPU 1.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
N=${N:-20000}      # requests per spf-policyd run
NPY=${NPY:-3000}   # requests per policyd-spf run (it is slow)
ROUNDS=${ROUNDS:-3} # rounds of the CPU-per-request ratio
PARTS=${PARTS:-all} # "ratio": only issue 20's CPU-per-request ratio (bench/speed-goals.sh)
case $PARTS in all|ratio) ;; *) echo "spf-policyd-bench.sh: PARTS is all or ratio" >&2; exit 2 ;; esac

if [ "${MAILAUTH_BENCH_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "bench: needs root (mount namespace)"; exit 1; }
	export MAILAUTH_BENCH_NS=1
	exec unshare --mount --propagation private "$0" "$build"
fi

W=$(mktemp -d /tmp/mailauth-bench-XXXXXX)
chmod 755 "$W"
ub_pid= d_pid=
trap '[ -n "$d_pid" ] && kill $d_pid 2>/dev/null; [ -n "$ub_pid" ] && kill $ub_pid 2>/dev/null; sleep 0.2; rm -rf "$W"' EXIT

cc -O2 -o "$W/load" "$top/bench/policyd-load.c"
load=$W/load
policyd=$build/postfix-policyd/spf-policyd

# --- unbound on 127.0.0.153:53, the zones of the integration test ---
cat > "$W/unbound.conf" <<CONF
server:
	interface: 127.0.0.153
	port: 53
	do-ip6: no
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$W"
	pidfile: ""
	use-syslog: no
	logfile: "$W/unbound.log"
	verbosity: 0
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	local-zone: "." refuse
	include: "$top/tests/fixtures/policyd-zones.conf"
	include: "$top/bench/zones-cold.conf"
remote-control:
	control-enable: no
CONF
taskset -c 1 unbound -d -c "$W/unbound.conf" </dev/null >"$W/unbound.out" 2>&1 &
ub_pid=$!
sleep 0.5
echo "nameserver 127.0.0.153" > "$W/resolv.conf"
mount --bind "$W/resolv.conf" /etc/resolv.conf

cat > "$W/lib.conf" <<CONF
server:
	do-not-query-localhost: no
	do-ip6: no
	local-zone: "test." nodefault
forward-zone:
	name: "."
	forward-addr: 127.0.0.153@53
CONF
cat > "$W/ours.conf" <<CONF
resolver_config = $W/lib.conf
Authserv_Id = mx.bench.example
debugLevel = 0
syslog_facility = local7
CONF
cp /etc/postfix-policyd-spf-python/policyd-spf.conf "$W/py.conf"
sed -i 's/^debugLevel.*/debugLevel = 0/' "$W/py.conf"
# the default debugLevel 1: one log line per request (issue 20: it stays)
sed 's/^debugLevel.*/debugLevel = 1/' "$W/ours.conf" > "$W/ours1.conf"
sed 's/^debugLevel.*/debugLevel = 1/' "$W/py.conf" > "$W/py1.conf"

ours_spawn="taskset -c 0 $policyd -c $W/ours.conf"
py_spawn="taskset -c 0 /usr/bin/policyd-spf $W/py.conf"
sock=$W/ours.sock

row() { # NAME MODE CACHE CONNS RESULT-LINE
	echo "$5" | awk -v n="$1" -v m="$2" -v c="$3" -v k="$4" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-15s %-7s %-5s %6s %9s %9s %9s %5s %8s\n", n, m, c, k, v["rps"], v["p50_ms"], v["p99_ms"], v["bad"], v["cpu_ms"] }'
}

start_daemon() { # [CONF [ARGS...]]: ours.conf, no stderr
	conf=${1:-$W/ours.conf}
	[ $# -gt 0 ] && shift
	rm -f "$sock"
	taskset -c 0 "$policyd" -c "$conf" -o max_connections=2000 \
		--listen "unix:$sock" "$@" </dev/null >/dev/null 2>>"$W/daemon.log" &
	d_pid=$!
	while [ ! -S "$sock" ]; do sleep 0.01; done
	D="--pid $d_pid"
}
stop_daemon() { kill "$d_pid"; wait "$d_pid" 2>/dev/null || true; d_pid=; }

ulimit -n 8192
L="taskset -c 1 $load"
w=$top/bench/workload-warm.txt c=$top/bench/workload-cold.txt
if [ "$PARTS" = all ]; then
printf '%-15s %-7s %-5s %6s %9s %9s %9s %5s %8s\n' implementation mode cache conns req/s p50_ms p99_ms bad cpu_ms
printf '%s\n' "-----------------------------------------------------------------------------------"

# policyd-spf: spawn-style (stdin/stdout), one process per connection
$L --exec "$py_spawn" -c 1 -n 60 -w "$w" >/dev/null   # warm unbound
row policyd-spf spawn warm 1 "$($L --exec "$py_spawn" -c 1 -n "$NPY" -w "$w")"
row policyd-spf spawn cold 1 "$($L --exec "$py_spawn" -c 1 -n "$NPY" -w "$c" --cold)"
row policyd-spf spawn warm 4 "$($L --exec "$py_spawn" -c 4 -n "$NPY" -w "$w")"

# ours, spawn mode (fresh process = cold libunbound cache per run)
row spf-policyd spawn cold 1 "$($L --exec "$ours_spawn" -c 1 -n "$N" -w "$c" --cold)"
row spf-policyd spawn warm 1 "$($L --exec "$ours_spawn" -c 1 -n "$N" -w "$w")"

# ours, standalone daemon on one core
start_daemon
row spf-policyd daemon cold 1 "$($L --unix "$sock" $D -c 1 -n "$N" -w "$c" --cold)"
row spf-policyd daemon cold 50 "$($L --unix "$sock" $D -c 50 -n "$N" -w "$c" --cold)"
$L --unix "$sock" -c 1 -n 100 -w "$w" >/dev/null
row spf-policyd daemon warm 1 "$($L --unix "$sock" $D -c 1 -n "$N" -w "$w")"
row spf-policyd daemon warm 50 "$($L --unix "$sock" $D -c 50 -n "$((N * 3))" -w "$w")"
row spf-policyd daemon warm 500 "$($L --unix "$sock" $D -c 500 -n "$((N * 3))" -w "$w")"
row spf-policyd daemon cold 500 "$($L --unix "$sock" $D -c 500 -n "$N" -w "$c" --cold)"
rss=$(awk '/VmHWM/ { print $2 }' /proc/$d_pid/status)
stop_daemon

# under abuse (issue 9): descriptor limit 1024, default max_connections
# (fitted to 732), 1000 connections that each send 60 bytes of a request
# and stall, re-opened when closed, held beside the honest load
cat > "$W/stall.py" <<'PY'
import socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
held = []
def one():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(b"request=smtpd_access_policy\nprotocol_state=RCPT\nclient_addr")
    s.setblocking(False)
    return s
while True:
    alive = []
    for s in held:
        try:
            if s.recv(64) == b"":
                s.close(); continue
        except BlockingIOError:
            pass
        except OSError:
            s.close(); continue
        alive.append(s)
    held = alive
    while len(held) < n:
        try:
            held.append(one())
        except OSError:
            break
    print(len(held), file=open(sys.argv[3], "w"), flush=True)
    time.sleep(0.2)
PY
start_daemon_1024() {
	rm -f "$sock"
	( ulimit -n 1024; exec taskset -c 0 "$policyd" -c "$W/ours.conf" \
		--listen "unix:$sock" </dev/null >/dev/null 2>&1 ) &
	d_pid=$!
	while [ ! -S "$sock" ]; do sleep 0.01; done
	D="--pid $d_pid"
}
start_daemon_1024
$L --unix "$sock" -c 1 -n 100 -w "$w" >/dev/null
row "fd 1024" daemon warm 10 "$($L --unix "$sock" $D -c 10 -n "$((N * 3))" -w "$w")"
row "fd 1024" daemon warm 50 "$($L --unix "$sock" $D -c 50 -n "$((N * 3))" -w "$w")"
taskset -c 1 python3 "$W/stall.py" "$sock" 1000 "$W/held" &
st_pid=$!
sleep 3
row "+1000 stalled" daemon warm 10 "$($L --unix "$sock" $D -c 10 -n "$((N * 3))" -w "$w")"
row "+1000 stalled" daemon warm 50 "$($L --unix "$sock" $D -c 50 -n "$((N * 3))" -w "$w")"
echo "  (stalled connections held during the run: $(cat "$W/held"))"
kill $st_pid; wait $st_pid 2>/dev/null
stop_daemon
fi # PARTS=all

ratio_rounds() { # PY-SPAWN DAEMON-CONF [DAEMON-ARGS...]
	py_cmd=$1
	shift
	start_daemon "$@"
	$L --unix "$sock" -c 1 -n 100 -w "$w" >/dev/null
	ratios=
	for r in $(seq "$ROUNDS"); do
		py=$($L --exec "$py_cmd" -c 1 -n "$NPY" -w "$w")
		ours=$($L --unix "$sock" $D -c 50 -n "$((N * 3))" -w "$w")
		ratio=$(echo "$py $ours" | awk '{
			for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "cpu_ms") c[++n] = kv[2]; if (kv[1] == "bad") b += kv[2]; if (kv[1] == "requests") q += kv[2] }
			printf "%.1f", c[1] / c[2]
			printf "  (pypolicyd-spf %.4f ms, spf-policyd %.4f ms, %d of %d answers right)\n", c[1], c[2], q - b, q > "/dev/stderr" }' 2>"$W/ratio.txt")
		printf '  round %s: %sx%s\n' "$r" "$ratio" "$(cat "$W/ratio.txt")"
		ratios="$ratios $ratio"
	done
	stop_daemon
	echo "$ratios" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END {
		printf "  median: spf-policyd uses 1/%sx the CPU of pypolicyd-spf per request\n", v[int((NR + 1) / 2)] }'
}

echo
echo "CPU per request, pypolicyd-spf (spawn, 1 connection, warm, $NPY requests) over"
echo "spf-policyd (daemon, 50 connections, warm, $((N * 3)) requests), $ROUNDS rounds;"
echo "debugLevel 0 (errors only), as in the rows above:"
ratio_rounds "$py_spawn"
echo "debugLevel 1 (the default): one log line per request, spf-policyd's"
echo "written to a file (-e), policyd-spf's to syslog:"
: > "$W/daemon.log"
ratio_rounds "taskset -c 0 /usr/bin/policyd-spf $W/py1.conf" "$W/ours1.conf" -e
echo "  (spf-policyd log lines written: $(grep -c 'mailfrom_spf=' "$W/daemon.log"))"

[ "$PARTS" = all ] || exit 0
echo
echo "start-up (fork to first answer, request needing no DNS), median of 20:"
# plain exec (no taskset) so that only the program's own start is timed
printf '  %-28s %s\n' "policyd-spf (spawn)" "$($L --startup "exec /usr/bin/policyd-spf $W/py.conf" -n 20)"
printf '  %-28s %s\n' "spf-policyd (spawn)" "$($L --startup "exec $policyd -c $W/ours.conf" -n 20)"
printf '  %-28s %s\n' "spf-policyd (daemon)" "$($L --startup "exec $policyd -c $W/ours.conf --listen unix:$sock </dev/null >/dev/null 2>&1" --unix "$sock" -n 20)"
echo "spf-policyd daemon peak RSS after the runs above: ${rss} kB"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; policy servers on CPU 0, load generator and unbound on CPU 1"
