#!/bin/sh
# count-checks.sh BUILDDIR [TESTS='...'] - the individual checks of that
# build's last `make check` (give the same TESTS= when it ran a subset), as one line "PASSED FAILED SKIPPED" on stdout; the SKIP
# lines of its test-suite.log go to stderr.  Used by scripts/test.sh and
# scripts/root-stage.sh, so that every stage counts the same way.
#
# Only the tests of this run count (the Makefile's TEST_LOGS, so an old
# .trs of a removed or renamed test is not counted): libcheck's "Checks:
# N, Failures: F, Errors: E", a shell test's closing "N passed, N
# failed", otherwise the program's own PASS/FAIL.  A SKIP counts one
# skipped test, whatever the log said before skipping.  A program that
# automake marks FAIL/ERROR adds a failure even if its counts do not; a
# test without a result (.trs) is a failure; no test-suite.log at all is
# one failure.
set -u
dir=${1:?usage: count-checks.sh BUILDDIR [TESTS=...]}
shift
if [ ! -f "$dir/test-suite.log" ]; then
	echo "0 1 0"
	exit 0
fi
logs=$(make -s --no-print-directory -C "$dir" \
	--eval='test-sh-print-logs: ; @echo $(TEST_LOGS)' test-sh-print-logs "$@")
for log in $logs; do
	log=$dir/$log
	trs=${log%.log}.trs
	res=$(sed -n 's/^:test-result: //p' "$trs" 2>/dev/null | head -1)
	ck=$(grep -Eo 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" 2>/dev/null | tail -1)
	tap=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" 2>/dev/null | tail -1)
	if [ "$res" = SKIP ]; then
		echo "0 0 1"
	elif [ -n "$ck" ]; then
		echo "$ck" | awk '{gsub(",",""); print $2-$4-$6, $4+$6, 0}'
	elif [ -n "$tap" ]; then
		echo "$tap" | awk '{for(i=1;i<=NF;i++){if($i=="passed,")p=$(i-1); if($i=="failed")f=$(i-1)} print p, f, 0}'
	elif [ "$res" = PASS ] || [ "$res" = XFAIL ]; then
		echo "1 0 0"
	else
		echo "0 1 0"
	fi
	case $res in FAIL|ERROR|XPASS) echo "0 1 0";; esac
done | awk '{p+=$1; f+=$2; s+=$3} END{print p+0, f+0, s+0}'
grep '^SKIP' "$dir/test-suite.log" >&2
exit 0
