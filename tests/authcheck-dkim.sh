#!/bin/sh
# authcheck-dkim.sh - `authcheck dkim-sign` and `authcheck verify` end to
# end: keys served by a real unbound on loopback (local-data generated
# from tests/fixtures/dkim/keytable.txt), signatures checked by
# dkimpy (Debian's python3-dkim) as the independent verifier, the
# published vectors verified through DNS, tampering, unsigned mail, key
# file permissions and usage errors.
set -u
. "$srcdir/tests/harness/lib.sh"

td=$srcdir/tests/fixtures/dkim
work=$(harness_tmpdir authcheck-dkim)
# keytable lines -> local-data, TXT split into 255-octet strings
/usr/bin/python3 - "$td/keytable.txt" > "$work/zones.conf" <<'PY'
import sys
print('local-zone: "example.org." static')
print('local-zone: "football.example.com." static')
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    if not l or l.startswith("#"):
        continue
    name, rec = l.split(None, 1)
    parts = " ".join('"%s"' % rec[i:i + 255] for i in range(0, len(rec), 255))
    print("local-data: '%s. 300 IN TXT %s'" % (name, parts))
PY
harness_unbound "$work/unbound" "$work/zones.conf"
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$work"' EXIT
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$work/lib.conf"
ac="$MAILAUTH_BUILDDIR/cli/authcheck"
# unfolded, one method result per line
verify() { "$ac" verify --authserv-id mx.test --resolver-config "$work/lib.conf" "$@" | unfold_ar; }

# the published vectors, keys through DNS
for f in rfc8463/signed-ed25519+rsa.eml third-party/exim-ed25519.eml third-party/gmail-2012-rsa.eml; do
	out=$(verify "$td/$f")
	expect_match "$out" '^Authentication-Results: mx\.test;' "$f: one A-R field"
	expect_no_match "$out" 'dkim=(fail|permerror|temperror|neutral|none)' "$f: every signature passes"
done
out=$(verify "$td/rfc8463/signed-ed25519+rsa.eml")
expect_match "$out" 'dkim=pass header\.d=football\.example\.com header\.i=@football\.example\.com header\.s=brisbane header\.a=ed25519-sha256 header\.b="9/dsDChY"' "ed25519 result properties"
expect_match "$out" 'dkim=pass .* header\.s=test header\.a=rsa-sha256 header\.b=icKcLSEZ' "rsa result properties"

# dual signing in one pass, LF-only input kept LF-only
cp "$td/rfc8463/test.rsa1024.pem" "$work/rsa.pem"
cp "$td/rfc8463/brisbane.ed25519.seed.b64" "$work/ed.seed"
chmod 600 "$work/rsa.pem" "$work/ed.seed"
"$ac" dkim-sign --domain football.example.com --selector test --key "$work/rsa.pem" \
	--selector brisbane --key "$work/ed.seed" "$td/rfc8463/unsigned.eml" > "$work/signed.eml"
expect_eq "$?" 0 "dkim-sign exit status"
expect_eq "$(grep -c '^DKIM-Signature:' "$work/signed.eml")" 2 "two signatures"
expect_eq "$(grep -c "$(printf '\r')" "$work/signed.eml")" 0 "LF-only message stays LF-only"
expect_eq "$(awk 'length > 78' "$work/signed.eml" | wc -l)" 0 "folded at 78 columns"
out=$(verify "$work/signed.eml")
expect_eq "$(echo "$out" | grep -c 'dkim=pass')" 2 "both our signatures pass"
out=$(/usr/bin/python3 - "$td/keytable.txt" "$work/signed.eml" <<'PY'
import sys, dkim
kt = {}
for l in open(sys.argv[1]):
    if l.strip() and not l.startswith("#"):
        n, r = l.split(None, 1)
        kt[n + "."] = r.strip().encode()
msg = open(sys.argv[2], "rb").read()
d = dkim.DKIM(msg)
dns = lambda name, timeout=5: kt.get(name.decode() if isinstance(name, bytes) else name)
print("dkimpy", d.verify(idx=0, dnsfunc=dns), d.verify(idx=1, dnsfunc=dns))
PY
)
expect_eq "$out" "dkimpy True True" "dkimpy verifies both our signatures"

# simple/simple, CRLF input, from stdin, with --keytable
tr -d '\r' < "$td/rfc8463/unsigned.eml" | sed 's/$/\r/' |
	"$ac" dkim-sign --domain football.example.com --selector brisbane --key "$work/ed.seed" \
	--canon simple/simple - > "$work/crlf.eml"
expect_match "$(head -1 "$work/crlf.eml")" "$(printf '\r')\$" "CRLF message gets CRLF signature"
out=$("$ac" verify --keytable "$td/keytable.txt" < "$work/crlf.eml" | unfold_ar)
expect_match "$out" 'dkim=pass' "simple/simple via key table"

# Every body scan path (MAILAUTH_DKIM_CANON_PATH, the test hook of
# dkim-canon.h; a path this CPU lacks falls back to the default) signs a
# 47 KB CRLF body dkimpy verifies: as on a CPU without AVX2 or without
# SSE2 (issue 20: the vectorised scan must not change the body hash).
# The body has what canonicalization changes (HTAB, SP runs, trailing
# WSP, empty lines inside and at the end) before, across and after the
# 16 KB runs and vector blocks.
/usr/bin/python3 - > "$work/big.eml" <<'PY'
import sys
out = ["From: a@football.example.com", "To: b@example.org",
       "Subject: scan paths", ""]
for i in range(1500):
    k = i % 7
    out.append("line %d of the body" % i + ["", "\t tab", "  two  spaces",
               " trailing \t", "", "x" * (i % 61), " lead"][k])
out += ["", " ", "\t", ""]
sys.stdout.buffer.write("\r\n".join(out).encode() + b"\r\n")
PY
for path in portable sse2 avx2 reference; do
	for canon in relaxed/relaxed simple/simple; do
		MAILAUTH_DKIM_CANON_PATH=$path "$ac" dkim-sign --domain football.example.com \
			--selector brisbane --key "$work/ed.seed" --canon $canon \
			"$work/big.eml" > "$work/big-signed.eml"
		out=$(/usr/bin/python3 - "$td/keytable.txt" "$work/big-signed.eml" <<'PY'
import sys, dkim
kt = {}
for l in open(sys.argv[1]):
    if l.strip() and not l.startswith("#"):
        n, r = l.split(None, 1)
        kt[n + "."] = r.strip().encode()
d = dkim.DKIM(open(sys.argv[2], "rb").read())
print("dkimpy", d.verify(dnsfunc=lambda name, timeout=5: kt.get(name.decode())))
PY
)
		expect_eq "$out" "dkimpy True" "$path $canon: dkimpy verifies our signature"
		out=$(MAILAUTH_DKIM_CANON_PATH=$path "$ac" verify --keytable "$td/keytable.txt" \
			< "$work/big-signed.eml" | unfold_ar)
		expect_match "$out" 'dkim=pass' "$path $canon: we verify it"
	done
done

# tampering and unsigned mail
sed 's/We lost the game/We won the game/' "$work/signed.eml" > "$work/tampered.eml"
out=$(verify "$work/tampered.eml")
expect_eq "$(echo "$out" | grep -c 'dkim=fail reason="body hash did not verify"')" 2 "tampered body fails"
out=$(verify "$td/rfc8463/unsigned.eml")
expect_match "$out" 'dkim=none' "unsigned message"
sed 's/s=test;/s=nokey;/' "$td/rfc8463/signed-rsa.eml" > "$work/nokey.eml"
out=$(verify "$work/nokey.eml")
expect_match "$out" 'dkim=permerror reason="no key for signature"' "NXDOMAIN key"

# key permissions and usage
chmod 644 "$work/rsa.pem"
"$ac" dkim-sign --domain d.example --selector s --key "$work/rsa.pem" "$td/rfc8463/unsigned.eml" >/dev/null 2>"$work/err"
expect_eq "$?" 1 "group/other-readable key refused"
expect_match "$(cat "$work/err")" 'readable by group/others' "clear error for an open key file"
"$ac" dkim-sign --insecure-key --domain d.example --selector s --key "$work/rsa.pem" "$td/rfc8463/unsigned.eml" >/dev/null 2>&1
expect_eq "$?" 0 "--insecure-key overrides"
"$ac" dkim-sign --domain d.example "$td/rfc8463/unsigned.eml" >/dev/null 2>&1
expect_eq "$?" 2 "dkim-sign without --selector is a usage error"
"$ac" verify --bogus >/dev/null 2>&1
expect_eq "$?" 2 "verify: unknown option is a usage error"
"$ac" verify --keytable "$td/keytable.txt" /nonexistent.eml >/dev/null 2>&1
expect_eq "$?" 1 "verify: unreadable file"

finish
