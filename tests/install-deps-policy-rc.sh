#!/bin/sh
# install-deps-policy-rc.sh - scripts/install-deps.sh keeps package scripts
# from starting daemons with a policy-rc.d (exit 101, invoke-rc.d(8)) only
# while it runs.  Follow-up of stop 17: it used to leave
# /usr/sbin/policy-rc.d behind, and on a real server that silently kept
# every later package from starting its service.  Now:
#   - absent before: present (exit 101) while apt-get installs, gone after
#     on success, on apt-get's failure and on TERM;
#   - present before (the admin's own): untouched, content and all;
#   - nothing to install: never created.
# Runs the real script against stand-ins for dpkg-query, apt-get,
# apt-cache, debconf-set-selections, clang and id (first in PATH), and
# MAILAUTH_POLICY_RC_D pointing into a temporary directory: apt never runs
# and the machine's own /usr/sbin/policy-rc.d is never looked at.
set -u
. "$srcdir/tests/harness/lib.sh"

t=$(harness_tmpdir install-deps-policy-rc)
trap 'rm -rf "$t"' EXIT
fake=$t/bin
mkdir -p "$fake"
prc=$t/usr/sbin/policy-rc.d
mkdir -p "$t/usr/sbin"
log=$t/apt.log

# FAKE_INSTALLED=1: every package is installed.
cat > "$fake/dpkg-query" <<'EOF'
#!/bin/sh
[ "${FAKE_INSTALLED:-0}" = 1 ] && echo 'install ok installed' || echo 'unknown ok not-installed'
EOF
cat > "$fake/clang" <<'EOF'
#!/bin/sh
echo 'Debian clang version 14.0.6'
EOF
cat > "$fake/id" <<'EOF'
#!/bin/sh
echo 0
EOF
cat > "$fake/debconf-set-selections" <<'EOF'
#!/bin/sh
cat > /dev/null
EOF
cat > "$fake/apt-cache" <<'EOF'
#!/bin/sh
exit 0
EOF
# apt-get: logs what invoke-rc.d would get from the policy-rc.d in place
# at install time; FAKE_APT=ok|fail|term (term: TERM to install-deps.sh).
cat > "$fake/apt-get" <<'EOF'
#!/bin/sh
[ "$1" = install ] || exit 0
if [ -x "$MAILAUTH_POLICY_RC_D" ]; then
	"$MAILAUTH_POLICY_RC_D" postfix start
	echo "policy-rc.d exit $?" >> "$FAKE_LOG"
else
	echo "policy-rc.d none" >> "$FAKE_LOG"
fi
case $FAKE_APT in
fail)	exit 100;;
term)	kill -TERM "$PPID"; exit 0;;
esac
exit 0
EOF
chmod 755 "$fake"/*

# run APT: install-deps.sh with the stand-ins; sets rc, apt (what apt-get
# saw, first call) and after (the policy-rc.d left: none or its content)
run() {
	rm -f "$log"
	PATH=$fake:$PATH MAILAUTH_POLICY_RC_D=$prc FAKE_LOG=$log FAKE_APT=$1 \
		"$srcdir/scripts/install-deps.sh" > "$t/out" 2>&1
	rc=$?
	apt=$(head -1 "$log" 2>/dev/null)
	if [ -e "$prc" ]; then after=$(cat "$prc"); else after=none; fi
}

run ok
expect_eq "$rc" 0 "apt-get succeeds: install-deps exits 0"
expect_eq "$apt" "policy-rc.d exit 101" "apt-get installs with a policy-rc.d that forbids starting daemons"
expect_eq "$after" none "apt-get succeeds: the policy-rc.d it created is gone"

run fail
expect_eq "$rc" 100 "apt-get fails: install-deps exits with apt-get's status"
expect_eq "$after" none "apt-get fails: the policy-rc.d it created is gone"

run term
expect_eq "$rc" 143 "TERM while apt-get runs: install-deps exits 143"
expect_eq "$apt" "policy-rc.d exit 101" "TERM: apt-get ran with the policy-rc.d"
expect_eq "$after" none "TERM: the policy-rc.d it created is gone"

printf '#!/bin/sh\n# the admin'"'"'s own\nexit 0\n' > "$prc"
chmod 755 "$prc"
own=$(cat "$prc")
run ok
expect_eq "$apt" "policy-rc.d exit 0" "a policy-rc.d there before is the one apt-get sees"
expect_eq "$after" "$own" "a policy-rc.d there before is left as it was"
run fail
expect_eq "$after" "$own" "apt-get fails: a policy-rc.d there before is left as it was"
rm -f "$prc"

FAKE_INSTALLED=1 run ok
expect_eq "$rc/$(cat "$t/out")" "0/" "nothing missing: exit 0, silent"
expect_eq "$apt/$after" "/none" "nothing missing: no apt-get, no policy-rc.d"
finish
