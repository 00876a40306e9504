# postfix.sh - a private, real Postfix instance on loopback for
# integration tests and benchmarks (sourced; needs root).  Nothing under
# /etc/postfix or /var/spool/postfix is changed.
#
# Usage (after `. tests/harness/lib.sh` and `. tests/harness/postfix.sh`):
#
#   pf_init BASE              make BASE/{etc,spool,data,log,mail,run} with
#                             the owners and modes Postfix wants; sets
#                             PF_BASE.  BASE must be absolute and every
#                             directory above it traversable (755).
#   pf_main_cf [SINK_UID]     print a complete main.cf for the instance:
#                             loopback only, no DNS, virtual(8) Maildirs
#                             under BASE/mail for test.example and
#                             remote.example (users from BASE/etc/vmailbox,
#                             owned by SINK_UID, default nobody), fast
#                             retries (queue_run_delay 1s, backoff 1-2s).
#                             Append your own lines after it.
#   pf_master_cf_stock        print the standard service lines (pickup,
#                             cleanup, qmgr, ..., postlog), all chroot n;
#                             put your smtpd/pipe services before them.
#   pf_mailbox USER@DOMAIN... add Maildir mailboxes to BASE/etc/vmailbox.
#   pf_start                  postfix check + start inside a private mount
#                             namespace in which /etc/postfix is a copy
#                             whose main.cf allows alternate_config_
#                             directories = BASE/etc, so that sendmail ->
#                             postdrop run by a pipe(8) filter accepts
#                             MAIL_CONFIG=BASE/etc (the notes' blocker).
#                             A bind mount of the whole directory, not of
#                             main.cf alone, so it works also where
#                             /etc/postfix/main.cf does not exist.  Sets
#                             PF_MASTER_PID.  Returns non-zero (log tail
#                             printed) if Postfix did not start.
#   pf_stop                   postfix stop, then SIGKILL whatever is left
#                             of the master's session and of PF_FILTER_UID's
#                             processes (pipe children call setsid());
#                             returns non-zero if anything survived.
#   pf_reload                 postfix reload (picks up main.cf/master.cf).
#   pf_flush                  postqueue -f (retry deferred mail now).
#   pf_queue                  print the queue (postqueue -p).
#   pf_queue_ids              print the queue ids in the queue.
#   pf_wait_queue_empty [S]   wait up to S seconds (default 20) for an
#                             empty queue; non-zero on timeout.
#   pf_wait_log ERE [S]       wait up to S seconds (default 20) for a line
#                             of the Postfix log matching ERE.
#   pf_delivered USER DOMAIN ERE [S]
#                             print the path of the first Maildir file of
#                             USER@DOMAIN with a line matching ERE, waiting
#                             up to S seconds (default 20); non-zero if none.
#   pf_free_port              print a free TCP port on 127.0.0.1.
#   pf_install BUILDDIR DEST  `make install DESTDIR=DEST` of the build into
#                             a world-traversable scratch directory (the
#                             programs Postfix runs as another user must
#                             never run from the build tree), through
#                             harness_install (tests/harness/install.sh,
#                             whose harness_* path variables it leaves
#                             set); sets PF_PREFIX to DEST + the prefix.
#
# Variables: PF_BASE, PF_MASTER_PID, PF_PREFIX, PF_FILTER_UID (set it to
# the uid your pipe(8)/spawn(8) services run as, for pf_stop's check).
# Every function logs nothing on success; the caller asserts.

PF_BASE= PF_MASTER_PID= PF_PREFIX= PF_FILTER_UID=

pf_init() {
	PF_BASE=$1
	mkdir -p "$PF_BASE/etc" "$PF_BASE/spool" "$PF_BASE/data" \
		"$PF_BASE/log" "$PF_BASE/mail" "$PF_BASE/run" || return 1
	chmod 755 "$PF_BASE" "$PF_BASE/etc" "$PF_BASE/log" "$PF_BASE/mail" \
		"$PF_BASE/run"
	chown postfix "$PF_BASE/data"
	: > "$PF_BASE/etc/vmailbox"
}

pf_main_cf() {
	_uid=${1:-$(id -u nobody)}
	_gid=$(getent passwd "$_uid" | cut -d: -f4)
	chown "$_uid:$_gid" "$PF_BASE/mail"
	cat <<CF
compatibility_level = 3.6
config_directory = $PF_BASE/etc
queue_directory = $PF_BASE/spool
data_directory = $PF_BASE/data
maillog_file = $PF_BASE/log/postfix.log
maillog_file_prefixes = $PF_BASE/log
myhostname = mx.test.example
mydomain = test.example
myorigin = \$mydomain
mydestination = \$myhostname, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4, ipv6
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
alias_maps =
alias_database =
virtual_mailbox_domains = test.example, remote.example
virtual_mailbox_base = $PF_BASE/mail
virtual_mailbox_maps = texthash:$PF_BASE/etc/vmailbox
virtual_uid_maps = static:$_uid
virtual_gid_maps = static:$_gid
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
CF
}

pf_master_cf_stock() {
	for _svc in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" \
		"qmgr unix n - n 300 1 qmgr" "rewrite unix - - n - - trivial-rewrite" \
		"bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" \
		"trace unix - - n - 0 bounce" "verify unix - - n - 1 verify" \
		"flush unix n - n 1000? 0 flush" "proxymap unix - - n - - proxymap" \
		"proxywrite unix - - n - 1 proxymap" "smtp unix - - n - - smtp" \
		"relay unix - - n - - smtp" "showq unix n - n - - showq" \
		"error unix - - n - - error" "retry unix - - n - - error" \
		"discard unix - - n - - discard" "local unix - n n - - local" \
		"virtual unix - n n - - virtual" "lmtp unix - - n - - lmtp" \
		"anvil unix - - n - 1 anvil" "scache unix - - n - 1 scache" \
		"postlog unix-dgram n - n - 1 postlogd"; do
		echo "$_svc"
	done
}

pf_mailbox() {
	for _a in "$@"; do
		printf '%s %s/%s/\n' "$_a" "${_a#*@}" "${_a%@*}" >> "$PF_BASE/etc/vmailbox"
	done
}

pf_start() {
	# /etc/postfix as seen by this instance's processes (postdrop reads
	# its main.cf): a copy plus alternate_config_directories
	_sys=$PF_BASE/run/sys-etc-postfix
	rm -rf "$_sys"
	cp -a /etc/postfix "$_sys" || return 1
	echo "alternate_config_directories = $PF_BASE/etc" >> "$_sys/main.cf"
	/usr/sbin/postfix -c "$PF_BASE/etc" check > "$PF_BASE/log/check.out" 2>&1 ||
		{ cat "$PF_BASE/log/check.out"; tail -5 "$PF_BASE/log/postfix.log"; return 1; }
	unshare --mount --propagation private /bin/sh -c \
		"mount --bind '$_sys' /etc/postfix && exec /usr/sbin/postfix -c '$PF_BASE/etc' start" \
		> "$PF_BASE/log/start.out" 2>&1 ||
		{ cat "$PF_BASE/log/start.out"; tail -5 "$PF_BASE/log/postfix.log"; return 1; }
	PF_MASTER_PID=$(tr -d ' ' < "$PF_BASE/spool/pid/master.pid")
	[ -n "$PF_MASTER_PID" ]
}

# whatever is left of this instance: processes in the master's session,
# and processes of the filter user that belong to this instance (their
# command line names BASE, or their environment has MAIL_CONFIG=BASE/etc,
# as pipe(8) children and the sendmail/postdrop they run do); other tests
# may run processes as the same user, and pf_stop kills what this lists.
# Zombies are skipped (PID 1 reaps).
_pf_left() {
	ps -eo sid=,stat=,pid=,uid=,args= | awk -v s="${PF_MASTER_PID:-none}" \
		-v u="${PF_FILTER_UID:-none}" -v b="$PF_BASE/" \
		'$2 !~ /^Z/ && ($1 == s || ($4 == u && index($0, b))) { print $3 }
		 $2 !~ /^Z/ && $1 != s && $4 == u && !index($0, b) { print "?" $3 }' |
	while read -r _p; do
		case $_p in
		\?*)	_p=${_p#?}
			tr '\0' '\n' < "/proc/$_p/environ" 2>/dev/null |
				grep -qx "MAIL_CONFIG=$PF_BASE/etc" && echo "$_p";;
		*)	echo "$_p";;
		esac
	done
}

pf_stop() {
	[ -n "$PF_BASE" ] || return 0
	if [ -f "$PF_BASE/spool/pid/master.pid" ]; then
		/usr/sbin/postfix -c "$PF_BASE/etc" stop > /dev/null 2>&1
	fi
	_i=0
	while [ -n "$(_pf_left)" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_left=$(_pf_left)
	for _p in $_left; do kill -9 "$_p" 2>/dev/null; done
	PF_MASTER_PID=
	[ -z "$_left" ]
}

pf_reload() {
	/usr/sbin/postfix -c "$PF_BASE/etc" reload > /dev/null 2>&1
}

pf_flush() {
	/usr/sbin/postqueue -c "$PF_BASE/etc" -f
}

pf_queue() {
	/usr/sbin/postqueue -c "$PF_BASE/etc" -p
}

pf_queue_ids() {
	pf_queue | awk '/^[0-9A-F]+[*!]? / { sub(/[*!]$/, "", $1); print $1 }'
}

pf_wait_queue_empty() {
	_i=0
	while [ $_i -lt $((${1:-20} * 10)) ]; do
		pf_queue | grep -q 'Mail queue is empty' && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

pf_wait_log() {
	_i=0
	while [ $_i -lt $((${2:-20} * 10)) ]; do
		grep -Eq -- "$1" "$PF_BASE/log/postfix.log" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

pf_delivered() {
	_i=0
	while [ $_i -lt $((${4:-20} * 10)) ]; do
		_f=$(grep -El -- "$3" "$PF_BASE/mail/$2/$1/new/"* 2>/dev/null | head -1)
		if [ -n "$_f" ]; then echo "$_f"; return 0; fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

pf_free_port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pf_install() {
	# tests/harness/install.sh does the work (one way to install)
	. "${srcdir:-.}/tests/harness/install.sh"
	MAILAUTH_BUILDDIR=$1 harness_install "$2" > /dev/null || return 1
	PF_PREFIX=$harness_prefix
}
