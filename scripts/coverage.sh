#!/bin/sh
# make coverage: build with --coverage, run the unit tests and the conformance suite
# against urun, as root and unprivileged (the rootless paths), then lcov HTML into
# coverage/html and a summary in coverage/summary.json
# ({"lines":{"pct":..},"branches":{"pct":..}}) for the report.
set -eu
cd "$(dirname "$0")/.."
# Objects only: coverage/ keeps what an earlier run wrote until it is replaced.
rm -rf runtime/build runtime/bin
make COVERAGE=1 all
make COVERAGE=1 unit
make COVERAGE=1 fixtures
# The unprivileged runs' urun (and its containers, as mapped ids) add to the
# same counters: every .gcda must be writable by them. Only this build's
# objects are opened up; the build directory is removed at the end.
open_counters() {
	find runtime/build -type d -exec chmod a+rwx {} +
	find runtime/build -name '*.gcda' -exec chmod a+rw {} +
}
start=$(date +%s)
# One run makes every .gcda of the binary (a dump writes them all), so that
# open_counters reaches files the root runs would otherwise create 0644.
runtime/bin/urun --version >/dev/null
open_counters
make COVERAGE=1 cli-test || echo "coverage: cli-test failed (counted anyway)"
conformance/conform --runtime "$PWD/runtime/bin/urun" --out conformance/out/coverage || true
open_counters
conformance/conform --runtime "$PWD/runtime/bin/urun" --unprivileged \
	--out conformance/out/coverage-unpriv || true
echo "coverage: cli-test and conformance runs took $(($(date +%s) - start)) s"
lcov --quiet --capture --directory runtime/build --rc lcov_branch_coverage=1 \
	--output-file coverage/all.info 2>&1 | grep -v 'redefined at' || true
# cli/coverage.c is the coverage build's own glue, not urun
lcov --quiet --remove coverage/all.info '*/tests/*' '/usr/*' '*/cli/coverage.c' \
	--rc lcov_branch_coverage=1 \
	--output-file coverage/urun.info
genhtml --quiet --branch-coverage --output-directory coverage/html coverage/urun.info
lcov --summary coverage/urun.info --rc lcov_branch_coverage=1 2>&1 | awk '
	/lines/ { gsub("%", "", $2); l = $2 }
	/branches/ { gsub("%", "", $2); b = $2 }
	END { printf "{\"lines\":{\"pct\":%s},\"branches\":{\"pct\":%s}}\n", l + 0, b + 0 }' \
	>coverage/summary.json
cat coverage/summary.json
# Leave a normal build behind (coverage/ stays).
rm -rf runtime/build runtime/bin
make all >/dev/null
