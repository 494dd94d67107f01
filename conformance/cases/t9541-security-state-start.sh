#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: start reports success only for a container whose process really started (a byte in the exec fifo from someone else, or an init that dies after its byte)'
# shellcheck source=../lib.sh
. ../lib.sh

# A startContainer hook (run by the init between opening the exec fifo and
# writing its byte) that sleeps: a runtime that trusts the first byte it
# reads has returned from start, and closed the fifo, by the time the init
# writes.
SLOW_START='hook("startContainer"; {path: "/bin/sleep", args: ["sleep", "0.5"]})'

test_expect_success '[exec-fifo] a byte written into the exec fifo by someone else: start fails, or the process really runs' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | $SLOW_START | probe([\"write\", \"/shared/ran\", \"yes\"])" &&
	ct_create &&
	fifo=$(find "$TEST_STATE" -type p | head -n 1) &&
	{ [ -n "$fifo" ] || skip_test "the runtime keeps no fifo in its state directory"; } &&
	# the intruder (root here, who may open any fifo) blocks until start
	# opens the fifo for reading, then writes first
	{ ( exec 3>"$fifo" && printf x >&3 && nap 2 ) 2>/dev/null & } &&
	nap 0.2 &&
	if rt start "$CID" 2>start.err; then
		wait_for_file shared/ran 3 ||
			why "start succeeded but the process never ran: $(first_line_ "$CID.err")"
	else
		printf "start failed (acceptable): %s\n" "$(first_line_ start.err)" >&9
	fi
'

test_expect_success '[exec-fifo] an init that dies after writing its byte: start fails' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.args = [\"/no/such/program\"]" &&
	if ! rt create --bundle "$BUNDLE" "$CID" >create.out 2>create.err; then
		printf "create failed (acceptable): %s\n" "$(first_line_ create.err)" >&9
	else
		{ ! rt start "$CID" 2>start.err || why "start reported success for a process that cannot run"; } &&
		wait_for_status "$CID" stopped
	fi
'
test_done
