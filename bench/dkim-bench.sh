#!/bin/sh
# dkim-bench.sh [BUILDDIR] - DKIM throughput of ours (dkim-bench), Debian's
# libopendkim (bench/opendkim-bench) and dkimpy (bench/dkimpy-bench.py), in
# one run on this machine, against the bound the crypto primitives allow.
#
# For sign and verify, rsa-sha256 (2048-bit key) and ed25519-sha256,
# relaxed/relaxed, messages of 2 KB / 20 KB / 200 KB / 2 MB: messages per
# second (median of RUNS runs of at least MIN_TIME seconds, one core).
# The bound per message is the time of SHA-256 over its bytes plus one
# RSA/Ed25519 private (sign) or public (verify) operation, measured with
# `openssl speed -mr sha256 rsa2048 ed25519` just before.  The table gives
# each implementation's msgs/s, its fraction of the bound, and
# ours/libopendkim.  Numbers only: nothing here asserts a speed.
#
# Environment: RUNS (3), MIN_TIME (1 s), NFILES per size (4),
# SIZES ("2048 20480 204800 2097152").  Takes about 3-4 minutes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-${MAILAUTH_BUILDDIR:-$top/build}}" && pwd)
RUNS=${RUNS:-3}
MIN_TIME=${MIN_TIME:-1}
NFILES=${NFILES:-4}
SIZES=${SIZES:-"2048 20480 204800 2097152"}
py=/usr/bin/python3
domain=bench.example

for p in bench/opendkim-bench bench/dkim-bench; do
	[ -x "$build/$p" ] || make -C "$build" -s "$p" >/dev/null 2>&1 || true
done
ours="$build/bench/dkim-bench"
[ -x "$ours" ] || { echo "# dkim-bench not built: ours left out" >&2; ours=; }
odk="$build/bench/opendkim-bench"
[ -x "$odk" ] || { echo "dkim-bench.sh: $odk missing (make check builds it)" >&2; exit 1; }

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
		for size in $SIZES; do
			for impl in ours opendkim dkimpy; do
				case $impl in
				ours) [ -n "$ours" ] || continue; cmd=$ours ;;
				opendkim) cmd=$odk ;;
				dkimpy) cmd="$py $top/bench/dkimpy-bench.py" ;;
				esac
				echo "# $op $alg $size $impl" >&2
				line=$($cmd --op "$op" --alg "$alg" --canon relaxed/relaxed \
					--key "$key" --selector "$sel" --domain "$domain" \
					--keytable "$work/keytable" --runs "$RUNS" \
					--min-time "$MIN_TIME" "$work"/m"$size"-*.eml | tail -1) ||
					line="failed"
				echo "$op $alg $size $impl $line" >> "$work/results"
			done
		done
	done
done

"$py" - "$work/speed" "$work/results" <<'PY'
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
rows = {}
for l in open(sys.argv[2]):
    f = l.split()
    key = (f[0], f[1], int(f[2]))
    if len(f) >= 11 and f[4] == "median":
        rows.setdefault(key, {})[f[3]] = (float(f[6]), int(f[10]))
    else:
        rows.setdefault(key, {})[f[3]] = None
def cell(r, bound):
    return "%9s %5s" % ("failed", "") if r is None else \
        "%9.0f %5.2f" % (r[0], r[0] / bound)
print("%-6s %-14s %7s | %9s | %15s | %15s | %15s | %s" % (
    "op", "alg", "size", "bound/s", "ours  frac", "opendkim  frac",
    "dkimpy  frac", "ours/opendkim"))
for key in sorted(rows, key=lambda k: (k[0] != "sign", k[1] != "rsa-sha256", k[2])):
    op, alg, size = key
    r = rows[key]
    nbytes = next((v[1] for v in r.values() if v), size)
    pk = speed[alg][0 if op == "sign" else 1]
    bound = 1.0 / (nbytes / speed["sha256"] + 1.0 / pk)
    ours, odk = r.get("ours"), r.get("opendkim")
    ratio = "%.2f" % (ours[0] / odk[0]) if ours and odk else "-"
    print("%-6s %-14s %7s | %9.0f | %s | %s | %s | %s" % (
        op, alg, "%dK" % (size // 1024), bound,
        cell(ours, bound) if "ours" in r else "%15s" % "n/a",
        cell(odk, bound), cell(r.get("dkimpy"), bound), ratio))
PY
