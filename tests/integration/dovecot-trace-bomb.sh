#!/bin/sh
# dovecot-trace-bomb.sh - probe 2026-12 F01 through the dkimcheck plugin in
# a real private Dovecot (tests/harness/dovecot.sh) with its default
# address-space limit for lmtp (default_vsz_limit = 256M): a 3.7 MB
# message of 137 000 "Authentication-Results: x" lines used to take
# ~560 MB in lib/msgauth, so lmtp died with signal 6 on every try and the
# message could never be delivered.  Now it is delivered intact (every
# byte of it below our one new field), and no lmtp process dies.  Forged
# fields claiming our authserv-id past the 256 kept ones are still
# removed (RFC 8601 5); with more than msgauth can list
# (MSGAUTH_MAX_EXCESS_FORGED), the message is refused with 550 5.7.1
# rather than delivered with forged fields.  Messages are made here.
#
# Needs root (Dovecot's master); exit 77 (SKIP) otherwise, or when the
# build has no Dovecot.  In the sanitizer build Dovecot runs without an
# address-space limit (ASan's shadow memory, dovecot_sanitizer_conf): the
# checks of the default limit are reported as SKIP, the others still run
# (and any sanitizer report fails), and the script exits 77 unless
# something failed.
set -u
. "$srcdir/tests/harness/lib.sh"
. "$srcdir/tests/harness/dovecot.sh"

harness_need_root "to run a private Dovecot instance"
harness_need /usr/sbin/dovecot /usr/bin/doveconf /usr/bin/swaks

BASE=$(harness_tmpdir dovecot-trace-bomb)
ub_pid=
skipped=0
cleanup() {
	dovecot_stop
	"$srcdir/tests/harness/stop-pid.sh" $ub_pid
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $BASE"; else rm -rf "$BASE"; fi
}
trap cleanup EXIT

# skip_check WHAT WHY: a check this build cannot make (counted; exit 77)
skip_check() {
	_n=$((_n + 1))
	skipped=$((skipped + 1))
	echo "ok $_n - $1 # SKIP $2"
}

dovecot_plugin_install "$BASE/inst"
dovecot_sanitizer_conf "$dovecot_plugin_so" "$BASE/sanitizer.conf" "$BASE/sanlog" ||
	fail "dovecot_sanitizer_conf"
if [ -n "$dovecot_asan_runtime" ]; then
	echo "# sanitizer build: $dovecot_asan_runtime preloaded, no vsz_limit"
fi

# no DNS data: everything under test. is NXDOMAIN (dkim=none, dmarc=none)
echo 'local-zone: "test." static' > "$BASE/zones.conf"
harness_unbound "$BASE/unbound" "$BASE/zones.conf"
"$srcdir/tests/harness/libunbound-forward.sh" "$ub_port" > "$BASE/resolver.conf"
chmod 644 "$BASE/resolver.conf"

dovecot_dkimcheck_init "$BASE/dovecot" "$BASE/resolver.conf" 2s ||
	fail "dovecot_dkimcheck_init"
dovecot_user alice
chown -R nobody:nogroup "$BASE/dovecot/home"
dovecot_start "$BASE/sanitizer.conf" "$BASE/dovecot/etc/90-dkimcheck.conf" \
	"$BASE/dovecot/etc/test.conf" || fail "Dovecot did not start"

# bomb FILE SUBJECT N LINE: N copies of the header line LINE, then a short
# message (CRLF)
bomb() {
	{
		yes "$4" | head -n "$3"
		printf 'From: Alice <alice@mail.test>\nTo: alice@test.example\nSubject: %s\n' "$2"
		printf 'Message-ID: <%s.%s@test>\n\nHello\n' "$2" "$$"
	} | sed 's/$/\r/' > "$1"
}
lmtp() {
	swaks --protocol LMTP --server 127.0.0.1 --port "$dovecot_lmtp_port" \
		--from sender@mail.test --to "$2" --data "@$1" 2>&1
}
# lmtp_exact FILE RCPT: deliver the bytes of FILE as they are (swaks ends
# the data with a line of its own); prints the reply code to DATA
lmtp_exact() {
	/usr/bin/python3 - "$dovecot_lmtp_port" "$1" "$2" <<'PY' 2>&1
import smtplib, sys
lmtp = smtplib.LMTP("127.0.0.1", int(sys.argv[1]), timeout=60)
with open(sys.argv[2], "rb") as f:
    data = f.read()
try:
    lmtp.sendmail("sender@mail.test", [sys.argv[3]], data)
    print("250")
except smtplib.SMTPException as e:
    print(e)
lmtp.quit()
PY
}
# stored SUBJECT: the Maildir file of alice's message with that subject
stored() {
	grep -l "^Subject: $1\$" "$BASE/dovecot/home/alice/Maildir/new/"* \
		"$BASE/dovecot/home/alice/Maildir/cur/"* 2>/dev/null | head -1
}
ours() { grep -c '^Authentication-Results: mx\.test\.example;' "$1"; }
lmtp_pids() {
	ps -eo sid=,comm=,pid= | awk -v s="$dovecot_pid" '$1 == s && $2 == "lmtp" { print $3 }'
}

# --- 1. the probe's message under Dovecot's default limit ---
if [ -z "$dovecot_asan_runtime" ]; then
	expect_eq "$(doveconf -c "$dovecot_conf" -h default_vsz_limit)" "256 M" \
		"Dovecot's default vsz_limit is in force"
else
	skip_check "Dovecot's default vsz_limit is in force" "sanitizer build"
fi
bomb "$BASE/ar.eml" bomb1 137000 'Authentication-Results: x'
expect_eq "$(lmtp_exact "$BASE/ar.eml" alice@test.example)" 250 "3.7 MB of A-R fields: delivered"
if [ -z "$dovecot_asan_runtime" ]; then
	# an lmtp process of the instance (on Dovecot 2.4.1 the one that
	# delivered has ended with its connection; they all get the limit)
	dovecot_lmtp_hold
	limits=
	for p in $(lmtp_pids); do
		limits="$limits$(awk '/^Max address space/ { print $4 }' "/proc/$p/limits")"
	done
	dovecot_lmtp_release
	expect_match "$limits" '^268435456' "the lmtp processes run under the 256 MB address-space limit"
else
	skip_check "the lmtp that delivered it runs under the 256 MB address-space limit" "sanitizer build"
fi
f=$(stored bomb1)
if [ -n "$f" ]; then
	_ok "stored in alice's INBOX"
	# intact: the original (Dovecot stores LF line ends) is the end of
	# the stored file, below our field and the lines lmtp adds
	sed 's/\r$//' "$BASE/ar.eml" > "$BASE/ar.lf"
	tail -c "$(wc -c < "$BASE/ar.lf")" "$f" | cmp -s - "$BASE/ar.lf"
	expect_eq "$?" 0 "every byte of the message arrived"
	expect_eq "$(grep -c '^Authentication-Results: x$' "$f")" 137000 "all 137000 fields kept"
	expect_eq "$(ours "$f")" 1 "our field added once"
else
	_not_ok "stored in alice's INBOX"
fi

# --- 2. forged fields past the kept ones: still removed ---
# 400 fields claiming our authserv-id: 256 kept (the topmost trusted and
# replaced, the others forged), 144 past them, listed and removed
bomb "$BASE/forged.eml" bomb2 400 'Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=mail.test'
out=$(lmtp "$BASE/forged.eml" alice@test.example)
expect_match "$out" '^<- +250 2\.0\.0 <alice@test\.example> .* Saved' "400 forged A-R: delivered"
f=$(stored bomb2)
expect_eq "$([ -n "$f" ] && ours "$f")" 1 "400 forged A-R: all removed, only ours left"

# --- 3. more than can be listed: refused, nothing stored ---
bomb "$BASE/many.eml" bomb3 60000 'Authentication-Results: mx.test.example; spf=pass smtp.mailfrom=mail.test'
out=$(lmtp "$BASE/many.eml" alice@test.example)
expect_match "$out" '^<\*\* +550 5\.7\.1 <alice@test\.example> Rejected: too many forged Authentication-Results fields' "60000 forged A-R: 550 5.7.1"
expect_eq "$(stored bomb3)" "" "60000 forged A-R: nothing stored"
expect_match "$(cat "$dovecot_log")" 'dkimcheck: session=.* dropped=512 forged_unlisted=59488 ' "60000 forged A-R: logged"

# --- nothing died ---
expect_no_match "$(cat "$dovecot_log")" 'Panic|Fatal|Out of memory|killed with signal' "no lmtp process died"
dovecot_stop
expect_eq "$?" 0 "Dovecot stopped, no process left"
expect_eq "$(cat "$BASE"/sanlog/* 2>/dev/null | head -40)" "" "no sanitizer report"
if [ "$_failed" -eq 0 ] && [ "$skipped" -gt 0 ]; then
	echo "$_n checks, $skipped skipped: SKIP (Dovecot's default limit cannot be checked in this build)"
	exit 77
fi
finish
