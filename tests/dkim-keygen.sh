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

# probe 2026-12 F06: S.dns was written with fopen("w"), following a planted
# symlink (clobbering its target as root) and overwriting an existing file.
# Now it is created like S.private (O_EXCL|O_NOFOLLOW): refused, the target
# untouched, and no half-made pair (S.private removed again).
mkdir -p "$W/f06"
echo "must not change" > "$W/victim"
ln -s ../victim "$W/f06/sym.dns"
"$keygen" --domain example.com --selector sym --type ed25519 --directory "$W/f06" > /dev/null 2>&1
expect_eq "$?" 2 "F06: a symlink at S.dns is refused"
expect_eq "$(cat "$W/victim")" "must not change" "F06: the symlink's target is untouched"
expect_eq "$(ls "$W/f06")" "sym.dns" "F06: no S.private left behind without its S.dns"
ln -s ../nonexistent "$W/f06/dangling.dns"
"$keygen" --domain example.com --selector dangling --type ed25519 --directory "$W/f06" > /dev/null 2>&1
expect_eq "$?" 2 "F06: a dangling symlink at S.dns is refused"
expect_eq "$(test -e "$W/nonexistent" && echo made)" "" "F06: nothing created through the dangling symlink"
echo "old record" > "$W/f06/old.dns"
"$keygen" --domain example.com --selector old --type ed25519 --directory "$W/f06" > /dev/null 2>&1
expect_eq "$?" 2 "F06: an existing S.dns is not overwritten"
expect_eq "$(cat "$W/f06/old.dns")" "old record" "F06: the existing S.dns keeps its content"
expect_eq "$(test -e "$W/f06/old.private" && echo left)" "" "F06: S.private removed when S.dns cannot be made"
expect_eq "$(stat -c %a "$W/keys/ed2026.dns")" 644 "S.dns is 0644 (public data)"

# probe 2026-12 F14: the selector was checked only for '/' and a leading
# '.', so a newline put an extra zone line into S.dns.  Selector and domain
# now follow RFC 6376 3.1 / 3.5 (LDH sub-domains), the same check as the
# KeyTable's and the verifier's.
mkdir -p "$W/f14"
nl='
'
for sel in "x${nl}@ 3600 IN NS ns.evil.test.${nl}y" "a b" "s_1" "-s" "s-" "a..b" "s." ".s" "a/b" "s;x=y" "" "$(printf 's\001')"; do
	"$keygen" --domain example.com --selector "$sel" --type ed25519 --directory "$W/f14" > /dev/null 2>&1
	expect_eq "$?" 2 "F14: selector '$sel' refused"
done
for dom in "example.com${nl}x" "1.2.3.4" "-bad-.com" "x_y.com" "com" "example.com." "exa mple.com"; do
	"$keygen" --domain "$dom" --selector s1 --type ed25519 --directory "$W/f14" > /dev/null 2>&1
	expect_eq "$?" 2 "F14: domain '$dom' refused"
done
expect_eq "$(ls -A "$W/f14")" "" "F14: no file made for a refused name"
"$keygen" --domain Mail-1.Example.COM --selector 2026-a.b7 --type ed25519 --directory "$W/f14" > /dev/null 2>&1
expect_eq "$?" 0 "F14: LDH labels, digits first, dots in the selector are fine (RFC 6376 3.1)"

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
# probe 2026-12 F15: two TXT records at one selector (RFC 6376 3.6.2.2:
# "the results are undefined"); --check said "matches: yes" from the first
ed=$(grep -o '"v=DKIM1[^"]*"' "$W/keys/ed2026.dns")
printf "local-data: 'two._domainkey.example.com. 3600 IN TXT %s'\n" "$ed" "\"v=DKIM1; k=ed25519; p=\"" >> "$W/zones.conf"
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

out=$(chk --selector two --key "$W/keys/ed2026.private")
expect_eq "$?" 1 "F15: --check with two TXT records: exit 1"
expect_match "$out" 'problem: 2 TXT records; RFC 6376 3.6.2.2' "F15: --check names the problem"
expect_no_match "$out" 'matches' "F15: --check does not claim a match from one of them"
# --check with a resolver config unbound cannot parse shows unbound's reason
printf 'server:\n  no-such-option: 1\n' > "$W/bad-resolver.conf"
out=$("$keygen" --check --domain example.com --selector ed2026 --key "$W/keys/ed2026.private" --resolver-config "$W/bad-resolver.conf" 2>&1)
expect_eq "$?" 2 "bad resolver config: exit 2"
expect_match "$out" "bad-resolver.conf:2: error: unknown keyword 'no-such-option'" "bad resolver config: unbound's parse error is shown"

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
