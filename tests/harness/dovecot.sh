# dovecot.sh - a private Dovecot instance for integration tests (sourced).
#
# Runs as root (Dovecot's master must), everything under one scratch
# directory, LMTP and IMAP on free ports of 127.0.0.1, users from a
# passwd-file (uid/gid of nobody, password "secret"), Maildir homes.  No
# !include of the system configuration.  The caller's configuration
# (the installed configs/dovecot snippet, settings for the test) is
# included after the base settings.  Stopped by the master's PID, and
# every process of the instance is checked to be gone.
#
# Dovecot 2.3 and 2.4 (dovecot_series, from `dovecot --version`) differ
# in their configuration language: the base configuration is written in
# the one of the Dovecot found (2.4: dovecot_config_version first, named
# passdb/userdb, mail_driver/mail_path, mail_plugins { } blocks,
# sieve_script, top-level plugin settings), and dovecot_settings_conf
# writes a test's dkimcheck_* settings for it.
#
#	. "$srcdir/tests/harness/dovecot.sh"
#	dovecot_init "$BASE/dovecot" "$moduledir"   # MODULEDIR: our plugin
#	dovecot_user alice [userdb_FIELD=VALUE ...]
#	dovecot_start [CONF_FILE ...]       # sets dovecot_lmtp_port ...
#	... swaks --protocol LMTP --server 127.0.0.1:$dovecot_lmtp_port ...
#	dovecot_stop                        # 0 when nothing is left
#
# dovecot_init DIR MODULEDIR
#	Creates DIR/{etc,run,state,log,home}; the module directory Dovecot
#	loads mail plugins from is MODULEDIR, where a link to Pigeonhole's
#	lib90_sieve_plugin.so is added (so `sieve` can be in mail_plugins).
# dovecot_user NAME [FIELD=VALUE ...]
#	A user NAME (login NAME or NAME@anything, password "secret"), home
#	DIR/home/NAME; the fields go to the passwd-file's extra field column
#	(userdb_dkimcheck=no sets that plugin setting for this user).
# dovecot_start [CONF ...]
#	Writes DIR/etc/dovecot.conf (base + !include of each CONF), checks it
#	with doveconf, starts the master and waits until LMTP and IMAP
#	accept connections.  Sets dovecot_pid, dovecot_lmtp_port,
#	dovecot_imap_port, dovecot_conf, dovecot_log.  Returns 1 (log tail on
#	stderr) if it does not come up within 10 s.
# dovecot_lmtp_hold / dovecot_lmtp_release
#	Open an LMTP connection and keep it open (its greeting read), so that
#	an lmtp process of the instance is alive to be looked at: sets
#	dovecot_held_lmtp to that process's PID (empty if none came up within
#	10 s).  Dovecot 2.4.1 ends an lmtp process with its connection
#	(restart_request_count = 1), so one that delivered a message is gone
#	when the test looks.  Release closes the connection and waits for
#	the helper to end.
# dovecot_stop
#	SIGTERM to the master, waits up to 10 s for every process of the
#	instance (same session) to go; returns 1 if something is left.
# dovecot_sanitizer_runtime SO
#	Prints the sanitizer runtime to preload into Dovecot's processes
#	for the sanitizer build of plugin SO: libasan.so that gcc linked
#	into it, or clang's shared runtime (MAILAUTH_ASAN_RUNTIME from
#	configure) when SO leaves __asan_init to the executable; nothing
#	for a normal build.
# dovecot_plugin_install DEST
#	For the tests (needs lib.sh and $srcdir): `make install DESTDIR=DEST`
#	through harness_install (tests/harness/install.sh, whose harness_*
#	variables it leaves set), then sets dovecot_plugin_so to the installed
#	lib90_dkimcheck_plugin.so and dovecot_snippet to the installed
#	examples/dovecot/90-dkimcheck.conf (the one for the Dovecot the build
#	is for); FAIL (exit 99) if the install fails or the Dovecot found is
#	not the one the build is for, SKIP (exit 77) if the build has no
#	Dovecot plugin.  On Dovecot 2.4 the installed settings module
#	(libdkimcheck_settings.so) is also put into Dovecot's own settings
#	directory when it is not there as built: Dovecot's config process
#	and doveconf load settings modules from there only, so without it
#	the dkimcheck_* settings are unknown (fatal in 2.4).  That is the
#	one file a test writes outside its scratch directory; it is what
#	`make install` puts there.
# dovecot_installed_setup
#	What dovecot_plugin_install does after harness_install (for the
#	demo, which installs itself): sets dovecot_snippet, checks the
#	build's Dovecot series, puts the settings module in place on 2.4.
#	Returns 1 with the reason on stderr.
# dovecot_settings_conf FILE ["SETTING = VALUE" ...]
#	Writes FILE with the plugin settings given, as the Dovecot found
#	wants them: in plugin { } on 2.3, at the top level on 2.4.
# dovecot_dkimcheck_init DIR RESOLVER_CONF DNS_TIMEOUT ["SETTING = VALUE" ...]
#	For the tests, after dovecot_plugin_install: dovecot_init DIR with
#	the installed moduledir, a copy of the installed snippet
#	($dovecot_snippet) as is in DIR/etc/90-dkimcheck.conf, and
#	DIR/etc/test.conf (dovecot_settings_conf): dkimcheck_authserv_id =
#	mx.test.example, dkimcheck_resolver_config = RESOLVER_CONF,
#	dkimcheck_dns_timeout = DNS_TIMEOUT and each further SETTING line.
#	Pass both files (after the sanitizer conf) to dovecot_start.
# dovecot_sanitizer_conf SO CONF SANLOG
#	Writes CONF, to pass to dovecot_start: empty for a normal build;
#	for the sanitizer build of plugin SO, settings that preload the
#	runtime (dovecot_sanitizer_runtime) into Dovecot's processes through
#	import_environment (written for the Dovecot found), with no
#	address-space limit (ASan's shadow memory), and send ASan/UBSan reports to SANLOG/asan.*, ubsan.*.
#	Makes SANLOG (mode 1777: written by processes running as nobody);
#	whoever calls it fails when SANLOG is not empty at the end.  Sets
#	dovecot_asan_runtime (empty for a normal build).

dovecot_sanitizer_runtime() {
	_rt=$(ldd "$1" | awk '/libasan/ { print $3 }')
	if [ -z "$_rt" ] && nm -D --undefined-only "$1" 2>/dev/null |
		grep -q ' __asan_init$'; then
		_rt=${MAILAUTH_ASAN_RUNTIME:-}
	fi
	echo "$_rt"
}

# The Dovecot found: its version (2.4.1) and series (2.3 or 2.4).
dovecot_version=$(/usr/sbin/dovecot --version 2>/dev/null | sed -n 's/^\([0-9][0-9.]*[0-9]\).*/\1/p')
case $dovecot_version in
2.3|2.3.*|'') dovecot_series=2.3 ;;
*) dovecot_series=2.4 ;;
esac

dovecot_plugin_install() {
	. "$srcdir/tests/harness/install.sh"
	harness_install "$1" > /dev/null || fail "make install failed"
	dovecot_plugin_so=$harness_moduledir/lib90_dkimcheck_plugin.so
	if [ ! -f "$dovecot_plugin_so" ]; then
		echo "SKIP: the build has no Dovecot plugin (configure --with-dovecot=no)"
		exit 77
	fi
	dovecot_installed_setup || fail "the installed Dovecot plugin is not usable here"
}

dovecot_installed_setup() {
	dovecot_snippet=$(find "$harness_destdir" -path '*/examples/dovecot/90-dkimcheck.conf' | head -1)
	if [ -z "$dovecot_snippet" ]; then
		echo "make install put no examples/dovecot/90-dkimcheck.conf under $harness_destdir" >&2
		return 1
	fi
	# the build's Dovecot series, where it installs the settings module,
	# and the settings directory of the Dovecot it was built against
	_dc_built=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
		-C "$MAILAUTH_BUILDDIR" --eval='dc-print: ; @echo "$(DOVECOT_SERIES) $(dovecot_settingsdir) $(dovecot_installed_moduledir)/settings"' dc-print) ||
		return 1
	set -- $_dc_built
	if [ "$1" != "$dovecot_series" ]; then
		echo "the build is for Dovecot $1, the Dovecot found is $dovecot_version: configure again" >&2
		return 1
	fi
	[ "$dovecot_series" = 2.4 ] || return 0
	_dc_set=$harness_destdir$2/libdkimcheck_settings.so
	if [ ! -f "$_dc_set" ]; then
		echo "make install put no $_dc_set" >&2
		return 1
	fi
	if ! cmp -s "$_dc_set" "$3/libdkimcheck_settings.so"; then
		install -m 0644 "$_dc_set" "$3/libdkimcheck_settings.so" || return 1
		echo "# installed libdkimcheck_settings.so into $3 (Dovecot 2.4 reads settings modules only from there)"
	fi
}

dovecot_settings_conf() {
	_dc_file=$1
	shift
	if [ "$dovecot_series" = 2.3 ]; then
		{
			echo "plugin {"
			for _s in "$@"; do echo "  $_s"; done
			echo "}"
		} > "$_dc_file"
	else
		printf '%s\n' "$@" > "$_dc_file"
	fi
}

dovecot_dkimcheck_init() {
	dovecot_init "$1" "$harness_moduledir" || return 1
	cp "$dovecot_snippet" "$1/etc/90-dkimcheck.conf" || return 1
	_dc_dir=$1 _dc_resolver=$2 _dc_timeout=$3
	shift 3
	dovecot_settings_conf "$_dc_dir/etc/test.conf" \
		"dkimcheck_authserv_id = mx.test.example" \
		"dkimcheck_resolver_config = $_dc_resolver" \
		"dkimcheck_dns_timeout = $_dc_timeout" "$@"
}

dovecot_sanitizer_conf() {
	dovecot_asan_runtime=$(dovecot_sanitizer_runtime "$1")
	mkdir -p "$3" && chmod 1777 "$3" && : > "$2" || return 1
	[ -n "$dovecot_asan_runtime" ] || return 0
	_dc_asan="detect_leaks=0:verify_asan_link_order=0:log_path=$3/asan"
	_dc_ubsan="print_stacktrace=1:log_path=$3/ubsan"
	if [ "$dovecot_series" = 2.3 ]; then
		cat > "$2" <<CONF
import_environment = \$import_environment LD_PRELOAD=$dovecot_asan_runtime ASAN_OPTIONS=$_dc_asan UBSAN_OPTIONS=$_dc_ubsan
default_vsz_limit = 0
CONF
	else
		cat > "$2" <<CONF
import_environment {
  LD_PRELOAD = $dovecot_asan_runtime
  ASAN_OPTIONS = $_dc_asan
  UBSAN_OPTIONS = $_dc_ubsan
}
default_vsz_limit = unlimited
CONF
	fi
}

_dc_free_port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

_dc_port_open() {
	/usr/bin/python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$1" 2>/dev/null
}

dovecot_init() {
	dovecot_dir=$1
	dovecot_moduledir=$2
	mkdir -p "$dovecot_dir/etc" "$dovecot_dir/run" "$dovecot_dir/state" \
		"$dovecot_dir/log" "$dovecot_dir/home" || return 1
	chmod 755 "$dovecot_dir" "$dovecot_dir/etc" "$dovecot_dir/home"
	: > "$dovecot_dir/etc/passwd"
	chmod 644 "$dovecot_dir/etc/passwd"
	if [ -f /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
		ln -sf /usr/lib/dovecot/modules/lib90_sieve_plugin.so \
			"$dovecot_moduledir/lib90_sieve_plugin.so"
	fi
	dovecot_pid=
}

dovecot_user() {
	_dc_name=$1
	shift
	mkdir -p "$dovecot_dir/home/$_dc_name"
	chown nobody:nogroup "$dovecot_dir/home/$_dc_name"
	printf '%s:{PLAIN}secret:%s:%s::%s::%s\n' "$_dc_name" \
		"$(id -u nobody)" "$(id -g nobody)" \
		"$dovecot_dir/home/$_dc_name" "$*" >> "$dovecot_dir/etc/passwd"
}

_dc_write_conf() {
	if [ "$dovecot_series" = 2.3 ]; then
		_dc_write_conf_23 "$@"
	else
		_dc_write_conf_24 "$@"
	fi
	# a listener's own address: 2.3 calls it "address", 2.4 "listen"
	if [ "$dovecot_series" = 2.3 ]; then
		_dc_addr='address = 127.0.0.1'
	else
		_dc_addr='listen = 127.0.0.1'
	fi
	cat <<CONF
service imap-login {
  inet_listener imap {
    $_dc_addr
    port = $dovecot_imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
  inet_listener lmtp {
    $_dc_addr
    port = $dovecot_lmtp_port
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
}
CONF
}

# the caller's files before any protocol { } filter, so their global
# settings (mail_plugins) reach every protocol
_dc_includes() {
	for _dc_c in "$@"; do
		echo "!include $_dc_c"
	done
}

_dc_write_conf_23() {
	cat <<CONF
# written by tests/harness/dovecot.sh (Dovecot 2.3)
instance_name = mailauth-test-$$
base_dir = $dovecot_dir/run
state_dir = $dovecot_dir/state
log_path = $dovecot_dir/log/dovecot.log
info_log_path = $dovecot_dir/log/dovecot.log
debug_log_path = $dovecot_dir/log/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dovecot_dir/etc/passwd
}
userdb {
  driver = passwd-file
  args = $dovecot_dir/etc/passwd
}
mail_location = maildir:~/Maildir
mail_plugin_dir = $dovecot_moduledir
lda_mailbox_autocreate = yes
namespace inbox {
  inbox = yes
  separator = /
}
CONF
	_dc_includes "$@"
	cat <<CONF
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
CONF
}

# The same instance in Dovecot 2.4's language; dovecot_config_version is
# the version found, so the defaults are those a new 2.4 installation
# gets.
_dc_write_conf_24() {
	cat <<CONF
# written by tests/harness/dovecot.sh (Dovecot 2.4)
dovecot_config_version = $dovecot_version
dovecot_storage_version = $dovecot_version
instance_name = mailauth-test-$$
base_dir = $dovecot_dir/run
state_dir = $dovecot_dir/state
log_path = $dovecot_dir/log/dovecot.log
info_log_path = $dovecot_dir/log/dovecot.log
debug_log_path = $dovecot_dir/log/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain
auth_username_format = %{user | username | lower}
passdb passwd-file {
  passwd_file_path = $dovecot_dir/etc/passwd
}
userdb passwd-file {
  passwd_file_path = $dovecot_dir/etc/passwd
}
mail_driver = maildir
mail_path = ~/Maildir
mail_plugin_dir = $dovecot_moduledir
lda_mailbox_autocreate = yes
namespace inbox {
  inbox = yes
  separator = /
}
CONF
	_dc_includes "$@"
	cat <<CONF
protocol lmtp {
  mail_plugins {
    sieve = yes
  }
}
sieve_script personal {
  driver = file
  path = ~/sieve
  active_path = ~/.dovecot.sieve
}
CONF
}

dovecot_start() {
	dovecot_conf=$dovecot_dir/etc/dovecot.conf
	dovecot_log=$dovecot_dir/log/dovecot.log
	for _dc_try in 1 2 3; do
		dovecot_lmtp_port=$(_dc_free_port)
		dovecot_imap_port=$(_dc_free_port)
		_dc_write_conf "$@" > "$dovecot_conf"
		if ! doveconf -c "$dovecot_conf" -n >/dev/null 2>"$dovecot_dir/log/doveconf.err"; then
			cat "$dovecot_dir/log/doveconf.err" >&2
			return 1
		fi
		rm -f "$dovecot_dir/run/master.pid"
		/usr/sbin/dovecot -c "$dovecot_conf" || return 1
		_dc_i=0
		while [ $_dc_i -lt 100 ]; do
			if [ -z "${dovecot_pid:-}" ] && [ -s "$dovecot_dir/run/master.pid" ]; then
				dovecot_pid=$(cat "$dovecot_dir/run/master.pid")
			fi
			if [ -n "${dovecot_pid:-}" ] && _dc_port_open "$dovecot_lmtp_port" &&
			   _dc_port_open "$dovecot_imap_port"; then
				return 0
			fi
			sleep 0.1
			_dc_i=$((_dc_i + 1))
		done
		dovecot_stop >/dev/null 2>&1
		# a port taken between the check and the bind: try again
	done
	echo "dovecot_start: Dovecot did not come up; $dovecot_log:" >&2
	tail -20 "$dovecot_log" >&2
	return 1
}

dovecot_lmtp_hold() {
	rm -f "$dovecot_dir/run/hold" "$dovecot_dir/run/hold.out"
	mkfifo "$dovecot_dir/run/hold" || return 1
	/usr/bin/python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(512)
print("ready", flush=True)
sys.stdin.read()' "$dovecot_lmtp_port" < "$dovecot_dir/run/hold" > "$dovecot_dir/run/hold.out" &
	_dc_hold_pid=$!
	exec 4> "$dovecot_dir/run/hold"
	_dc_i=0
	while ! grep -q ready "$dovecot_dir/run/hold.out" 2>/dev/null && [ $_dc_i -lt 100 ]; do
		sleep 0.1
		_dc_i=$((_dc_i + 1))
	done
	dovecot_held_lmtp=$(ps -eo sid=,comm=,pid= | awk -v s="$dovecot_pid" '$1 == s && $2 == "lmtp" { print $3; exit }')
}

dovecot_lmtp_release() {
	exec 4>&-
	wait "$_dc_hold_pid"
	rm -f "$dovecot_dir/run/hold" "$dovecot_dir/run/hold.out"
}

# Every live process of the instance (the master's session).
_dc_procs() {
	ps -eo sid=,stat=,pid= | awk -v s="$1" '$1 == s && $2 !~ /^Z/ { print $3 }'
}

dovecot_stop() {
	[ -n "${dovecot_pid:-}" ] || return 0
	kill "$dovecot_pid" 2>/dev/null || :
	_dc_i=0
	while [ $_dc_i -lt 100 ]; do
		[ -z "$(_dc_procs "$dovecot_pid")" ] && ! kill -0 "$dovecot_pid" 2>/dev/null && break
		sleep 0.1
		_dc_i=$((_dc_i + 1))
	done
	_dc_left=$(_dc_procs "$dovecot_pid")
	for _dc_p in $_dc_left; do
		kill -9 "$_dc_p" 2>/dev/null || :
	done
	kill -9 "$dovecot_pid" 2>/dev/null || :
	dovecot_pid=
	[ -z "$_dc_left" ]
}
