#!/bin/sh
# fuzz.sh BUILDDIR [SECONDS]: run every libFuzzer target built in BUILDDIR
# over its seed corpus (fuzz/corpus/NAME), then for SECONDS (default 10)
# of new inputs.  Crashes are kept in BUILDDIR/fuzz/crash-NAME-*.
# Prints one line per target and "fuzz: P passed, F failed".
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 secs=${2:-10}
p=0 f=0
for t in "$build"/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus="$top/fuzz/corpus/$name"
	work=$(mktemp -d)
	cp -r "$corpus/." "$work/" 2>/dev/null
	if "$t" -print_final_stats=1 -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$build/fuzz/crash-$name-" "$work" >"$build/fuzz/$name.out" 2>&1; then
		echo "ok   $name ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/fuzz/$name.out" | awk '{print $2}') runs)"
		p=$((p + 1))
	else
		echo "FAIL $name: see $build/fuzz/$name.out"
		tail -20 "$build/fuzz/$name.out"
		f=$((f + 1))
	fi
	rm -rf "$work"
done
echo "fuzz: $p passed, $f failed"
