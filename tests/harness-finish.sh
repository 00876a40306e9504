#!/bin/sh
# harness-finish.sh - tests/harness/lib.sh's finish() is what automake's
# verdict on a shell test rests on: it fails a script with a failed check
# and, since issue 22, a script that ran no check at all (before, a
# script whose checks were all skipped by mistake passed).
set -u
. "$srcdir/tests/harness/lib.sh"

run() { # run BODY: a script sourcing lib.sh, BODY, then finish; its status
	sh -c ". \"\$srcdir/tests/harness/lib.sh\"; $1; finish" > /dev/null 2>&1
	echo $?
}
expect_eq "$(run ':')" 1 "no check at all: finish fails"
expect_eq "$(run '_ok one')" 0 "one check that passed: finish passes"
expect_eq "$(run '_ok one; _not_ok two')" 1 "one check failed: finish fails"
expect_eq "$(run 'expect_eq a a same')" 0 "expect_eq that holds: finish passes"
out=$(sh -c ". \"\$srcdir/tests/harness/lib.sh\"; finish" 2>&1)
expect_match "$out" '^not ok - the script ran no check$' "and it says why"
finish
