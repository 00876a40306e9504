#!/bin/sh
# dkim-keygen.sh - key generation and --check through the DNS layer: the
# .dns file is served by a real unbound on loopback (its zone-file text
# turned into local-data), `dkim-keygen --check` looks it up through
# libunbound.  The generated record and the KeyTable line are checked
# independently: dkim-signer signs with the KeyTable line from the .dns
# file and dkimpy verifies with the TXT record from it.
set -u
. "$srcdir/tests/harness/lib.sh"

keygen="$MAILAUTH_BUILDDIR/dkim-signer/dkim-keygen"
signer="$MAILAUTH_BUILDDIR/dkim-signer/dkim-signer"
W=$(harness_tmpdir dkim-keygen)
ub_pid=
trap '"$srcdir/tests/harness/stop-pid.sh" $ub_pid; rm -rf "$W"' EXIT
mkdir -p "$W/keys" "$W/other"

out=$("$keygen" --domain example.com --selector rsa2026 --directory "$W/keys")
expect_eq "$?" 0 "rsa key made"
"$keygen" --domain example.com --selector ed2026 --type ed25519 --directory "$W/keys" > /dev/null
expect_eq "$?" 0 "ed25519 key made"
"$keygen" --domain example.com --selector weak --bits 1024 --directory "$W/keys" > /dev/null
"$keygen" --domain example.com --selector rsa2026 --directory "$W/other" > /dev/null
expect_eq "$(stat -c %a "$W/keys/rsa2026.private")" 600 "S.private is mode 0600"
"$keygen" --domain example.com --selector rsa2026 --directory "$W/keys" > /dev/null 2>&1
expect_eq "$?" 2 "an existing key is never overwritten"
"$keygen" --domain example.com --selector x --bits 512 --directory "$W/keys" > /dev/null 2>&1
expect_eq "$?" 2 "RSA below 1024 bits refused (RFC 8301 3.2)"
"$keygen" --domain example.com > /dev/null 2>&1
expect_eq "$?" 2 "usage error"

# the TXT record in zone syntax: strings of at most 255 octets, no white
# space inside p= (RFC 6376 3.6.2.2: strings are concatenated)
dns=$(cat "$W/keys/rsa2026.dns")
expect_match "$dns" '^rsa2026\._domainkey\.example\.com\.	3600	IN	TXT	\( "v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+"$' "rsa .dns: owner name, TTL, first string"
long=$(grep -o '"[^"]*"' "$W/keys/rsa2026.dns" | awk 'length($0) > 257' | wc -l)
expect_eq "$long" 0 "no string longer than 255 octets"
expect_eq "$(grep -v '^;' "$W/keys/rsa2026.dns" | grep -o '"[^"]*"' | wc -l)" 2 "a 2048-bit key takes two strings"
expect_match "$(cat "$W/keys/ed2026.dns")" '^ed2026\._domainkey\.example\.com\.	3600	IN	TXT	\( "v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=" \)$' "ed25519 .dns: one string, 32-byte key (RFC 8463 4.2)"

# zone text -> unbound local-data and a key table for dkimpy
/usr/bin/python3 - "$W" <<'PY'
import re, sys
w = sys.argv[1]
recs = {}
for sel in ("rsa2026", "ed2026", "weak"):
    text = open("%s/keys/%s.dns" % (w, sel)).read()
    rr = re.sub(r"(?m)^;[^\n]*", "", text)
    name = rr.split()[0]
    strings = re.findall(r'"([^"]*)"', rr)
    recs[name] = strings
recs["testing._domainkey.example.com."] = [recs["ed2026._domainkey.example.com."][0].replace("v=DKIM1;", "v=DKIM1; t=y;")]
recs["broken._domainkey.example.com."] = ["v=DKIM1; k=rsa; p=!!notbase64"]
with open(w + "/zones.conf", "w") as z, open(w + "/keys.txt", "w") as k:
    z.write('local-zone: "example.com." static\n')
    for name, strings in recs.items():
        z.write("local-data: '%s 3600 IN TXT %s'\n" % (name, " ".join('"%s"' % s for s in strings)))
        k.write("%s %s\n" % (name.rstrip("."), "".join(strings)))
PY
harness_unbound "$W/unbound" "$W/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$W/resolver.conf"

chk() { "$keygen" --check --domain example.com --resolver-config "$W/resolver.conf" --timeout 5 "$@" 2>&1; }
out=$(chk --selector rsa2026 --key "$W/keys/rsa2026.private")
expect_eq "$?" 0 "--check: published matching key: exit 0"
expect_eq "$out" "rsa2026._domainkey.example.com: published: yes (1 TXT record, TTL 3600)
rsa2026._domainkey.example.com: parses: yes (k=rsa)
rsa2026._domainkey.example.com: matches $W/keys/rsa2026.private: yes
rsa2026._domainkey.example.com: testing mode: no
rsa2026._domainkey.example.com: key strength: strong enough (RSA 2048 bits)" "--check: one line each"
out=$(chk --selector ed2026 --key "$W/keys/ed2026.private")
expect_eq "$?" 0 "--check ed25519: exit 0"
expect_match "$out" 'key strength: strong enough \(ed25519' "--check ed25519: strength"
out=$(chk --selector rsa2026 --key "$W/other/rsa2026.private")
expect_eq "$?" 1 "--check: another key: exit 1"
expect_match "$out" 'matches .*: NO$' "--check: says it does not match"
out=$(chk --selector testing --key "$W/keys/ed2026.private")
expect_match "$out" 'testing mode: yes' "--check: t=y reported"
out=$(chk --selector weak --key "$W/keys/weak.private")
expect_match "$out" 'key strength: weak: RSA 1024 bits' "--check: 1024-bit RSA is weak"
out=$(chk --selector missing --key "$W/keys/ed2026.private")
expect_eq "$?" 1 "--check: not published: exit 1"
expect_match "$out" 'published: no \(nxdomain\)' "--check: not published"
out=$(chk --selector broken --key "$W/keys/ed2026.private")
expect_eq "$?" 1 "--check: broken record: exit 1"
expect_match "$out" 'parses: no' "--check: broken record does not parse"

# the KeyTable line from the .dns file signs; dkimpy verifies with the record
sed -n 's/^;   \(rsa2026._domainkey.example.com .*\)/\1/p; s/^;   \(ed2026._domainkey.example.com .*\)/\1/p' "$W/keys/rsa2026.dns" "$W/keys/ed2026.dns" > "$W/KeyTable"
sed -n 's/^;   \(\*@example.com .*\)/\1/p' "$W/keys/rsa2026.dns" "$W/keys/ed2026.dns" > "$W/SigningTable"
printf 'KeyTable %s/KeyTable\nSigningTable refile:%s/SigningTable\nMultipleSignatures yes\nSyslog no\n' "$W" "$W" > "$W/signer.conf"
printf 'From: a@example.com\nTo: b@example.net\nSubject: k\n\nbody\n' | "$signer" -c "$W/signer.conf" --stdout -f a@example.com > "$W/signed.eml" 2>/dev/null
r=$(/usr/bin/python3 - "$srcdir/tests/peers" "$W/keys.txt" "$W/signed.eml" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import dkim, dkimpy_peer
t = dkimpy_peer.load_keytable(sys.argv[2])
d = dkim.DKIM(open(sys.argv[3], "rb").read())
print(d.verify(idx=0, dnsfunc=dkimpy_peer.dnsfunc_for(t)), d.verify(idx=1, dnsfunc=dkimpy_peer.dnsfunc_for(t)))
PY
)
expect_eq "$r" "True True" "KeyTable lines from the .dns files sign; dkimpy verifies with the published records"
# --version and --help: exit 0 with the name, or the usage, on stdout
out=$("$keygen" --version 2>/dev/null); rc=$?
expect_eq "$rc" 0 "--version exits 0"
expect_match "$out" '^dkim-keygen \(mailauth-pack\) [0-9]' "--version names the program and version"
out=$("$keygen" --help 2>/dev/null); rc=$?
expect_eq "$rc" 0 "--help exits 0"
expect_match "$out" '^usage: dkim-keygen ' "--help prints the usage on stdout"

finish
