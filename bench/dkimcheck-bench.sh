#!/bin/sh
# dkimcheck-bench.sh [BUILDDIR] - what the dkimcheck plugin costs LMTP
# delivery: deliveries per second into Maildir and CPU per delivery, with
# and without the plugin, in one run on this machine.
#
# Three private Dovecot instances (tests/harness/dovecot.sh, in the
# configuration language of the Dovecot found, 2.3 or 2.4) run side by
# side: "plain" (no plugin), "twin" (an identical plain instance: the
# control that shows the run-to-run noise of this machine) and "plugin"
# (the installed configs/dovecot/<series>/90-dkimcheck.conf, keys and DMARC
# from a real unbound on loopback); on Dovecot 2.4 a fourth, "keep": the
# plugin instance with service lmtp { restart_request_count = unlimited },
# lmtp processes kept as 2.3 keeps them (2.4.1's default ends an lmtp
# process after one connection, and with it dkimcheck's DNS and key
# cache); and "history": the plugin instance with dkimcheck_dmarc_history
# set, so that each delivery also appends its DMARC history record - and,
# as the bench domain asks for failure reports (ruf, fo=1: the message
# passes through DKIM alone), the record carries the message header: the
# costliest record there is (dmarc-history(5)).  Each round delivers the same signed message (SIZE bytes,
# rsa-sha256 2048-bit, aligned, DMARC p=reject) COUNT times to each
# instance in turn (the order rotates from round to round), with 1 and
# with 2 concurrent LMTP clients, after a
# warm-up that fills the DNS cache.  Reported: deliveries/s (median of
# RUNS rounds, min-max), the ratios plugin/plain and twin/plain, and the
# CPU time of the instance's lmtp processes per delivery (schedstat,
# median), whose plugin-plain difference is the plugin's cost and whose
# history-plugin difference is what recording costs.
# Numbers only: nothing here asserts a speed.
#
# CONN=kept (default) sends each client's COUNT messages over one LMTP
# connection; CONN=per-message opens a connection per message, as an MTA
# does without connection caching, so that on 2.4 every delivery gets a
# new lmtp process (and cold caches) unless it is kept.  The CPU of lmtp
# processes that have exited is counted from the master's children's
# times (clock ticks, so only over many deliveries).
#
# Needs root (Dovecot's master).  Environment: RUNS (8), COUNT (200),
# SIZE (20480), CONN (kept).  Takes about 2-4 minutes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
RUNS=${RUNS:-8}
COUNT=${COUNT:-200}
SIZE=${SIZE:-20480}
CONN=${CONN:-kept}
case $CONN in
kept) conn_arg= ;;
per-message) conn_arg=per-message ;;
*) echo "dkimcheck-bench.sh: CONN is kept or per-message" >&2; exit 2 ;;
esac
srcdir=$top
MAILAUTH_BUILDDIR=$build
export srcdir MAILAUTH_BUILDDIR
. "$top/tests/harness/lib.sh"
. "$top/tests/harness/dovecot.sh"
[ "$(id -u)" = 0 ] || { echo "dkimcheck-bench.sh: needs root" >&2; exit 1; }

BASE=$(harness_tmpdir dkimcheck-bench)
ub_pid= pids=
cleanup() {
	set +e
	for p in $pids; do dovecot_pid=$p; dovecot_stop; done
	"$top/tests/harness/stop-pid.sh" $ub_pid
	rm -rf "$BASE"
}
trap cleanup EXIT INT TERM

. "$top/tests/harness/install.sh"
harness_install "$BASE/inst" >/dev/null || exit 1
moduledir=$harness_moduledir
dovecot_installed_setup >/dev/null || exit 1

# --- key, zone, message ---
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$BASE/key.pem" 2>/dev/null
chmod 600 "$BASE/key.pem"
p=$(openssl pkey -in "$BASE/key.pem" -pubout -outform DER 2>/dev/null | base64 -w0)
{
	echo 'local-zone: "test." static'
	printf "local-data: 's1._domainkey.bench.test. 300 IN TXT"
	printf 'v=DKIM1; k=rsa; p=%s\n' "$p" | fold -w 200 | while IFS= read -r part; do printf ' "%s"' "$part"; done
	printf "'\n"
	echo "local-data: '_dmarc.bench.test. 300 IN TXT \"v=DMARC1; p=reject; ruf=mailto:ruf@bench.test; fo=1\"'"
} > "$BASE/zones.conf"
ub=$("$top/tests/harness/unbound-start.sh" "$BASE/unbound" "$BASE/zones.conf") || exit 1
set -- $ub
ub_pid=$1
"$top/tests/harness/libunbound-forward.sh" "$2" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"
{
	printf 'From: Bench <bench@bench.test>\nTo: u@test.example\nSubject: bench\n'
	printf 'Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <bench@bench.test>\n\n'
	head -c "$SIZE" /dev/urandom | base64 -w 76
} | head -c "$SIZE" | sed 's/$/\r/' > "$BASE/raw.eml"
"$build/cli/authcheck" dkim-sign --domain bench.test --selector s1 --key "$BASE/key.pem" \
	"$BASE/raw.eml" > "$BASE/msg.eml"

# --- three instances ---
start_instance() { # NAME [CONF...]
	dovecot_init "$BASE/$1" "$moduledir"
	dovecot_user u
	chown -R nobody:nogroup "$BASE/$1/home"
	name=$1
	shift
	dovecot_start "$@" || exit 1
	pids="$pids $dovecot_pid"
	eval "${name}_port=$dovecot_lmtp_port ${name}_pid=$dovecot_pid"
}
dovecot_settings_conf "$BASE/bench.conf" "dkimcheck_authserv_id = mx.bench.test" \
	"dkimcheck_resolver_config = $BASE/resolver.conf"
start_instance plain
start_instance twin
cp "$dovecot_snippet" "$BASE/dkimcheck.conf"
start_instance plugin "$BASE/dkimcheck.conf" "$BASE/bench.conf"
mkdir -p "$BASE/dmarc-history"
chown nobody:nogroup "$BASE/dmarc-history"
dovecot_settings_conf "$BASE/history.conf" "dkimcheck_dmarc_history = $BASE/dmarc-history"
start_instance history "$BASE/dkimcheck.conf" "$BASE/bench.conf" "$BASE/history.conf"
instances="plain twin plugin history"
if [ "$dovecot_series" = 2.4 ]; then
	printf 'service lmtp {\n  restart_request_count = unlimited\n}\n' > "$BASE/keep.conf"
	start_instance keep "$BASE/dkimcheck.conf" "$BASE/bench.conf" "$BASE/keep.conf"
	instances="$instances keep"
fi

# CPU seconds of the lmtp processes of an instance: time on a CPU from
# /proc/PID/schedstat (nanoseconds; the clock-tick counters of
# /proc/PID/stat are too coarse for a fraction of a millisecond), plus
# the children's times of the master (lmtp processes that have exited)
lmtp_cpu() {
	{
		for pid in $(ps -eo sid=,comm=,pid= | awk -v s="$1" '$1 == s && $2 == "lmtp" { print $3 }'); do
			awk '{ print $1 }' "/proc/$pid/schedstat" 2>/dev/null
		done
		sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }'
	} | awk '{ s += $1 } END { printf "%.6f\n", s / 1e9 }'
}
# run NAME CLIENTS N: "rate cpu_ms_per_delivery"
run() {
	eval "port=\$${1}_port pid=\$${1}_pid"
	c0=$(lmtp_cpu "$pid")
	load_out=$(/usr/bin/python3 "$top/bench/lmtp-load.py" "$port" "$2" "$3" "$BASE/msg.eml" u@test.example $conn_arg) ||
		{ echo "delivery failed" >&2; exit 1; }
	set -- $load_out
	c1=$(lmtp_cpu "$pid")
	[ "$3" = 0 ] || echo "# $3 deliveries failed in this round (see stderr)" >&2
	awk -v t="$1" -v n="$2" -v c0="$c0" -v c1="$c1" \
		'BEGIN { printf "%.1f %.4f\n", n / t, (c1 - c0) * 1000 / n }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f\n", m, a[1], a[NR] }'; }

for inst in $instances; do run $inst 2 40 >/dev/null; done   # warm-up, DNS cache
grep -q 'dkimcheck: .*dkim=pass dmarc=pass' "$BASE/plugin/log/dovecot.log" ||
	{ echo "plugin did not verify the message:" >&2; tail -5 "$BASE/plugin/log/dovecot.log" >&2; exit 1; }
grep -qh ' fdue=dmarc .* hdr=' "$BASE"/dmarc-history/*.dmarc ||
	{ echo "history instance wrote no record with the header:" >&2; tail -5 "$BASE/history/log/dovecot.log" >&2; exit 1; }

echo "# dkimcheck-bench: Dovecot $dovecot_version, $(nproc) CPUs, message $(wc -c < "$BASE/msg.eml") bytes signed rsa-sha256, $COUNT deliveries x $RUNS rounds, LMTP connection $CONN"
for clients in 1 2; do
	: > "$BASE/r.$clients"
	r=1
	while [ $r -le "$RUNS" ]; do
		# rotate the order, so that no instance always runs first or last
		case $((r % 3)) in
		0) order="plain twin plugin history" ;;
		1) order="twin history plugin plain" ;;
		*) order="plugin plain history twin" ;;
		esac
		case $instances in
		*keep) [ $((r % 2)) = 0 ] && order="keep $order" || order="$order keep" ;;
		esac
		for inst in $order; do
			echo "$inst $(run $inst $clients "$COUNT")" >> "$BASE/r.$clients"
		done
		r=$((r + 1))
	done
	echo "## $clients LMTP client(s)"
	printf '%-8s %22s %22s\n' instance "deliveries/s med (min-max)" "lmtp CPU ms/delivery"
	for inst in $instances; do
		set -- $(awk -v i=$inst '$1 == i { print $2 }' "$BASE/r.$clients" | median)
		rate=$1 rmin=$2 rmax=$3
		set -- $(awk -v i=$inst '$1 == i { print $3 }' "$BASE/r.$clients" | median)
		printf '%-8s %8s (%s-%s) %14s\n' $inst "$rate" "$rmin" "$rmax" "$1"
		eval "rate_$inst=$rate cpu_$inst=$1"
	done
	awk -v p="$rate_plain" -v t="$rate_twin" -v g="$rate_plugin" -v cp="$cpu_plain" -v cg="$cpu_plugin" 'BEGIN {
		printf "twin/plain %.2f  plugin/plain %.2f  plugin CPU per delivery %+.3f ms\n", t / p, g / p, cg - cp }'
	awk -v p="$rate_plugin" -v h="$rate_history" -v cp="$cpu_plugin" -v ch="$cpu_history" 'BEGIN {
		printf "history/plugin %.2f  dkimcheck_dmarc_history CPU per delivery %+.3f ms (against plugin)\n", h / p, ch - cp }'
	case $instances in
	*keep) awk -v p="$rate_plain" -v k="$rate_keep" -v cp="$cpu_plain" -v ck="$cpu_keep" 'BEGIN {
		printf "keep/plain %.2f  keep CPU per delivery %+.3f ms (against plain)\n", k / p, ck - cp }' ;;
	esac
	# per-round ratios: the spread of the control against the plugin's
	awk -v n="$(echo $instances | wc -w)" '{ v[$1] = $2 } NR % n == 0 { printf "round %d: twin/plain %.2f plugin/plain %.2f\n", NR / n, v["twin"] / v["plain"], v["plugin"] / v["plain"] }' "$BASE/r.$clients"
done
