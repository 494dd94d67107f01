#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='run (runc CLI: create + start + wait + delete)'
# shellcheck source=../lib.sh
. ../lib.sh

for code in 0 3 42; do
	test_expect_success "run exits with the process exit code ($code)" '
		bundle_new "probe([\"exit\", \"'$code'\"])" &&
		rt run --bundle "$BUNDLE" "$CID" >out 2>err
		rc=$?
		test "$rc" = '$code' || why "run exited $rc"
	'
done

test_expect_success 'run exits 128+9 when the process is killed by SIGKILL' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	{ rt run --bundle "$BUNDLE" "$CID" >out 2>err & } &&
	runpid=$! &&
	wait_for_status "$CID" running &&
	rt kill "$CID" KILL
	wait "$runpid"
	rc=$?
	test "$rc" = 137 || why "run exited $rc, want 137"
'

test_expect_success 'run exits 128+15 when the process dies of SIGTERM' '
	bundle_new "ns_del(\"pid\") | .process.args = [\"/bin/sh\", \"-c\", \"kill -TERM \$\$\"]" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	rc=$?
	test "$rc" = 143 || why "run exited $rc, want 143"
'

test_expect_success 'run passes the process stdout and stderr through' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"echo to-out; echo to-err >&2\"]" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err &&
	{ grep -qx to-out out || why "stdout: $(head -c 100 out)"; } &&
	{ grep -qx to-err err || why "stderr: $(head -c 100 err)"; }
'

test_expect_success 'run passes stdin through' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"read x; echo got-\$x\"]" &&
	echo hello | rt run --bundle "$BUNDLE" "$CID" >out 2>err &&
	{ grep -qx got-hello out || why "stdout: $(head -c 100 out)"; }
'

test_expect_success 'the container is gone after run returns' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err &&
	nothing_left
'

test_expect_success 'run --detach returns while the container runs' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	rt run --detach --bundle "$BUNDLE" "$CID" >out 2>err </dev/null &&
	json_eq <(rt state "$CID") .status "\"running\""
'

expect_req linux.fds
test_expect_success 'only stdin, stdout and stderr are open in the process' '
	bundle_new ".process.args = [\"/bin/ls\", \"/proc/self/fd\"]" &&
	exec 7>/dev/null 8</dev/null &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err &&
	{ test "$(grep -v "^[012]$" out | grep -vx 3 | wc -l)" = 0 ||
		why "extra fds open: $(tr "\n" " " <out)"; }
'
test_done
