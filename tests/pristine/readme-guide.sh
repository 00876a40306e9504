#!/bin/bash
# readme-guide.sh - README's "Setting up a real server", followed literally
# on a pristine Debian 12, ends in a server that accepts, signs, checks and
# delivers (issue 21: the guide as it was left a newcomer with LMTP
# "550 5.1.1 User doesn't exist", "454 4.7.0 TLS not available", 451s while
# following it, "overriding earlier entry" warnings and a duplicate pickup).
#
# usage: readme-guide.sh ROOT      (or GUIDE_ROOT=ROOT in the environment)
#
# ROOT is a disposable Debian 12 root (debootstrap --variant=minbase plus
# git, as `scripts/pristine-root.sh make bookworm ROOT` makes them); this
# script changes it.  scripts/test.sh runs it in such a root (its guide
# stage; SKIP_GUIDE=1 skips it).
# Without one the test is skipped (exit 77).  Root only.
#
# What runs is README.md itself: the fenced blocks of the section
# "## Setting up a real server", in order, each in a fresh bash -e in the
# root (cwd /root, where the source tree is copied as "mailauth-pack", the
# git clone the guide builds from):
#   ```sh               run
#   ```sh dovecot-2.3   run when the root's Dovecot is 2.3 (dovecot-2.4
#                       likewise for 2.4)
#   ```dns              "publish these records": they, and every
#                       /etc/mailauth/keys/*.dns file the guide made so far,
#                       go into the local DNS server
#   anything else       shown to the reader, not run
# A block that exits non-zero, or prints a warning (postconf, postfix,
# doveconf, adduser...), fails the test.
#
# The deviations a root without Internet and without systemd needs, and
# nothing else:
#  - the first block (the packages: needs the Debian archive) runs with
#    the host's network and with a policy-rc.d that keeps the packages'
#    services from starting on the host's addresses; DEBIAN_FRONTEND is
#    noninteractive (no terminal);
#  - everything after it runs in its own network, mount and PID namespace:
#    loopback carries the server's addresses (192.0.2.25, 2001:db8::25) and
#    those of the test's senders; the services the packages installed are
#    started from their init scripts, as booting would; a small
#    `systemctl` (in /usr/local/sbin) runs a unit's ExecStartPre/ExecStart
#    lines for `enable --now`; syslog goes to a file the test reads;
#  - DNS: a local unbound on 127.0.0.1:53 (the root's resolv.conf points
#    there) serves the test's other domains and, from the ```dns step on,
#    the records the guide says to publish.
# At the end the test stops Postfix, Dovecot, spf-policyd, unbound and its
# syslog reader; when the PID namespace ends every process still in it
# ends; the mounts are in the private mount namespace and go with it.
# The work files stay in /tmp/mailauth-guide-* on failure (or KEEP_ROOTS=1).
#
# Then mail goes through the server (host python3 in the same network
# namespace):
#  1. submission (587, STARTTLS, AUTH as alice) to bob: bob's copy is
#     signed rsa-sha256 + ed25519-sha256, dkimpy verifies both, dkimcheck
#     wrote dkim=pass,pass dmarc=pass;
#  2. from 198.51.100.66 as bank.test (SPF -all): 550 5.7.23 at RCPT;
#  3. from 203.0.113.5 (SPF pass for cheap-hosting.test), From bank.test
#     (p=reject), unsigned: delivered to alice's Junk with $DMARC_Fail and
#     $Junk, dkimcheck logged dropped=1 (spf-policyd's own field replaced);
#  4. alice logs in over IMAP with STARTTLS and sees it;
# and a probe message from another server to postmaster@localhost is
# accepted before the guide and after each of its blocks (the issue's
# "451 4.3.5" while following it), and nothing on the way was deferred,
# bounced or warned about.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$(cd "$here/../.." && pwd)}
srcdir=$(cd "$srcdir" && pwd)
PY=/usr/bin/python3

if [ "${1:-}" = --inner ]; then
	shift
	inner=1
else
	inner=0
fi

# ---------------------------------------------------------------- outer
if [ $inner = 0 ]; then
	. "$srcdir/tests/harness/lib.sh"
	harness_need_root "(chroot, namespaces)"
	R=${1:-${GUIDE_ROOT:-}}
	if [ -z "$R" ] || [ ! -x "$R/bin/sh" ]; then
		echo "SKIP: no pristine Debian 12 root (give ROOT or GUIDE_ROOT)"
		exit 77
	fi
	R=$(cd "$R" && pwd)
	harness_need /usr/bin/unshare /usr/sbin/unbound /usr/sbin/ip
	grep -q '^12' "$R/etc/debian_version" ||
		{ echo "SKIP: $R is not Debian 12"; exit 77; }
	if findmnt -rn -o TARGET | grep -q "^$R\(/\|$\)"; then
		fail "$R has something mounted under it"
	fi
	work=$(harness_tmpdir guide)
	started=$(date +%s)

	# the guide's blocks, from README.md as it is
	"$PY" - "$srcdir/README.md" "$work/blocks" <<'PY' || fail "README has no guide blocks"
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^## Setting up a real server\n", text, re.M)
if not m:
    sys.exit(1)
rest = text[m.end():]
e = re.search(r"^## ", rest, re.M)
section = rest[:e.start()] if e else rest
os.makedirs(sys.argv[2])
n = 0
for b in re.finditer(r"^```([^\n]*)\n(.*?)^```[ \t]*$", section, re.M | re.S):
    info = b.group(1).split()
    if not info or info[0] not in ("sh", "dns"):
        continue
    n += 1
    tag = info[1] if len(info) > 1 else "all"
    name = "%02d-%s-%s" % (n, info[0], tag)
    open(os.path.join(sys.argv[2], name), "w").write(b.group(2))
sys.exit(0 if n else 1)
PY
	first=$(ls "$work/blocks" | head -1)
	case $first in
	*-sh-all) ;;
	*) fail "the guide's first block is not a plain sh block (the packages)" ;;
	esac

	# the source tree, as the git clone the guide builds in: the one
	# already there (scripts/pristine-root.sh clone: the committed HEAD),
	# else this tree's files as they are
	if [ -d "$R/root/mailauth-pack" ]; then
		:
	elif ! mkdir -p "$R/root/mailauth-pack"; then
		fail "mkdir $R/root/mailauth-pack"
	elif git -C "$srcdir" rev-parse --git-dir > /dev/null 2>&1; then
		git -C "$srcdir" ls-files -z | (cd "$srcdir" && tar --null -T - -cf -) |
			tar -C "$R/root/mailauth-pack" -xf -
	else
		(cd "$srcdir" && tar --exclude='./build*' -cf - .) |
			tar -C "$R/root/mailauth-pack" -xf -
	fi || fail "copying the source tree"

	# phase A: the packages, with the archive reachable, services kept
	# from starting on the host's network
	printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
	chmod 755 "$R/usr/sbin/policy-rc.d"
	cp "$work/blocks/$first" "$R/root/.guide-block"
	echo "# block $first (packages), host network"
	if [ -x "$srcdir/scripts/pristine-root.sh" ]; then
		# its runner: the same clean environment, and the shared cache
		# of downloaded packages
		"$srcdir/scripts/pristine-root.sh" run "$R" /bin/bash -e -c ". ./.guide-block"
	else unshare --mount --propagation private /bin/sh -c '
		R=$1
		mount --bind "$R" "$R" && mount -t proc proc "$R/proc" &&
		mount --rbind /dev "$R/dev" || exit 1
		chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive \
			/bin/bash -e -c "cd /root && . ./.guide-block"
	' sh "$R"
	fi > "$work/block-$first.out" 2>&1
	rc=$?
	rm -f "$R/usr/sbin/policy-rc.d" "$R/root/.guide-block"
	if [ $rc != 0 ]; then
		tail -20 "$work/block-$first.out" | sed 's/^/# /'
		fail "block $first exited $rc"
	fi
	echo "# packages: $(($(date +%s) - started)) s"

	# phase B: everything else, in its own namespaces
	unshare --net --mount --pid --fork --propagation private \
		/bin/bash "$0" --inner "$R" "$work"
	rc=$?
	if findmnt -rn -o TARGET | grep -q "^$R\(/\|$\)"; then
		echo "not ok - something is still mounted under $R"
		rc=1
	fi
	echo "# the whole guide test took $(($(date +%s) - started)) s"
	if [ $rc = 0 ] && [ "${KEEP_ROOTS:-0}" != 1 ]; then
		rm -rf "$work"
	else
		echo "# work files (logs, syslog, block outputs) in $work"
	fi
	exit $rc
fi

# ---------------------------------------------------------------- inner
# PID 1 of a new PID namespace, in a new network and mount namespace.
R=$1 work=$2
. "$srcdir/tests/harness/lib.sh"
mount -t proc proc /proc || fail "mount /proc"

# the network: loopback with the server's and the senders' addresses
ip link set lo up
for a in 192.0.2.25/32 198.51.100.66/32 203.0.113.5/32; do
	ip addr add "$a" dev lo || fail "ip addr $a"
done
ip -6 addr add 2001:db8::25/128 dev lo nodad || fail "ip -6 addr"

# the root: its own /dev (no host device is shared), proc, syslog socket
mount --bind "$R" "$R" || fail "bind $R"
mount -t proc proc "$R/proc" || fail "proc"
mount -t tmpfs -o mode=755 tmpfs "$R/dev" || fail "dev"
for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r n ma mi <<EOF
$d
EOF
	mknod -m 666 "$R/dev/$n" c "$ma" "$mi"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=666 devpts "$R/dev/pts" && ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
"$PY" - "$R/dev/log" "$work/syslog" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
out = open(sys.argv[2], "ab", buffering=0)
while True:
    d = s.recv(65536)
    out.write(d.rstrip(b"\0\n") + b"\n")
PY
syslog_pid=$!
i=0
while [ ! -S "$R/dev/log" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# DNS: unbound on 127.0.0.1:53 with the test's domains; what the guide
# says to publish is added at its ```dns step
mkdir -p "$work/unbound"
rr() { printf "local-data: '%s'\n" "$*"; }
{
	echo 'local-zone: "test." static'
	echo 'local-zone: "example.com." static'
	# bank.test: DMARC p=reject, mail only from smtp.bank.test
	rr 'bank.test. 3600 IN A 192.0.2.20'
	rr 'smtp.bank.test. 3600 IN A 192.0.2.20'
	rr 'bank.test. 3600 IN TXT "v=spf1 a:smtp.bank.test -all"'
	rr '_dmarc.bank.test. 3600 IN TXT "v=DMARC1; p=reject"'
	# cheap-hosting.test: a hoster whose customers may send anything
	rr 'cheap-hosting.test. 3600 IN TXT "v=spf1 ip4:203.0.113.0/24 -all"'
} > "$work/unbound/test-zones.conf"
: > "$work/unbound/published.conf"
ub_pid=
unbound_restart() {
	if [ -n "$ub_pid" ]; then
		kill "$ub_pid"
		wait "$ub_pid" 2> /dev/null
	fi
	cat > "$work/unbound/unbound.conf" <<EOF
server:
	interface: 127.0.0.1
	interface: ::1
	port: 53
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$work/unbound"
	pidfile: ""
	use-syslog: no
	logfile: "$work/unbound/unbound.log"
	module-config: "iterator"
	local-zone: "." static
	local-zone: "test." nodefault
	local-zone: "2.0.192.in-addr.arpa." static
	local-zone: "100.51.198.in-addr.arpa." static
	local-zone: "113.0.203.in-addr.arpa." static
	local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." static
	include: "$work/unbound/test-zones.conf"
	include: "$work/unbound/published.conf"
remote-control:
	control-enable: no
EOF
	/usr/sbin/unbound -d -c "$work/unbound/unbound.conf" < /dev/null \
		>> "$work/unbound/unbound.out" 2>&1 &
	ub_pid=$!
	for _i in $(seq 50); do
		"$PY" -c 'import socket; socket.create_connection(("127.0.0.1", 53), 0.2)' \
			2> /dev/null && return 0
		sleep 0.1
	done
	tail "$work/unbound/unbound.log" "$work/unbound/unbound.out" >&2
	fail "unbound did not start"
}
unbound_restart
# the root's resolver is the local unbound (over its resolv.conf, in this
# mount namespace only)
echo 'nameserver 127.0.0.1' > "$work/resolv.conf"
[ -f "$R/etc/resolv.conf" ] && [ ! -L "$R/etc/resolv.conf" ] ||
	{ rm -f "$R/etc/resolv.conf"; : > "$R/etc/resolv.conf"; }
mount --bind "$work/resolv.conf" "$R/etc/resolv.conf" || fail "resolv.conf"

# publish: a ```dns block's records and every .dns file dkim-keygen wrote
publish() {
	{
		cat "$1"
		cat "$R"/etc/mailauth/keys/*.dns 2> /dev/null
	} | "$PY" -c '
import re, sys
rec = ""
depth = 0
for line in sys.stdin:
    line = line.split(";")[0] if not "\"" in line else re.sub(r";[^\"]*$", "", line)
    if not line.strip():
        continue
    depth += line.count("(") - line.count(")")
    rec += " " + line.replace("(", " ").replace(")", " ").strip()
    if depth == 0:
        print("local-data: %r" % re.sub(r"\s+", " ", rec.strip()))
        rec = ""
' >> "$work/unbound/published.conf"
	unbound_restart
}

# a systemctl for a root without systemd: enable --now UNIT runs the
# unit's ExecStartPre and ExecStart lines; daemon-reload does nothing
cat > "$R/usr/local/sbin/systemctl" <<'EOF'
#!/bin/sh
# test stand-in for systemctl (tests/pristine/readme-guide.sh)
case "$1 $2" in
"daemon-reload "*) exit 0 ;;
"enable --now")
	u=/etc/systemd/system/${3%.service}.service
	[ -f "$u" ] || { echo "systemctl: no $u" >&2; exit 1; }
	sed -n 's/^ExecStartPre=//p' "$u" | while read -r c; do $c || exit 1; done || exit 1
	c=$(sed -n 's/^ExecStart=//p' "$u")
	setsid $c < /dev/null > /dev/null 2>&1 &
	sleep 1
	kill -0 $! 2> /dev/null || { echo "systemctl: ${3} died" >&2; exit 1; }
	echo $! > /run/${3%.service}.pid ;;
*) echo "systemctl: $* is not in the test's stand-in" >&2; exit 1 ;;
esac
EOF
chmod 755 "$R/usr/local/sbin/systemctl"

# probe: one message from another server (203.0.113.5, SPF pass for
# cheap-hosting.test) to postmaster@localhost, which Debian's Postfix
# delivers locally before and after the guide; sent after every block, so
# a step that leaves Postfix pointing at something not yet running (the
# issue's 451 4.3.5 between steps 4 and 7) shows as a refused probe
probes=0
probe() {
	"$PY" - "$1" <<'PY'
import smtplib, sys
try:
    s = smtplib.SMTP("192.0.2.25", 25, timeout=120, source_address=("203.0.113.5", 0))
    s.ehlo("mx.cheap-hosting.test")
    s.sendmail("probe@cheap-hosting.test", ["postmaster@localhost"],
               "From: probe@cheap-hosting.test\r\nTo: postmaster@localhost\r\n"
               "Subject: probe after block %s\r\n\r\nprobe\r\n" % sys.argv[1])
    s.quit()
except Exception as e:
    print("probe after block %s: %r" % (sys.argv[1], e))
    sys.exit(1)
PY
}

inroot() {
	chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"$@"
}

# boot: what the packages' services would be after their install
inroot /etc/init.d/postfix start > "$work/boot.out" 2>&1 || fail "postfix start: $(cat "$work/boot.out")"
inroot /etc/init.d/dovecot start >> "$work/boot.out" 2>&1 || fail "dovecot start: $(cat "$work/boot.out")"
dovecot_v=$(inroot dovecot --version | cut -d. -f1,2)
: > "$work/syslog.boot-mark"
boot_lines=$(wc -l < "$work/syslog")

probes=1
probe boot || _not_ok "the stock server accepts mail before the guide starts"
t0=$(date +%s)
for b in $(ls "$work/blocks" | tail -n +2); do
	tag=${b#*-*-}
	case $tag in
	all) ;;
	dovecot-"$dovecot_v") ;;
	dovecot-*) echo "# block $b: not for Dovecot $dovecot_v"; continue ;;
	*) _not_ok "block $b: unknown tag $tag"; continue ;;
	esac
	case $b in
	*-dns-*)
		publish "$work/blocks/$b"
		_ok "block $b: $(grep -c . "$work/unbound/published.conf") records published"
		continue ;;
	esac
	cp "$work/blocks/$b" "$R/root/.guide-block"
	bt=$(date +%s)
	inroot /bin/bash -e -c 'cd /root && . ./.guide-block' > "$work/block-$b.out" 2>&1
	rc=$?
	rm -f "$R/root/.guide-block"
	if [ $rc != 0 ]; then
		sed 's/^/# /' "$work/block-$b.out" | tail -20
		_not_ok "block $b exits 0 (rc=$rc)"
		break
	fi
	# the build's own noise is not a warning about the setup: Debian's
	# dovecot.m4 (DC_DOVECOT) uses macros autoconf 2.71 calls obsolete,
	# configure's probe for -Werror, and configure's notice that the
	# test-only packages are missing (README: make check SKIPs those);
	# make's silent-rule lines name files (common/progfatal.c), not problems
	warn=$(grep -iE 'warning|warn:|fatal|error|overriding|duplicate' "$work/block-$b.out" |
		grep -vE "^  [A-Z]+ +[^ ]+$|^configure.ac:[0-9]+: warning: The macro .AC_(TRY_COMPILE|HELP_STRING). is obsolete|^checking whether C compiler handles -Werror|^configure: WARNING: not installed, the tests that need them will SKIP" |
		head -5)
	expect_eq "$warn" "" "block $b: exit 0, no warnings ($(($(date +%s) - bt)) s)"
	probes=$((probes + 1))
	out=$(probe "$b") || _not_ok "mail from another server is accepted after block $b: $out"
done
echo "# the guide's blocks took $(($(date +%s) - t0)) s"
expect_eq "$(cat "$work"/block-*.out | grep -c '^spf=pass smtp.mailfrom=example.com (matched +mx)$')" 2 \
	"step 4's SPF checks print what the guide says they must (IPv4 and IPv6)"

# nothing the guide did made a service warn, fail, defer or refuse
sleep 1
tail -n +"$((boot_lines + 1))" "$work/syslog" > "$work/syslog.guide"
bad=$(grep -E 'warning:|fatal:|error:|panic:|Error:|Fatal:|Warning:|status=deferred|status=bounced|NOQUEUE: reject' \
	"$work/syslog.guide" |
	grep -v 'dovecot: master: Warning: SIGHUP received - reloading configuration' | head -5)
expect_eq "$bad" "" "syslog while following the guide: no warning, error, deferral or refusal"
for _i in $(seq 100); do
	[ "$(grep -c '^From ' "$R/var/mail/root" 2> /dev/null)" = "$probes" ] && break
	sleep 0.2
done
expect_eq "$(grep -c '^From ' "$R/var/mail/root" 2> /dev/null)" "$probes" \
	"all $probes probes (one before the guide, one after each block) accepted and delivered"
expect_eq "$(ls "$R"/usr/lib/dovecot/modules/*.la 2> /dev/null)" "" \
	"make install left no libtool archive in Dovecot's module directory"
expect_eq "$(inroot postconf -M pickup/unix | wc -l)" 1 "master.cf: one pickup service"

# ---------------------------------------------------------------- mail
mail_lines=$(wc -l < "$work/syslog")
"$PY" - "$R" "$work" > "$work/mail.out" 2>&1 <<'PY'
import glob, os, smtplib, ssl, sys, time
import dkim, dns.resolver

R, work = sys.argv[1], sys.argv[2]
n = 0
failed = 0

def check(ok, what):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s\t%s" % ("ok" if ok else "not ok", what), flush=True)

def wait_file(pattern, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        f = sorted(glob.glob(pattern))
        if f:
            return open(f[0], "rb").read()
        time.sleep(0.2)
    return None

def dnsfunc(name, timeout=5):
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    name = name.decode() if isinstance(name, bytes) else name
    try:
        a = r.resolve(name, "TXT")
    except Exception:
        return None
    return b"".join(b"".join(rd.strings) for rd in a)

def header(msg, name):
    head = msg.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n")
    out, cur = [], None
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and cur is not None:
            cur += b" " + line.strip()
            continue
        if cur is not None:
            out.append(cur)
        cur = line
    out.append(cur)
    pre = name.lower().encode() + b":"
    return [h.split(b":", 1)[1].strip().decode() for h in out if h.lower().startswith(pre)]

vmail = R + "/var/vmail/example.com"

# 1. submission: signed rsa + ed25519, verified by dkimpy and by dkimcheck
msg = ("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
       "Subject: guide test 1\r\nMessage-ID: <guide-1@example.com>\r\n"
       "Date: Mon, 07 Dec 2026 05:00:00 +0000\r\n\r\nHello Bob.\r\n")
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
try:
    s = smtplib.SMTP("192.0.2.25", 587, timeout=60)
    s.starttls(context=ctx)
    s.login("alice@example.com", "secret")
    s.sendmail("alice@example.com", ["bob@example.com"], msg)
    s.quit()
    check(True, "submission: STARTTLS, AUTH as alice, message accepted")
except Exception as e:
    check(False, "submission: %r" % (e,))
got = wait_file(vmail + "/bob/Maildir/new/*")
check(got is not None, "submission: delivered to bob's INBOX")
if got:
    sigs = header(got, "DKIM-Signature")
    algs = sorted(t.split("=", 1)[1].strip() for s_ in sigs for t in s_.split(";") if t.strip().startswith("a="))
    check(algs == ["ed25519-sha256", "rsa-sha256"], "signed rsa-sha256 and ed25519-sha256 (%s)" % algs)
    d = dkim.DKIM(got)
    ok = [d.verify(idx=i, dnsfunc=dnsfunc) for i in range(len(sigs))]
    check(len(ok) == 2 and all(ok), "dkimpy verifies both signatures (%s)" % ok)
    ar = " ".join(h for h in header(got, "Authentication-Results") if h.startswith("mail.example.com"))
    check(ar.count("dkim=pass") == 2 and "dmarc=pass" in ar,
          "dkimcheck: dkim=pass twice and dmarc=pass (%s)" % ar)

# 2. SPF fail at RCPT time
try:
    s = smtplib.SMTP("192.0.2.25", 25, timeout=60, source_address=("198.51.100.66", 0))
    s.ehlo("mail.spoofer.test")
    s.mail("ceo@bank.test")
    code, text = s.rcpt("alice@example.com")
    s.quit()
except Exception as e:
    code, text = 0, repr(e).encode()
check(code == 550 and b"5.7.23" in text, "SPF fail: %d %s" % (code, text.decode(errors="replace")))

# 3. DMARC p=reject failure: delivered into alice's Junk with keywords
msg = ("From: CEO <ceo@bank.test>\r\nTo: alice@example.com\r\n"
       "Subject: guide test 3\r\nMessage-ID: <guide-3@cheap-hosting.test>\r\n"
       "Date: Mon, 07 Dec 2026 05:00:00 +0000\r\n\r\nPay this invoice.\r\n")
try:
    s = smtplib.SMTP("192.0.2.25", 25, timeout=60, source_address=("203.0.113.5", 0))
    s.ehlo("mx.cheap-hosting.test")
    s.sendmail("bounce@cheap-hosting.test", ["alice@example.com"], msg)
    s.quit()
    check(True, "p=reject failure: accepted at SMTP (SPF pass for cheap-hosting.test)")
except Exception as e:
    check(False, "p=reject failure: %r" % (e,))
got = wait_file(vmail + "/alice/Maildir/.Junk/*/*")
check(got is not None, "p=reject failure: filed into alice's Junk")
if got:
    ar = " ".join(header(got, "Authentication-Results"))
    check("spf=pass" in ar and "dmarc=fail" in ar, "A-R: spf=pass (from spf-policyd) dmarc=fail (%s)" % ar)
    check(len(header(got, "Authentication-Results")) == 1,
          "one Authentication-Results field: spf-policyd's was replaced")
# 4. alice reads her mail over IMAP (STARTTLS, the guide's certificate)
import imaplib
try:
    im = imaplib.IMAP4("192.0.2.25", 143, timeout=60)
    im.starttls(ssl_context=ctx)
    im.login("alice@example.com", "secret")
    typ, data = im.select("Junk", readonly=True)
    im.logout()
    check(typ == "OK" and int(data[0]) >= 1, "IMAP: alice logs in with STARTTLS, her Junk holds %s message(s)" % data[0].decode())
except Exception as e:
    check(False, "IMAP: %r" % (e,))
sys.exit(1 if failed else 0)
PY
py_rc=$?
tab=$(printf '\t')
while IFS=$tab read -r verdict what; do
	case $verdict in
	ok) _ok "$what" ;;
	"not ok") _not_ok "$what" ;;
	*) echo "# $verdict $what" ;;
	esac
done < "$work/mail.out"
sleep 1
kw=$(inroot doveadm fetch -u alice@example.com flags mailbox Junk all 2> "$work/doveadm.err")
expect_match "$kw" '\$DMARC_Fail' "Junk copy has keyword \$DMARC_Fail"
expect_match "$kw" '\$Junk' "Junk copy has keyword \$Junk"
tail -n +"$((mail_lines + 1))" "$work/syslog" > "$work/syslog.mail"
expect_match "$(grep 'dkimcheck: session=.*from=bank.test' "$work/syslog.mail")" \
	'dmarc=fail policy=reject .*dropped=1 ' \
	"dkimcheck's log line: dropped=1 (spf-policyd's own Authentication-Results replaced)"
bad=$(grep -E 'warning:|fatal:|error:|panic:|status=deferred|status=bounced' "$work/syslog.mail" | head -5)
expect_eq "$bad" "" "syslog while mail went through: no warning, error, deferral or bounce"
expect_eq "$py_rc" 0 "the mail checks ran to their end"

# stop: postfix and dovecot the way an admin would; the rest goes with
# the PID namespace
inroot postfix stop > /dev/null 2>&1
inroot doveadm stop > /dev/null 2>&1
[ -s "$R/run/spf-policyd.pid" ] && kill "$(cat "$R/run/spf-policyd.pid")" 2> /dev/null
kill "$ub_pid" "$syslog_pid" 2> /dev/null
umount -l "$R/etc/resolv.conf" "$R/dev/pts" "$R/dev" "$R/proc" "$R" 2> /dev/null
finish
