# postgres.sh - a private PostgreSQL server for the tests (sourced):
# Debian's server binaries, a fresh cluster (initdb, trust for local
# connections), listening only on a unix socket in the test's directory
# (no TCP), started and stopped by PID.  As root the server runs as
# `nobody` (PostgreSQL refuses root) through setpriv, which execs, so
# the PID is the postmaster's.
#
#   pg_start DIR     sets pg_pid and pg_uri (a postgresql:// URI), or
#                    exits 77 (SKIP) when PostgreSQL is not installed
#   pg_stop          stops it (stop-pid.sh: SIGTERM, a smart shutdown)

pg_bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

pg_start() {
	pg_dir=$1
	_pg_bin=$(pg_bindir)
	if [ -z "$_pg_bin" ] || [ ! -x "$_pg_bin/initdb" ]; then
		echo "SKIP: PostgreSQL server not installed (apt-get install postgresql)"
		exit 77
	fi
	mkdir -p "$pg_dir" && chmod 755 "$pg_dir"
	_pg_as=
	_pg_user=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$pg_dir"
		_pg_as="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
		_pg_user=nobody
	fi
	$_pg_as "$_pg_bin/initdb" -D "$pg_dir/data" -A trust -U "$_pg_user" \
		--no-sync > "$pg_dir/initdb.log" 2>&1 ||
		{ cat "$pg_dir/initdb.log" >&2; fail "initdb failed"; }
	$_pg_as "$_pg_bin/postgres" -D "$pg_dir/data" -k "$pg_dir" \
		-c listen_addresses= -c fsync=off -p 5432 \
		> "$pg_dir/server.log" 2>&1 &
	pg_pid=$!
	_pg_i=0
	while [ ! -S "$pg_dir/.s.PGSQL.5432" ] && [ $_pg_i -lt 100 ]; do
		kill -0 "$pg_pid" 2>/dev/null || break
		sleep 0.1
		_pg_i=$((_pg_i + 1))
	done
	[ -S "$pg_dir/.s.PGSQL.5432" ] ||
		{ cat "$pg_dir/server.log" >&2; fail "postgres did not start"; }
	pg_uri="postgresql:///postgres?host=$pg_dir&port=5432&user=$_pg_user"
}

pg_stop() {
	[ -n "${pg_pid:-}" ] && "$srcdir/tests/harness/stop-pid.sh" "$pg_pid"
	pg_pid=
}
