#!/bin/sh
# authcheck-usage.sh - what a careless admin sees: every usage error
# exits 2 with a line naming the problem (not the whole usage), files
# that cannot be read are named once, --version, and each subcommand's
# --help lists every option it accepts: the options documented in
# authcheck(1) for it appear in --help, and every option --help lists is
# accepted by the parser (`authcheck CMD OPT [VALUE] --help` exits 0,
# an unknown option would exit 2 first).  No DNS server is needed: SPF
# answers come from a libunbound configuration with local-data.
set -u
. "$srcdir/tests/harness/lib.sh"

ac="$MAILAUTH_BUILDDIR/cli/authcheck"
man="$srcdir/man/authcheck.1"
work=$(harness_tmpdir authcheck-usage)
trap 'rm -rf "$work"' EXIT
cat > "$work/lib.conf" <<'Z'
server:
	local-zone: "example.com." static
	local-data: 'example.com. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"'
	local-data: 'mx.example.com. 300 IN TXT "v=spf1 a -all"'
	local-data: "mx.example.com. 300 IN A 192.0.2.1"
Z
printf 'From: a@example.com\nSubject: x\n\nbody\n' > "$work/msg.eml"

# usage_error WANT-REGEX WHAT ARGS...: exit 2, one line on stderr naming
# the problem, nothing on stdout
usage_error() {
	want=$1 what=$2
	shift 2
	"$ac" "$@" > "$work/out" 2> "$work/err" < /dev/null
	rc=$?
	expect_eq "$rc" 2 "$what: exit 2"
	expect_match "$(head -1 "$work/err")" "^authcheck: $want" "$what: names the problem"
	expect_eq "$(grep -c '^usage:' "$work/err")" 0 "$what: not the whole usage"
	expect_eq "$(cat "$work/out")" "" "$what: nothing on stdout"
}

usage_error 'dns: unsupported record type NS ' "dns NS" dns NS example.com
usage_error 'dns: unknown option --bogus' "dns unknown option" dns --bogus TXT example.com
usage_error 'dns: unexpected argument extra' "dns extra argument" dns TXT example.com extra
usage_error 'dns: needs TYPE and NAME' "dns without arguments" dns
usage_error '--timeout needs an argument' "dns --timeout without value" dns TXT example.com --timeout
usage_error "bad --timeout 'soon'" "dns bad --timeout" dns TXT example.com --timeout soon
usage_error 'spf: unknown option --bogus' "spf unknown option" spf --ip 192.0.2.1 --mail-from a@example.com --bogus
usage_error 'spf: --ip is required' "spf without --ip" spf --mail-from a@example.com --helo mx.example.com
usage_error 'spf: --mail-from is required' "spf without --mail-from" spf --ip 192.0.2.1
usage_error 'spf: a null --mail-from .* needs --helo' "spf null sender without --helo" spf --ip 192.0.2.1 --mail-from ""
usage_error 'spf: --identity helo needs --helo' "spf --identity helo without --helo" spf --ip 192.0.2.1 --identity helo
usage_error 'spf: --identity sender: want mailfrom or helo' "spf bad --identity" spf --ip 192.0.2.1 --identity sender
usage_error 'spf: --helo needs a value' "spf --helo without value" spf --ip 192.0.2.1 --helo
usage_error 'verify: --ip needs --mail-from ADDR or --helo NAME' "verify --ip alone" verify --ip 192.0.2.1 "$work/msg.eml"
usage_error 'verify: --ip needs --mail-from ADDR or --helo NAME' "verify --ip with a null sender" verify --ip 192.0.2.1 --mail-from "<>" "$work/msg.eml"
usage_error 'verify: --mail-from and --helo need --ip' "verify --helo without --ip" verify --helo mx.example.com "$work/msg.eml"
usage_error 'verify: unknown option --frob' "verify unknown option" verify --frob "$work/msg.eml"
usage_error 'verify: --max-signatures x: want a number' "verify bad --max-signatures" verify --max-signatures x "$work/msg.eml"
usage_error 'verify: --time needs a value' "verify --time without value" verify --time
usage_error 'verify: --psl-file needs a value' "verify --psl-file without value" verify --psl-file
usage_error 'verify: unexpected argument ' "verify two messages" verify "$work/msg.eml" "$work/msg.eml"
usage_error 'dkim-sign: --domain is required' "dkim-sign without --domain" dkim-sign --selector s --key "$work/none.pem" "$work/msg.eml"
usage_error 'dkim-sign: --key is required' "dkim-sign without --key" dkim-sign --domain example.com --selector s "$work/msg.eml"
usage_error 'dkim-sign: --selector is required' "dkim-sign without --selector" dkim-sign --domain example.com --key "$work/none.pem"
usage_error 'dkim-sign: --canon x: want' "dkim-sign bad --canon" dkim-sign --domain example.com --selector s --key "$work/none.pem" --canon x
usage_error 'dkim-sign: --algorithm rsa-sha1: want' "dkim-sign rsa-sha1" dkim-sign --domain example.com --selector s --key "$work/none.pem" --algorithm rsa-sha1
usage_error 'dkim-sign: unknown option --frob' "dkim-sign unknown option" dkim-sign --frob
usage_error 'dkim-sign: --timestamp yesterday: want' "dkim-sign bad --timestamp" dkim-sign --timestamp yesterday
usage_error "unknown command 'frob'" "unknown command" frob

# nothing given at all: exit 2, and the list of commands is the help
"$ac" > "$work/out" 2> "$work/err"
expect_eq "$?" 2 "no command: exit 2"
expect_match "$(cat "$work/err")" '^authcheck: no command given$' "no command: says so"

# a file that cannot be read: one line naming it and why, exit 1
for cmd in "dns TXT example.com" "spf --ip 192.0.2.1 --mail-from a@example.com" "verify $work/msg.eml"; do
	# shellcheck disable=SC2086
	"$ac" $cmd --resolver-config /nonexistent > "$work/out" 2> "$work/err"
	rc=$?
	expect_eq "$rc:$(cat "$work/err")" \
		"1:authcheck: --resolver-config /nonexistent: No such file or directory" \
		"${cmd%% *} --resolver-config /nonexistent: one clear line, exit 1"
done
"$ac" dns TXT example.com --trust-anchor /nonexistent > "$work/out" 2> "$work/err"
expect_eq "$?:$(cat "$work/err")" \
	"1:authcheck: --trust-anchor /nonexistent: No such file or directory" \
	"--trust-anchor /nonexistent: one clear line, exit 1"

# RFC 5321 4.1.2: the angle brackets belong to the command, not to the
# address: <joe@example.com> is joe@example.com, <> the null path
out=$("$ac" spf --ip 192.0.2.25 --mail-from "<joe@example.com>" --helo mx.example.com \
	--resolver-config "$work/lib.conf" 2>&1)
expect_eq "$out" "spf=pass smtp.mailfrom=example.com (matched ip4:192.0.2.0/24)" \
	"spf --mail-from <a@b>: brackets stripped"
out=$("$ac" spf --ip 192.0.2.1 --mail-from "<>" --helo mx.example.com \
	--resolver-config "$work/lib.conf" 2>&1)
expect_eq "$out" "spf=pass smtp.helo=mx.example.com (matched a)" \
	"spf --mail-from <>: null sender, HELO checked (RFC 7208 2.4)"
out=$("$ac" verify --no-dmarc --authserv-id mx.test --ip 192.0.2.25 \
	--mail-from "<joe@example.com>" --helo mx.example.com \
	--resolver-config "$work/lib.conf" "$work/msg.eml" 2>&1 | unfold_ar)
expect_match "$out" '^ *spf=pass smtp\.mailfrom=example\.com;?$' \
	"verify --mail-from <a@b>: brackets stripped"

# Output that does not reach stdout (a full disk) is an error, as in
# coreutils: "authcheck: write error: REASON" and exit 1, never a silent
# exit 0 with the verdict lost
write_error() { # WHAT ARGS...
	what=$1
	shift
	"$ac" "$@" > /dev/full 2> "$work/err" < /dev/null
	rc=$?
	expect_eq "$rc:$(cat "$work/err")" \
		"1:authcheck: write error: No space left on device" "$what > /dev/full: write error, exit 1"
}
write_error "--version" --version
write_error "spf" spf --ip 192.0.2.25 --mail-from joe@example.com \
	--resolver-config "$work/lib.conf"
write_error "dns" dns TXT example.com --resolver-config "$work/lib.conf"
write_error "verify" verify --no-dmarc --authserv-id mx.test \
	--resolver-config "$work/lib.conf" "$work/msg.eml"

# --version and --help
out=$("$ac" --version)
expect_eq "$?" 0 "--version: exit 0"
expect_match "$out" '^authcheck \(mailauth-pack\) [0-9]+\.[0-9]+' "--version: name and version"
out=$("$ac" --help)
expect_eq "$?" 0 "--help: exit 0"
expect_match "$out" '^  dkim-sign ' "--help lists the commands"

# The options of a subcommand in authcheck(1): its own section, plus DNS
# OPTIONS for dns, spf and verify.
man_options() {
	{
		awk -v sec="^[.]SS authcheck $1( |$)" '
			/^[.]S[SH] / { on = ($0 ~ sec) }
			on' "$man"
		[ "$1" != dkim-sign ] && awk '
			/^[.]S[SH] / { on = ($0 ~ /^[.]SH DNS OPTIONS/) }
			on' "$man"
	} | grep -o '\\-\\-[a-z\\-]*' | sed 's/\\-/-/g; s/[^a-z-].*//' | sort -u
}

# A value an option accepts at parse time.
value_for() {
	case $1 in
	--identity) echo helo;;
	--timeout) echo 5;;
	--max-signatures) echo 3;;
	--applied) echo quarantine;;
	--time|--timestamp) echo 1700000000;;
	*) echo x;;
	esac
}

for cmd in dns spf verify dkim-sign; do
	help=$("$ac" "$cmd" --help)
	expect_eq "$?" 0 "$cmd --help: exit 0"
	# every option of the man page's section is in --help
	for opt in $(man_options "$cmd"); do
		expect_match "$help" "^ +$opt( |$)" "$cmd --help lists $opt (authcheck(1))"
	done
	# every option in --help is accepted; "--opt VALUE" (one space)
	# takes a value
	printf '%s\n' "$help" | sed -n 's/^  \(--[a-z-]*\)\( [^ ]*\)\{0,1\}.*/\1\2/p' |
	while read -r opt arg; do
		if [ -n "$arg" ]; then
			"$ac" "$cmd" "$opt" "$(value_for "$opt")" --help > /dev/null 2> "$work/err"
		else
			"$ac" "$cmd" "$opt" --help > /dev/null 2> "$work/err"
		fi
		rc=$?
		echo "$rc $cmd $opt $(cat "$work/err")"
	done > "$work/accepted"
	expect_eq "$(grep -vc '^0 ' "$work/accepted")" 0 "$cmd: every option in --help is accepted"
	grep -v '^0 ' "$work/accepted" | sed 's/^/#   /'
	expect_eq "$([ "$(wc -l < "$work/accepted")" -ge 4 ] && echo some)" some \
		"$cmd: the options were read from --help"
done

finish
