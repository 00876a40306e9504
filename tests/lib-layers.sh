#!/bin/sh
# lib-layers.sh - libmailauth's layers hold (issue 22): every lib/ file
# sits in a layer directory and includes, with the directory, only headers
# of its own layer or one below (util < dns < msg < spf|dkim|dmarc <
# msgauth, lib/README.md), none from outside lib/, and the headers have no
# include cycle (the old dkim-key.h <-> dkim-keystore.h).  The check
# itself is shown to fail on small trees that break each rule
# (tests/fixtures/layers/).
set -u
. "$srcdir/tests/harness/lib.sh"

check="$srcdir/scripts/check-layers.sh"
fx="$srcdir/tests/fixtures/layers"

out=$("$check" "$srcdir/lib" 2>&1)
expect_eq "$?" 0 "lib/ keeps its layers ($out)"
for d in util dns msg spf dkim dmarc msgauth; do
	[ -d "$srcdir/lib/$d" ]
	expect_eq "$?" 0 "lib/$d/ exists"
done
flat=$(find "$srcdir/lib" -maxdepth 1 -name '*.[ch]' | wc -l)
expect_eq "$flat" 0 "no source file directly in lib/"

out=$("$check" "$fx/good/lib" 2>&1)
expect_eq "$?" 0 "a tree that keeps the rules passes, dmarc -> spf allowed ($out)"

# layer: the check's message for a tree that breaks one rule
while read -r tree want; do
	out=$("$check" "$fx/$tree/lib" 2>&1)
	expect_eq "$?" 1 "$tree: the check fails"
	expect_match "$out" "$want" "$tree: it says why"
done <<'CASES'
upward util/buf.h: includes "dkim/dkim-key.h" \(dkim is not below util\)
sibling dkim/dkim-verify.c: includes "dmarc/dmarc.h" \(dmarc is not below dkim\)
outside msg/msg-header.c: includes "common/logsink.h", which is not in lib/
bare msg/msg-header.c: includes "buf.h" without its directory
cycle header include cycle: dkim/dkim-key.h dkim/dkim-keystore.h
flat dns.c: directly in lib/, not in a layer directory
nolayer common/ is not a layer
CASES

"$check" /nonexistent 2>/dev/null
expect_eq "$?" 2 "a missing directory is a usage error"
finish
