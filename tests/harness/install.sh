# install.sh - install the build into a test's scratch directory (sourced).
#
# Programs handed to Postfix or Dovecot run there as another user
# (spawn(8) as `nobody`, a Dovecot plugin in a user's process), which
# cannot reach a build tree inside a mode-0700 directory such as /root or
# anything made by mktemp -d.  Such tests install first and give the
# server the installed copy:
#
#	. "$srcdir/tests/harness/install.sh"
#	harness_install "$BASE/inst" >/dev/null || fail "make install failed"
#	policyd=$harness_sbindir/spf-policyd
#
# harness_install SCRATCHDIR
#	Runs `make install DESTDIR=SCRATCHDIR` in $MAILAUTH_BUILDDIR (quietly;
#	on failure the tail of the make output goes to stderr and it returns
#	1), makes every directory in SCRATCHDIR, SCRATCHDIR included, mode
#	0755, and checks that every directory above SCRATCHDIR can be
#	traversed by other users (it does not change those; returns 1 naming
#	the first one that cannot, so use a directory under /tmp such as
#	harness_tmpdir gives).
#	Sets, in the calling shell, and prints one per line as NAME='VALUE'
#	the installed paths (all under SCRATCHDIR):
#	  harness_destdir harness_prefix harness_bindir harness_sbindir
#	  harness_libdir harness_libexecdir harness_sysconfdir
#	  harness_datadir harness_mandir harness_moduledir
#	(harness_moduledir: the Dovecot module directory, empty when the build
#	has none).  Call it directly, not in $(...), to get the variables; the
#	printed lines are for logs or for `eval` by a caller that captured
#	them: out=$(harness_install DIR) || fail ...; eval "$out".
#	Nothing is started and nothing needs stopping; the caller removes
#	SCRATCHDIR with the rest of its scratch files.

harness_install() {
	_hi_dest=$1
	if [ -z "${MAILAUTH_BUILDDIR:-}" ]; then
		echo "harness_install: MAILAUTH_BUILDDIR is not set" >&2
		return 1
	fi
	mkdir -p "$_hi_dest" || return 1
	_hi_dest=$(cd "$_hi_dest" && pwd) || return 1
	# a fresh make: the jobserver of an enclosing `make check` is not ours
	if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	     make -s --no-print-directory -C "$MAILAUTH_BUILDDIR" install \
	     DESTDIR="$_hi_dest" >"$_hi_dest.install.log" 2>&1; then
		echo "harness_install: make install DESTDIR=$_hi_dest failed:" >&2
		tail -20 "$_hi_dest.install.log" >&2
		return 1
	fi
	rm -f "$_hi_dest.install.log"
	find "$_hi_dest" -type d -exec chmod 0755 {} + || return 1
	_hi_p=$_hi_dest
	while [ "$_hi_p" != / ]; do
		_hi_p=$(dirname "$_hi_p")
		case $(stat -L -c %A "$_hi_p") in
		?????????[xt]) ;;
		*)
			echo "harness_install: $_hi_p (mode $(stat -L -c %a "$_hi_p")) cannot be traversed by other users; install under /tmp" >&2
			return 1;;
		esac
	done
	_hi_vars=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s --no-print-directory -C "$MAILAUTH_BUILDDIR" \
		--eval='harness-print-dirs: ; @printf "%s\n" "$(prefix)" "$(bindir)" "$(sbindir)" "$(libdir)" "$(libexecdir)" "$(sysconfdir)" "$(datadir)" "$(mandir)" "$(moduledir)"' \
		harness-print-dirs) || return 1
	harness_destdir=$_hi_dest
	_hi_i=0
	for _hi_name in prefix bindir sbindir libdir libexecdir sysconfdir datadir mandir moduledir; do
		_hi_i=$((_hi_i + 1))
		_hi_v=$(printf '%s\n' "$_hi_vars" | sed -n "${_hi_i}p")
		[ -n "$_hi_v" ] && _hi_v=$_hi_dest$_hi_v
		eval "harness_$_hi_name=\$_hi_v"
	done
	for _hi_name in destdir prefix bindir sbindir libdir libexecdir sysconfdir datadir mandir moduledir; do
		eval "printf \"harness_%s='%s'\\n\" $_hi_name \"\$harness_$_hi_name\""
	done
}
