#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='kill operation (runtime.md#kill)'
# shellcheck source=../lib.sh
. ../lib.sh

# kill_case SIGNAL-ARG... : start a probe that waits for a signal, send it
# with "kill ID ARGS", and print what the probe received.
kill_case() {
	bundle_new "shared | probe([\"wait-signal\", \"/shared/ready\"])" &&
	start_bg &&
	wait_for_file shared/ready &&
	rt kill "$CID" "$@" &&
	wait_for_status "$CID" stopped &&
	cat "$CID.out"
}

expect_req kill.sends
test_expect_success 'kill by name without SIG prefix (USR1)' '
	test_when_finished cleanup_ct &&
	got=$(kill_case USR1) &&
	{ test "$got" = SIGUSR1 || why "the process got \"$got\", want SIGUSR1"; }
'

expect_req kill.sends
test_expect_success 'kill by name with SIG prefix (SIGUSR2)' '
	test_when_finished cleanup_ct &&
	got=$(kill_case SIGUSR2) &&
	{ test "$got" = SIGUSR2 || why "the process got \"$got\", want SIGUSR2"; }
'

expect_req kill.sends
test_expect_success 'kill by number (10 = SIGUSR1)' '
	test_when_finished cleanup_ct &&
	got=$(kill_case 10) &&
	{ test "$got" = SIGUSR1 || why "the process got \"$got\", want SIGUSR1"; }
'

test_expect_success 'kill without a signal sends SIGTERM (runc CLI)' '
	test_when_finished cleanup_ct &&
	got=$(kill_case) &&
	{ test "$got" = SIGTERM || why "the process got \"$got\", want SIGTERM"; }
'

expect_req kill.sends
test_expect_success 'kill KILL stops a running container' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	rt kill "$CID" KILL &&
	wait_for_status "$CID" stopped &&
	wait_for_gone "$pid"
'

expect_req kill.sends
test_expect_success 'kill KILL stops a created container' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	rt kill "$CID" KILL &&
	wait_for_status "$CID" stopped &&
	wait_for_gone "$pid"
'

test_expect_success ROOT 'kill --all signals every process of the container' '
	test_when_finished cleanup_ct &&
	bundle_new "ns_del(\"pid\") | shared | .process.args = [\"/bin/sh\", \"-c\",
		\"/probe sleep 30 & /probe sleep 30 & echo ready > /shared/ready; wait\"]" &&
	start_bg &&
	wait_for_file shared/ready &&
	rt kill --all "$CID" KILL &&
	wait_for_status "$CID" stopped &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		left=$(grep -lsxz "CONFORM_TEST=$TEST_MARK" /proc/[0-9]*/environ | wc -l)
		test "$left" = 0 && break
		nap 0.1
	done &&
	{ test "$left" = 0 || why "$left container processes survived kill --all"; }
'

expect_req kill.not-running
test_expect_success 'kill of a stopped container fails and changes nothing' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ ! rt kill "$CID" KILL || why "kill of a stopped container succeeded"; } &&
	json_eq <(rt state "$CID") .status "\"stopped\""
'

expect_req kill.no-id
test_expect_success 'kill without an ID fails' '
	! rt kill >out 2>&1 || why "kill without ID succeeded"
'

test_expect_success 'kill of an unknown ID fails' '
	! rt kill "$CID-nosuch" KILL >out 2>&1 || why "kill of an unknown container succeeded"
'

test_expect_success 'kill with an unknown signal name fails and the container keeps running' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	{ ! rt kill "$CID" SIGNOPE || why "kill SIGNOPE succeeded"; } &&
	json_eq <(rt state "$CID") .status "\"running\""
'
test_done
