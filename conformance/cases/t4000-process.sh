#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process: args, env, cwd (config.md#process)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field process.args
test_expect_success 'args are passed exactly, with spaces and empty strings' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"for a; do printf \\\"[%s]\\\" \\\"\$a\\\"; done\", \"zero\", \"a b\", \"\", \"c\\\\td\"]" &&
	probe_report &&
	got=$(<"$REPORT") &&
	{ test "$got" = "[a b][][c\\td]" || why "argv seen: $got"; }
'

expect_field process.args
test_expect_success 'args[0] is looked up in PATH like execvp' '
	bundle_new ".process.args = [\"probe\", \"exit\", \"7\"] | .process.env = [\"PATH=/nowhere:/\"]" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	rc=$?
	test "$rc" = 7 || why "run exited $rc (want 7 from /probe found via PATH): $(head -c 200 err)"
'

expect_field process.args
expect_req lifecycle.create-error start.runs-program
test_expect_success 'a program that does not exist fails create or start, nothing left after delete' '
	bundle_new ".process.args = [\"/no/such/program\"]" &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		{ ! rt start "$CID" || wait_for_status "$CID" stopped; } &&
		rt delete --force "$CID"
	fi &&
	nothing_left
'

expect_field process.env
test_expect_success 'the environment is process.env (a runtime may add HOME)' '
	bundle_new ".process.env = [\"PATH=/bin\", \"A=1\", \"B=with space\", \"C=x=y\", \"EMPTY=\"]" &&
	probe_report &&
	report_eq "[.env[] | select(startswith(\"HOME=\") or startswith(\"CONFORM_TEST=\") | not)]" \
		"[\"PATH=/bin\", \"A=1\", \"B=with space\", \"C=x=y\", \"EMPTY=\"]"
'

expect_field process.env
test_expect_success 'the runtime'"'"'s own environment does not leak into the process' '
	bundle_new ".process.env = [\"PATH=/bin\"]" &&
	CONFORM_LEAK=1 probe_report &&
	report_expect "[.env[] | select(startswith(\"CONFORM_LEAK=\") or startswith(\"_\"))] == []" "runtime environment leaked"
'

expect_field process.cwd
test_expect_success 'the working directory is process.cwd' '
	bundle_new ".process.cwd = \"/tmp\"" &&
	probe_report &&
	report_eq .cwd "\"/tmp\""
'

expect_field process.cwd
test_expect_success 'a cwd that does not exist in the rootfs is created or is an error' '
	bundle_new ".process.cwd = \"/no/such/dir\"" &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		report_eq .cwd "\"/no/such/dir\""
	else
		nothing_left
	fi
'

expect_field process.consoleSize
test_expect_success 'consoleSize is ignored without a terminal (MUST)' '
	bundle_new ".process.terminal = false | .process.consoleSize = {height: 25, width: 80}
		| .process.args = [\"/bin/sh\", \"-c\", \"test -t 1 && echo tty || echo notty\"]" &&
	probe_report &&
	{ test "$(<"$REPORT")" = notty || why "stdout is a terminal"; }
'
test_done
