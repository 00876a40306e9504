#!/bin/sh
# dkim-bench.sh [BUILDDIR] - DKIM throughput of ours (dkim-bench), Debian's
# libopendkim (bench/opendkim-bench) and dkimpy (bench/dkimpy-bench.py), in
# one run on this machine, against the bound the crypto primitives allow.
#
# For sign and verify, rsa-sha256 (2048-bit key) and ed25519-sha256,
# relaxed/relaxed and simple/simple, messages of 2 KB / 20 KB / 200 KB /
# 2 MB: messages per
# second on one core, the median of RUNS rounds; in each round every
# program runs for MIN_TIME seconds, one after the other, so that the load
# of a shared machine hits all of them alike.
# The bound per message is SHA-256 over its bytes plus one RSA/Ed25519
# private (sign) or public (verify) operation: bench/dkim-bound measures it
# with OpenSSL's EVP calls in the same rounds ("bound/s", what the
# fractions divide by); the "speed" column is the same bound computed from
# `openssl speed -mr sha256 rsa2048 ed25519` run once at the start.  The
# table gives each implementation's msgs/s, its fraction of the bound
# measured in the same rounds ("frac", the stricter anchor: same clock,
# same load, same files), ours over the `openssl speed` bound ("/speed",
# the anchor issue 20 names), and ours/libopendkim.
# Numbers only: nothing here asserts a speed.
#
# Environment: RUNS (3), MIN_TIME (1 s), NFILES per size (4),
# SIZES ("2048 20480 204800 2097152"), CANONS ("relaxed/relaxed
# simple/simple"), IMPLS ("bound ours opendkim dkimpy": the bound is always
# run), CLOCK ("cpu": every program measures its own CPU time, so that
# other load on a shared machine cuts less into the ratios; "wall" for
# wall-clock time on an idle machine).  Takes about 7 minutes; with
# IMPLS="bound ours" and two sizes, 2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
RUNS=${RUNS:-3}
MIN_TIME=${MIN_TIME:-1}
NFILES=${NFILES:-4}
SIZES=${SIZES:-"2048 20480 204800 2097152"}
CANONS=${CANONS:-"relaxed/relaxed simple/simple"}
IMPLS=${IMPLS:-"bound ours opendkim dkimpy"}
CLOCK=${CLOCK:-cpu}
case $CLOCK in cpu) clockopt=--cpu-time ;; wall) clockopt= ;; *) echo "dkim-bench.sh: CLOCK is cpu or wall" >&2; exit 2 ;; esac
case " $IMPLS " in *" bound "*) ;; *) IMPLS="bound $IMPLS" ;; esac
py=/usr/bin/python3
domain=bench.example

for p in bench/opendkim-bench bench/dkim-bound bench/dkim-bench; do
	[ -x "$build/$p" ] || make -C "$build" -s "$p" >/dev/null 2>&1 || true
done
ours="$build/bench/dkim-bench"
[ -x "$ours" ] || { echo "# dkim-bench not built: ours left out" >&2; ours=; }
odk="$build/bench/opendkim-bench"
bound="$build/bench/dkim-bound"
for p in "$odk" "$bound"; do
	[ -x "$p" ] || { echo "dkim-bench.sh: $p missing (make check builds it)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/mailauth-dkim-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

# keys and their records (RFC 6376 3.6.1 / RFC 8463 4.2)
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$work/ed.pem" 2>/dev/null
chmod 600 "$work/rsa.pem" "$work/ed.pem"
{
	printf 'rsa._domainkey.%s v=DKIM1; k=rsa; p=%s\n' "$domain" \
		"$(openssl pkey -in "$work/rsa.pem" -pubout -outform DER | base64 -w0)"
	printf 'ed._domainkey.%s v=DKIM1; k=ed25519; p=%s\n' "$domain" \
		"$(openssl pkey -in "$work/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)"
} > "$work/keytable"

# messages: NFILES per size, text bodies, CRLF
"$py" - "$work" "$NFILES" $SIZES <<'PY'
import random, sys
work, n, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
rng = random.Random(8463)
words = "mail auth DKIM signer relaxed body hash canonical header the a of".split()
for size in sizes:
    for i in range(n):
        head = ("From: Alice <alice@bench.example>\r\nTo: bob@receiver.example\r\n"
                "Subject: bench %d/%d\r\nDate: Thu, 26 Nov 2026 08:00:00 +0000\r\n"
                "Message-ID: <b%d.%d@bench.example>\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=us-ascii\r\n\r\n" % (size, i, size, i))
        out = [head]
        total = len(head)
        while total < size:
            line = " ".join(rng.choice(words) for _ in range(11)) + "\r\n"
            out.append(line)
            total += len(line)
        with open("%s/m%d-%d.eml" % (work, size, i), "wb") as f:
            f.write("".join(out).encode()[:size - 2] + b"\r\n")
PY

echo "# openssl speed (sha256, rsa2048, ed25519), 1 s each ..." >&2
openssl speed -mr -seconds 1 sha256 rsa2048 ed25519 2>/dev/null > "$work/speed"

: > "$work/results"
for op in sign verify; do
	for alg in rsa-sha256 ed25519-sha256; do
		case $alg in rsa-sha256) sel=rsa key=$work/rsa.pem ;; *) sel=ed key=$work/ed.pem ;; esac
		for canon in $CANONS; do
		for size in $SIZES; do
			echo "# $op $alg $canon $size" >&2
			round=0
			while [ $round -lt "$RUNS" ]; do
				round=$((round + 1))
				for impl in $IMPLS; do
					case $impl in
					bound) cmd=$bound ;;
					ours) [ -n "$ours" ] || continue; cmd=$ours ;;
					opendkim) cmd=$odk ;;
					dkimpy) cmd="$py $top/bench/dkimpy-bench.py" ;;
					esac
					line=$($cmd --op "$op" --alg "$alg" --canon "$canon" \
						--key "$key" --selector "$sel" --domain "$domain" \
						--keytable "$work/keytable" --runs 1 \
						--min-time "$MIN_TIME" $clockopt "$work"/m"$size"-*.eml | tail -1) ||
						line="failed"
					echo "$op $alg $canon $size $impl $line" >> "$work/results"
				done
			done
		done
		done
	done
done

"$py" - "$work/speed" "$work/results" "$RUNS x ${MIN_TIME}s $CLOCK time" <<'PY'
import sys
speed = {}
for l in open(sys.argv[1]):
    f = l.strip().split(":")
    if f[0] == "+F" and f[2] == "sha256":
        speed["sha256"] = float(f[-1])        # bytes/s, 16 KB blocks
    elif f[0] == "+F2" and f[2] == "2048":
        speed["rsa-sha256"] = (float(f[3]), float(f[4]))    # sign/s, verify/s
    elif f[0] == "+F6" and f[3] == "Ed25519":
        speed["ed25519-sha256"] = (float(f[4]), float(f[5]))
print("primitives: SHA-256 %.2f GB/s, RSA-2048 sign %.0f/s verify %.0f/s, "
      "Ed25519 sign %.0f/s verify %.0f/s" % (
          speed["sha256"] / 1e9, *speed["rsa-sha256"], *speed["ed25519-sha256"]))
import statistics
rows = {}
for l in open(sys.argv[2]):
    f = l.split()
    r = rows.setdefault((f[0], f[1], f[2], int(f[3])), {}).setdefault(f[4], [])
    r.append((float(f[7]), int(f[11])) if len(f) >= 12 and f[5] == "median"
             else None)
def med(runs):
    if not runs or None in runs:
        return None
    return statistics.median(x[0] for x in runs), runs[0][1]
def cell(r, bound):
    if r is None or bound is None:
        return "%9s %5s" % ("failed", "")
    return "%9.0f %5.2f" % (r[0], r[0] / bound)
print("%-6s %-14s %-7s %5s | %8s %8s | %15s %6s | %15s | %15s | %s" % (
    "op", "alg", "canon", "size", "bound/s", "speed", "ours     frac", "/speed",
    "opendkim frac", "dkimpy   frac", "ours/opendkim"))
for key in sorted(rows, key=lambda k: (k[0] != "sign", k[1] != "rsa-sha256",
                                      k[2] != "relaxed/relaxed", k[3])):
    op, alg, canon, size = key
    r = {impl: med(runs) for impl, runs in rows[key].items()}
    b = r.get("bound")
    nbytes = b[1] if b else size
    pk = speed[alg][0 if op == "sign" else 1]
    sp = 1.0 / (nbytes / speed["sha256"] + 1.0 / pk)
    bound = b[0] if b else None
    ours, odk = r.get("ours"), r.get("opendkim")
    ratio = "%.2f" % (ours[0] / odk[0]) if ours and odk else "-"
    def col(impl):
        return cell(r.get(impl), bound) if impl in r else "%15s" % "n/a"
    vs_speed = "%6.2f" % (ours[0] / sp) if ours else "%6s" % "-"
    print("%-6s %-14s %-7s %5s | %8s %8.0f | %s %s | %s | %s | %s" % (
        op, alg, canon.split("/")[1], "%dK" % (size // 1024), "%.0f" % bound if bound else "failed",
        sp, col("ours"), vs_speed, col("opendkim"), col("dkimpy"), ratio))
print("rounds: %s; load average at the end: %s" % (
    sys.argv[3], open("/proc/loadavg").read().split()[0]))
PY
