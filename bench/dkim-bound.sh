#!/bin/sh
# dkim-bound.sh BUILDDIR [MIN_TIME] - dkim-bench against the `openssl
# speed` bound measured in the same run: for each message size (2 KB,
# 20 KB, 200 KB, 2 MB of plain text, CRLF), operation (sign, verify) and
# algorithm (rsa-sha256 with a 2048-bit key, ed25519-sha256), relaxed/
# relaxed, the bound is 1 / (1/crypto_ops_per_s + bytes / sha256_bytes_per_s)
# with both rates from `openssl speed` taken right before the run.
# Prints one line per case: size op alg msgs_per_s bound ratio.
set -eu
build=$1 mt=${2:-1}
work=$(mktemp -d /tmp/dkim-bound-XXXXXX)
trap 'rm -rf "$work"' EXIT
bench=$build/bench/dkim-bench
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rsa.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$work/ed.pem" 2>/dev/null
chmod 600 "$work"/*.pem
{
	echo "rsa._domainkey.example.com v=DKIM1; k=rsa; p=$(openssl pkey -in "$work/rsa.pem" -pubout -outform DER 2>/dev/null | base64 -w0)"
	echo "ed._domainkey.example.com v=DKIM1; k=ed25519; p=$(openssl pkey -in "$work/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)"
} > "$work/kt.txt"
/usr/bin/python3 - "$work" <<'PY'
import random, sys
random.seed(1)
words = ("the quick brown fox jumps over a lazy dog while mail servers check "
         "domain keys identified message signatures").split()
hdr = ("From: Alice <alice@example.com>\r\nTo: Bob <bob@example.org>\r\n"
       "Subject: benchmark message\r\nDate: Thu, 26 Nov 2026 08:00:00 +0000\r\n"
       "Message-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=utf-8\r\n\r\n")
for size, name in [(2000, "2k"), (20000, "20k"), (200000, "200k"), (2000000, "2m")]:
    out, n = [hdr], len(hdr)
    while n < size:
        line = " ".join(random.choice(words) for _ in range(11)) + "\r\n"
        out.append(line)
        n += len(line)
    open("%s/%s.eml" % (sys.argv[1], name), "w", newline="").write("".join(out))
PY
speed() { # speed ALG -> "sign/s verify/s"
	openssl speed -seconds 1 "$1" 2>/dev/null | awk -v a="$1" '
		a == "rsa2048" && /^rsa 2048/ { print $6, $7 }
		a == "ed25519" && /Ed25519/ { print $(NF-1), $NF }'
}
sha() { # bytes per second for 16 KiB blocks
	openssl speed -seconds 1 -bytes 16384 sha256 2>/dev/null |
		awk '/^sha256/ { sub(/k$/, "", $2); print $2 * 1000 }'
}
printf '%-5s %-6s %-15s %12s %12s %6s\n' size op alg msgs_per_s bound ratio
for size in 2k 20k 200k 2m; do
	for op in sign verify; do
		for alg in rsa-sha256 ed25519-sha256; do
			case $alg in rsa*) k=rsa ossl=rsa2048 ;; *) k=ed ossl=ed25519 ;; esac
			rates=$(speed $ossl) shabps=$(sha)
			crypto=$(echo "$rates" | awk -v op=$op '{ print op == "sign" ? $1 : $2 }')
			bytes=$(wc -c < "$work/$size.eml")
			got=$("$bench" --op $op --alg $alg --canon relaxed/relaxed \
				--key "$work/$k.pem" --selector $k --domain example.com \
				--keytable "$work/kt.txt" --runs 3 --min-time "$mt" \
				"$work/$size.eml" | awk '/^median/ { print $3 }')
			echo "$size $op $alg $got $crypto $bytes $shabps" | awk '{
				bound = 1 / (1 / $5 + $6 / $7)
				printf "%-5s %-6s %-15s %12.1f %12.1f %6.2f\n", $1, $2, $3, $4, bound, $4 / bound }'
		done
	done
done
