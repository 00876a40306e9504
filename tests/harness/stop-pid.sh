#!/bin/sh
# stop-pid.sh PID...: stop what a test started, by PID: SIGTERM, wait up
# to 5 s, then SIGKILL.  Silent for PIDs that are already gone.
for pid in "$@"; do
	kill "$pid" 2>/dev/null || continue
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null || true
done
exit 0
