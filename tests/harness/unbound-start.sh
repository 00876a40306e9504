#!/bin/sh
# unbound-start.sh DIR ZONES [EXTRA_CONF]
#
# Start a real unbound server on 127.0.0.1 on a free port, serving the
# local-zone:/local-data: lines in the file ZONES, with everything it
# writes under DIR (created if needed).  Everything not in ZONES is
# refused (no internet in tests).  EXTRA_CONF, if given, is appended to
# the server: clause (e.g. for DNSSEC test zones).  UNBOUND_ROOT_ZONE
# (default refuse) is the local-zone type of "." - static to answer
# NXDOMAIN for everything not in ZONES, as an authoritative server would.
#
# Prints "PID PORT" on stdout once the server answers; the caller stops it
# with kill PID (tests/harness/stop-pid.sh waits for it to be gone).
# Exit 1 with a reason on stderr if it does not come up within 10 s;
# exit 77 when there is no unbound program (configure did not find one).
set -eu
dir=$1 zones=$2 extra=${3:-}
UNBOUND=${UNBOUND:-/usr/sbin/unbound}
if [ ! -x "$UNBOUND" ]; then
	echo "unbound-start: no unbound program ($UNBOUND): apt-get install unbound" >&2
	exit 77
fi
mkdir -p "$dir"
chmod 755 "$dir"

free_port() {
	/usr/bin/python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

for attempt in 1 2 3 4 5; do
	port=$(free_port)
	cat > "$dir/unbound.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $port
	do-ip6: no
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$dir"
	pidfile: ""
	use-syslog: no
	logfile: "$dir/unbound.log"
	verbosity: 1
	access-control: 127.0.0.0/8 allow
	module-config: "iterator"
	local-zone: "." ${UNBOUND_ROOT_ZONE:-refuse}
	local-zone: "test." nodefault
	local-zone: "invalid." nodefault
	local-zone: "2.0.192.in-addr.arpa." nodefault
	local-zone: "100.51.198.in-addr.arpa." nodefault
	local-zone: "113.0.203.in-addr.arpa." nodefault
	include: "$zones"
$( [ -n "$extra" ] && cat "$extra" )
remote-control:
	control-enable: no
CONF
	"$UNBOUND" -d -c "$dir/unbound.conf" </dev/null >>"$dir/unbound.out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if /usr/bin/python3 -c 'import socket,sys
s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$port" 2>/dev/null; then
			echo "$pid $port"
			exit 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# a port race or a config error: retry, then give up with the log
done
echo "unbound-start: unbound did not start; see $dir/unbound.log:" >&2
tail -5 "$dir/unbound.log" "$dir/unbound.out" >&2 2>/dev/null || true
exit 1
