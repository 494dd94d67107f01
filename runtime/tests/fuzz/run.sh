#!/bin/sh
# make fuzz: run each libFuzzer target (runtime/build-fuzz/fuzz_NAME) for
# FUZZ_SECONDS (default 120) with FUZZ_JOBS processes (default 1) sharing one
# corpus, print the executions, and fail on any crash, leak, timeout or
# sanitizer report. The corpus grows in runtime/build-fuzz/corpus-NAME across
# runs; seeds are fixtures/ (config) and runtime/tests/fuzz/seeds/NAME/.
# Crashing inputs land in runtime/build-fuzz/artifacts-NAME/.
# FUZZ_EXTRA_SEEDS: more seed directories for config (e.g. bundles kept by
# conform --keep). Extra libFuzzer flags: FUZZ_FLAGS.
set -eu
build=runtime/build-fuzz
secs=${FUZZ_SECONDS:-120}
jobs=${FUZZ_JOBS:-1}
targets=${FUZZ_TARGETS:-config state}
here=runtime/tests/fuzz

tmp=$(mktemp -d "$build/run.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

seeds() {	# TARGET DIR: fill DIR with the seed inputs of TARGET
	mkdir -p "$2"
	if [ "$1" = config ]; then
		cp fixtures/base/*.json fixtures/invalid/*.json "$2"/
		for d in ${FUZZ_EXTRA_SEEDS:-}; do
			find "$d" -name config.json -size -64k | while read -r f; do
				cp "$f" "$2/$(sha1sum <"$f" | cut -c1-16).json"
			done
		done
	fi
	if [ -d "$here/seeds/$1" ]; then cp "$here/seeds/$1"/* "$2"/; fi
}

"$here"/mkdict.sh >"$tmp/dict"
total=0
fail=0
for t in $targets; do
	corpus=$build/corpus-$t
	artifacts=$build/artifacts-$t
	mkdir -p "$corpus" "$artifacts"
	seeds "$t" "$tmp/seeds-$t"
	pids=""
	j=1
	while [ "$j" -le "$jobs" ]; do
		# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
		FUZZ_TMPDIR=$tmp ASAN_OPTIONS=detect_leaks=1:malloc_context_size=10 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			"$build/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
			-dict="$tmp/dict" -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="$artifacts/" -close_fd_mask=2 ${FUZZ_FLAGS:-} \
			"$corpus" "$tmp/seeds-$t" >"$tmp/$t.$j.log" 2>&1 &
		pids="$pids $!"
		j=$((j + 1))
	done
	j=1
	execs=0
	cov=''
	for p in $pids; do
		rc=0
		wait "$p" || rc=$?
		log=$tmp/$t.$j.log
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		execs=$((execs + ${n:-0}))
		cov=$(sed -n 's/.*DONE *\(cov: [0-9]* ft: [0-9]*\).*/\1/p' "$log" | tail -n 1)
		if [ "$rc" != 0 ] || grep -q -e 'runtime error:' -e 'ERROR: AddressSanitizer' \
			-e 'ERROR: LeakSanitizer' -e '^fuzz: ' "$log"; then
			echo "fuzz: $t (process $j) FAILED (exit $rc):" >&2
			grep -v -e '^#' -e '^INFO:' "$log" | tail -n 60 >&2
			fail=1
		fi
		j=$((j + 1))
	done
	pids=""
	echo "fuzz: $t: $execs executions in ${secs}s x $jobs, $cov, corpus $(find "$corpus" -type f | wc -l) inputs"
	total=$((total + execs))
done
echo "fuzz: $total executions in total"
if [ "$fail" != 0 ]; then
	echo "fuzz: FAILED; crashing inputs in $build/artifacts-*/" >&2
	exit 1
fi
