#!/bin/sh
# dkim-signer-bench.sh [BUILDDIR] - what dkim-signer costs, in one run on
# this machine (numbers only; nothing asserts a speed).  Needs root.
#
# 1. Process cost: `dkim-signer --stdout` started afresh per message
#    (start, config, KeyTable/SigningTable, key load, sign a 2 KB message,
#    write), rsa-sha256 (2048), ed25519-sha256 and both, CPU ms per
#    message over PROCS runs, next to /bin/true started the same way (the
#    fork+exec floor), to `cat` (the no-op filter's process: what the
#    signer costs above it) and to the bare signing cost from
#    bench/dkim-bench.
# 2. End to end through a private Postfix (tests/harness/postfix.sh):
#    2 KB messages submitted by two SMTP clients over two connections
#    until all are in the Maildir, msgs/s, the median of RUNS rounds, in
#    each round the three variants one after the other: unsigned (no
#    filter), the no-op pipe filter (`cat | sendmail`, the pipe
#    architecture's floor), and ours (dkim-signer, rsa + ed25519 in one
#    pass, as configs/ ship it), and ours with one ed25519 signature.
# 3. The signing service (SigningSocket, dkim-signer --serve): in part 1,
#    dkim-signer-client's CPU per message plus the service's share (its
#    processes' CPU time from /proc/PID/schedstat over the same runs,
#    divided by the runs); in part 2, a fifth variant: pipe(8) runs
#    dkim-signer-client, the service (as nobody, the keys' owner) signs.
#    At the end every delivered message is checked: its DKIM-Signature
#    fields counted and each verified with dkimpy.
# 4. Part 2 also as CPU per message of the whole path (2b), from a
#    cpuacct (or cgroup v2) group holding Postfix, the filters and the
#    service: msgs/s swings with whatever else the machine runs, CPU
#    per message hardly does.
#
# Environment: RUNS (3), MSGS per client per round (150), PROCS (300).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
RUNS=${RUNS:-3}
MSGS=${MSGS:-150}
PROCS=${PROCS:-300}
srcdir=$top
MAILAUTH_BUILDDIR=$build; export MAILAUTH_BUILDDIR
. "$top/tests/harness/lib.sh"
. "$top/tests/harness/postfix.sh"
[ "$(id -u)" = 0 ] || { echo "dkim-signer-bench.sh: needs root" >&2; exit 1; }

BASE=$(harness_tmpdir signer-bench)
trap '[ -n "$svc" ] && kill "$svc" 2>/dev/null; pf_stop; KEEP=${KEEP:-0}; [ "$KEEP" = 1 ] || rm -rf "$BASE"' EXIT
trap 'exit 1' INT TERM
pf_init "$BASE"
PF_FILTER_UID=$(id -u nobody)
pf_install "$build" "$BASE/inst" || exit 1
signer=$PF_PREFIX/libexec/dkim-signer
client=$PF_PREFIX/libexec/dkim-signer-client
svc=
keygen=$PF_PREFIX/bin/dkim-keygen
M=$BASE/mailauth
mkdir -p "$M/keys"
"$keygen" --domain example.com --selector rsa2026 --directory "$M/keys" > /dev/null
"$keygen" --domain example.com --selector ed2026 --type ed25519 --directory "$M/keys" > /dev/null
# the shipped configs as installed (paths substituted by make from the real
# libexecdir/sysconfdir: mk/configs.am); these very files are used, with
# the instance's paths in place of the real ones
ex=$(find "$harness_destdir" -type d -path '*/examples/dkim-signer' | head -1)
[ -f "$ex/dkim-signer-master.cf" ] || fail "examples not installed under \$(docdir)/examples/dkim-signer"
real_libexecdir=${harness_libexecdir#"$harness_destdir"}
real_sysconfdir=${harness_sysconfdir#"$harness_destdir"}
sub() { sed -e "s|$real_sysconfdir/mailauth/|$M/|g" -e "s|$real_libexecdir/dkim-signer|$signer|" "$@"; }
sub "$ex/dkim-signer-KeyTable" > "$M/KeyTable"
sub "$ex/dkim-signer-SigningTable" > "$M/SigningTable"
{ sub "$ex/dkim-signer.conf"; echo "Syslog no"; echo "LogFile $BASE/log/signer.log"; } > "$M/dkim-signer.conf"
printf 'rsa2026 example.com:rsa2026:%s/keys/rsa2026.private\n' "$M" > "$M/KeyTable.rsa"
printf 'ed2026 example.com:ed2026:%s/keys/ed2026.private\n' "$M" > "$M/KeyTable.ed"
for a in rsa ed; do
	printf 'KeyTable file:%s/KeyTable.%s\nSigningTable refile:%s/SigningTable.%s\nSyslog no\nSyslogSuccess no\n' "$M" $a "$M" $a > "$M/$a.conf"
	printf '*@example.com %s2026\n' $a > "$M/SigningTable.$a"
done
chmod -R a+rX "$M"
chown -R nobody "$M/keys"
chmod 700 "$M/keys"
chmod 600 "$M/keys"/*.private
: > "$BASE/log/signer.log"
chown nobody "$BASE/log/signer.log"

# a 2 KB message
msg=$BASE/m2k.eml
{ printf 'From: Alice <alice@example.com>\nTo: bob@test.example\nSubject: bench\nDate: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <b@example.com>\n\n'
  i=0; while [ $i -lt 25 ]; do printf '%075d\n' $i; i=$((i + 1)); done; } > "$msg"

# --- 1. process cost ---
# root runs this part: copies of the keys owned by root
mkdir -p "$BASE/pc"
: > "$BASE/pc/empty"
cp "$M/keys/rsa2026.private" "$M/keys/ed2026.private" "$BASE/pc/"
chmod 600 "$BASE/pc"/*.private
for a in rsa ed; do
	printf '%s2026 example.com:%s2026:%s/pc/%s2026.private\n' $a $a "$BASE" $a > "$BASE/pc/KeyTable.$a"
	printf 'KeyTable file:%s/pc/KeyTable.%s\nSigningTable refile:%s\nSyslog no\nSyslogSuccess no\n' "$BASE" $a "$M/SigningTable.$a" > "$BASE/pc/$a.conf"
done
cat "$BASE/pc/KeyTable.rsa" "$BASE/pc/KeyTable.ed" > "$BASE/pc/KeyTable.dual"
# (its own SigningTable: the shipped one names the shipped KeyTable's
# keys; with it this line used to time a configuration error)
printf '*@example.com rsa2026\n*@example.com ed2026\n' > "$BASE/pc/SigningTable.dual"
printf 'KeyTable file:%s/pc/KeyTable.dual\nSigningTable refile:%s/pc/SigningTable.dual\nMultipleSignatures yes\nSyslog no\nSyslogSuccess no\n' "$BASE" "$BASE" > "$BASE/pc/dual.conf"
per_proc_ms() { # CPU ms per run of "$@" < msg (perf stat -r PROCS);
	# every run gets the message on its standard input through sh -c, so
	# the /bin/true and cat lines carry the same sh
	perf stat -r "$PROCS" -x, -e task-clock sh -c 'exec "$@" < "$0"' "$msg" "$@" 2>&1 > /dev/null |
		awk -F, '/task-clock/ { cpu = $1 } END { printf "%.2f", cpu }'
}
per_proc() { echo "$(per_proc_ms "$@") ms CPU"; }
if command -v perf > /dev/null; then
	echo "# 1. process cost, 2 KB message, perf stat -r $PROCS (task-clock per process, sh -c 'exec PROGRAM < MSG')"
	echo "/bin/true (sh + exec floor):        $(per_proc /bin/true)"
	echo "openssl version (libcrypto start):  $(per_proc openssl version)"
	# the no-op filter's process (cat: read the message, write it out)
	# measured right before and after each signer line, so that both
	# see the same load on a shared machine
	for a in rsa ed dual; do
		c1=$(per_proc_ms cat)
		t=$(per_proc_ms "$signer" -c "$BASE/pc/$a.conf" --stdout -f alice@example.com)
		c2=$(per_proc_ms cat)
		echo "dkim-signer --stdout $a:$(printf '%*s' $((14 - ${#a})) '') $t ms CPU, cat $(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f", (a + b) / 2 }') ms: $(awk -v t="$t" -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f ms above the no-op process, %.2fx its cost", t - (a + b) / 2, t / ((a + b) / 2) }')"
	done
	echo "dkim-signer, From in no table:      $(per_proc "$signer" -c "$BASE/pc/rsa.conf" -o SigningTable=refile:$BASE/pc/empty --stdout -f alice@example.com)"
	# the signing service: the client's CPU, and the service's share
	{ cat "$BASE/pc/dual.conf"; echo "SigningSocket $BASE/pc/sign.sock"; } > "$BASE/pc/svc.conf"
	"$signer" --serve -c "$BASE/pc/svc.conf" 2> "$BASE/pc/svc.log" &
	svc=$!
	i=0
	while [ ! -S "$BASE/pc/sign.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	svc_ns() { for p in $svc $(pgrep -P "$svc"); do cut -d' ' -f1 "/proc/$p/schedstat"; done | awk '{ s += $1 } END { printf "%.0f", s }'; }
	c1=$(per_proc_ms cat)
	s0=$(svc_ns)
	t=$(per_proc_ms "$client" -c "$BASE/pc/svc.conf" --stdout -f alice@example.com)
	s1=$(svc_ns)
	c2=$(per_proc_ms cat)
	share=$(awk -v a="$s0" -v b="$s1" -v n="$PROCS" 'BEGIN { printf "%.2f", (b - a) / 1e6 / n }')
	echo "dkim-signer-client dual + service: $t ms CPU client + $share ms service = $(awk -v t="$t" -v s="$share" 'BEGIN { printf "%.2f", t + s }') ms CPU, cat $(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f", (a + b) / 2 }') ms: $(awk -v t="$t" -v s="$share" -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f ms above the no-op process, %.2fx its cost", t + s - (a + b) / 2, (t + s) / ((a + b) / 2) }')"
	kill "$svc"; wait "$svc"; svc=
else
	echo "# 1. process cost: perf not installed, skipped"
fi
# the public keys as a key table, for dkim-bench
pub_rsa=$(openssl pkey -in "$M/keys/rsa2026.private" -pubout -outform DER 2>/dev/null | base64 -w0)
pub_ed=$(openssl pkey -in "$M/keys/ed2026.private" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
printf 'rsa2026._domainkey.example.com v=DKIM1; k=rsa; p=%s\ned2026._domainkey.example.com v=DKIM1; k=ed25519; p=%s\n' "$pub_rsa" "$pub_ed" > "$BASE/keys.txt"
if [ -x "$build/bench/dkim-bench" ]; then
	for a in rsa ed; do
		alg=rsa-sha256; [ $a = ed ] && alg=ed25519-sha256
		r=$("$build/bench/dkim-bench" --op sign --alg $alg --canon relaxed/relaxed \
			--key "$BASE/pc/${a}2026.private" --selector ${a}2026 --domain example.com \
			--keytable "$BASE/keys.txt" --runs 3 "$msg" 2>&1 | awk '/^median/ { print $3 }')
		echo "dkim-bench bare signing $alg: $r msgs/s = $(awk -v r="$r" 'BEGIN { printf "%.0f", 1e6 / r }') us per message"
	done
fi

# --- 2. end to end through Postfix ---
p_uns=$(pf_free_port) p_noop=$(pf_free_port) p_ours=$(pf_free_port) p_ed=$(pf_free_port) p_svc=$(pf_free_port)
cat > "$BASE/inst/noop.sh" <<'EOT'
#!/bin/sh
# the no-op pipe filter: cat | sendmail
[ "$1" = -f ] || exit 64
sender=$2; shift 2; [ "$1" = -- ] && shift
cat | /usr/sbin/sendmail -G -i -f "$sender" -- "$@" || exit 75
EOT
chmod 755 "$BASE/inst/noop.sh"
{ pf_main_cf "$PF_FILTER_UID"; cat "$ex/dkim-signer-main.cf"; } > "$BASE/etc/main.cf"
pf_mailbox bob@test.example
{
	printf '127.0.0.1:%s inet n - n - - smtpd\n  -o syslog_name=postfix/unsigned\n' "$p_uns"
	printf '127.0.0.1:%s inet n - n - - smtpd\n  -o syslog_name=postfix/noop\n  -o content_filter=noop:dummy\n' "$p_noop"
	printf 'noop unix - n n - 10 pipe\n  flags=Rq user=nobody null_sender= argv=%s -f ${sender} -- ${recipient}\n' "$BASE/inst/noop.sh"
	# ours with one Ed25519 signature (no RSA), for the split of the cost
	printf '127.0.0.1:%s inet n - n - - smtpd\n  -o syslog_name=postfix/ed\n  -o content_filter=dkimsign-ed:dummy\n' "$p_ed"
	printf 'dkimsign-ed unix - n n - 10 pipe\n  flags=Rq user=nobody null_sender= argv=%s -c %s -q ${queue_id} -f ${sender} -- ${recipient}\n' "$signer" "$M/ed.conf"
	# ours through the signing service
	printf '127.0.0.1:%s inet n - n - - smtpd\n  -o syslog_name=postfix/svc\n  -o content_filter=dkimsign-svc:dummy\n' "$p_svc"
	printf 'dkimsign-svc unix - n n - 10 pipe\n  flags=Rq user=nobody null_sender= argv=%s -c %s -q ${queue_id} -f ${sender} -- ${recipient}\n' "$client" "$M/svc.conf"
	grep -v '^#' "$ex/dkim-signer-master.cf" | sub | sed \
		-e "s|^submission inet  n       -       y|127.0.0.1:$p_ours inet n - n|" \
		-e '/smtpd_tls_security_level/d' -e '/smtpd_sasl_auth_enable/d' \
		-e 's|smtpd_client_restrictions=permit_sasl_authenticated,reject|smtpd_client_restrictions=permit_mynetworks,reject|' \
		-e 's|user=dkimsign|user=nobody|' \
		-e 's|^pickup    unix  n       -       y|pickup unix n - n|'
	pf_master_cf_stock | grep -v '^pickup '
} > "$BASE/etc/master.cf"
# CPU per message of the whole Postfix path (every Postfix process, the
# filters, sendmail/postdrop, the signing service): a cpuacct cgroup
# holding this shell from here on, so everything it starts; the SMTP
# clients of round() leave it.  On a CPU-bound machine msgs/s goes as
# 1 / this, and unlike msgs/s it barely moves with other load on a
# shared machine, so its ratio is the one to read there.
cg=
for root in /sys/fs/cgroup/cpuacct /sys/fs/cgroup; do
	if [ -f "$root/cpuacct.usage" ] || [ -f "$root/cgroup.controllers" ]; then
		mkdir "$root/mailauth-bench-$$" 2> /dev/null && cg=$root/mailauth-bench-$$ && cgroot=$root && break
	fi
done
cg_ns() { # the group's CPU time, ns
	if [ -f "$cg/cpuacct.usage" ]; then cat "$cg/cpuacct.usage"
	else awk '$1 == "usage_usec" { printf "%.0f", $2 * 1000 }' "$cg/cpu.stat"; fi
}
if [ -n "$cg" ]; then
	echo $$ > "$cg/cgroup.procs" 2> /dev/null || echo $$ > "$cg/tasks" || cg=
fi
trap '[ -n "$svc" ] && kill "$svc" 2>/dev/null; pf_stop; [ -n "$cg" ] && { echo $$ > "$cgroot/cgroup.procs" 2> /dev/null || echo $$ > "$cgroot/tasks"; sleep 0.2; rmdir "$cg" 2> /dev/null; }; KEEP=${KEEP:-0}; [ "$KEEP" = 1 ] || rm -rf "$BASE"' EXIT
pf_start || exit 1
mkdir "$BASE/run-signer"
chown nobody:nogroup "$BASE/run-signer"
chmod 750 "$BASE/run-signer"
{ cat "$M/dkim-signer.conf"; echo "SigningSocket $BASE/run-signer/sign.sock"; } > "$M/svc.conf"
chmod 644 "$M/svc.conf"
"$signer" --serve -c "$M/svc.conf" -o UserID=nobody 2> "$BASE/log/service.err" &
svc=$!
i=0
while [ ! -S "$BASE/run-signer/sign.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$BASE/run-signer/sign.sock" ] || { echo "service did not start" >&2; exit 1; }

round() { # PORT -> msgs/s for 2 clients x MSGS messages until delivered
	# (and, with the cgroup, "msgs/s:CPU-ms-per-message")
	[ -n "$cg" ] && c0=$(cg_ns)
	r=$(sh -c '[ -z "$1" ] || echo $$ > "$1/cgroup.procs" 2> /dev/null || echo $$ > "$1/tasks"; shift; exec "$@"' \
		sh "$cgroot" /usr/bin/python3 - "$1" "$MSGS" "$msg" "$BASE/mail/test.example/bob/new" <<'PY'
import os, smtplib, sys, threading, time
port, n, path, maildir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
data = open(path, "rb").read().replace(b"\n", b"\r\n")
before = len(os.listdir(maildir)) if os.path.isdir(maildir) else 0
def client():
    s = smtplib.SMTP("127.0.0.1", port, timeout=120)
    for i in range(n):
        s.sendmail("alice@example.com", ["bob@test.example"], data)
    s.quit()
t0 = time.monotonic()
ts = [threading.Thread(target=client) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
want = before + 2 * n
while (len(os.listdir(maildir)) if os.path.isdir(maildir) else 0) < want:
    if time.monotonic() - t0 > 600:
        print("timeout"); sys.exit(1)
    time.sleep(0.01)
print("%.1f" % (2 * n / (time.monotonic() - t0)))
PY
)
	if [ -n "$cg" ]; then
		# what the path still does after the last delivery (the
		# filters' exit, qmgr) is done within this (a sleep costs no
		# CPU; polling the queue here would be counted)
		sleep 0.5
		echo "$r:$(awk -v a="$c0" -v b="$(cg_ns)" -v n="$MSGS" 'BEGIN { printf "%.2f", (b - a) / 1e6 / (2 * n) }')"
	else
		echo "$r"
	fi
}
rate() { tr ' ' '\n' | cut -d: -f1 | tr '\n' ' '; }
cpu() { tr ' ' '\n' | grep : | cut -d: -f2 | tr '\n' ' '; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
round "$p_uns" > /dev/null  # warm-up
u= n= o= e= v=
r=1
while [ $r -le "$RUNS" ]; do
	u="$u $(round "$p_uns")"
	# alternate the order of the two filters, so that neither always
	# runs on the fuller Maildir or after the other's backlog
	if [ $((r % 2)) = 1 ]; then
		n="$n $(round "$p_noop")"
		o="$o $(round "$p_ours")"
		v="$v $(round "$p_svc")"
		e="$e $(round "$p_ed")"
	else
		e="$e $(round "$p_ed")"
		v="$v $(round "$p_svc")"
		o="$o $(round "$p_ours")"
		n="$n $(round "$p_noop")"
	fi
	r=$((r + 1))
done
cu=$(echo "$u" | cpu) cn=$(echo "$n" | cpu) co=$(echo "$o" | cpu) ce=$(echo "$e" | cpu) cv=$(echo "$v" | cpu)
u=$(echo "$u" | rate) n=$(echo "$n" | rate) o=$(echo "$o" | rate) e=$(echo "$e" | rate) v=$(echo "$v" | rate)
mu=$(echo "$u" | median) mn=$(echo "$n" | median) mo=$(echo "$o" | median) me=$(echo "$e" | median) mv=$(echo "$v" | median)
echo "# 2. end to end, 2 clients x $MSGS 2 KB messages, msgs/s (runs: $u| $n| $o| $v| $e)"
echo "unsigned:                    $mu"
echo "no-op pipe (cat | sendmail): $mn"
echo "dkim-signer (rsa + ed25519): $mo  = $(awk -v a="$mo" -v b="$mn" 'BEGIN { printf "%.2f", a / b }') of the no-op pipe"
echo "dkim-signer-client + service (rsa + ed25519): $mv  = $(awk -v a="$mv" -v b="$mn" 'BEGIN { printf "%.2f", a / b }') of the no-op pipe"
echo "dkim-signer (ed25519 only):  $me  = $(awk -v a="$me" -v b="$mn" 'BEGIN { printf "%.2f", a / b }') of the no-op pipe"
if [ -n "$cu" ]; then
	xu=$(echo "$cu" | median) xn=$(echo "$cn" | median) xo=$(echo "$co" | median) xe=$(echo "$ce" | median) xv=$(echo "$cv" | median)
	echo "# 2b. CPU per message of the whole Postfix path (cgroup; median of: $cu| $cn| $co| $cv| $ce); ratio = no-op's / ours"
	echo "unsigned:                    $xu ms"
	echo "no-op pipe (cat | sendmail): $xn ms"
	echo "dkim-signer (rsa + ed25519): $xo ms  = $(awk -v a="$xo" -v b="$xn" 'BEGIN { printf "%.2f", b / a }') of the no-op pipe"
	echo "dkim-signer-client + service (rsa + ed25519): $xv ms  = $(awk -v a="$xv" -v b="$xn" 'BEGIN { printf "%.2f", b / a }') of the no-op pipe"
	echo "dkim-signer (ed25519 only):  $xe ms  = $(awk -v a="$xe" -v b="$xn" 'BEGIN { printf "%.2f", b / a }') of the no-op pipe"
fi
signed=$(grep -c ' signed d=' "$BASE/log/signer.log" || true)
fallbacks=$(grep -c 'signing in-process' "$BASE/log/signer.log" || true)
echo "# dkim-signer log: $signed messages signed, $fallbacks signed in-process after a service failure"
# every delivered message: its signatures counted and verified (dkimpy)
/usr/bin/python3 - "$top/tests/peers" "$BASE/keys.txt" "$BASE/mail/test.example/bob/new" <<'PY'
import collections, os, sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
dns = dkimpy_peer.dnsfunc_for(dkimpy_peer.load_keytable(sys.argv[2]))
count, bad = collections.Counter(), 0
for name in os.listdir(sys.argv[3]):
    m = open(os.path.join(sys.argv[3], name), "rb").read()
    n = m.count(b"\nDKIM-Signature:") + m.startswith(b"DKIM-Signature:")
    count[n] += 1
    d = dkim.DKIM(m)
    bad += sum(1 for i in range(n) if not d.verify(idx=i, dnsfunc=dns))
print("# delivered: %s; signatures failing dkimpy: %d" % (
    ", ".join("%d with %d signature(s)" % (c, n) for n, c in sorted(count.items())), bad))
PY
