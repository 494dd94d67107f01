#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='pause and resume: the processes really stop and continue; kill and delete --force of a paused container (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

# tick_ct: a running container with two counters that advance every 20 ms
# in /shared/c1 (a child of the init) and /shared/c2 (the init itself).
# INIT_PID and CHILD_PID are their host pids.
tick_ct() {
	bundle_new "shared | .process.args = [\"/bin/sh\", \"-c\", \"/probe tick /shared/c1 20 & exec /probe tick /shared/c2 20\"]" &&
	start_bg &&
	wait_for_file "$TEST_DIR/shared/c1" && wait_for_file "$TEST_DIR/shared/c2" &&
	INIT_PID=$(state_pid) &&
	{ read -r CHILD_PID _ <"/proc/$INIT_PID/task/$INIT_PID/children"; true; } &&
	[ -n "$CHILD_PID" ] || why "no child process under the init $INIT_PID"
}

# counts: both counters, "C1 C2".
counts() { printf '%s %s\n' "$(<"$TEST_DIR/shared/c1")" "$(<"$TEST_DIR/shared/c2")"; }

# frozen: neither counter moves for half a second.
frozen() {
	local a b
	a=$(counts)
	nap 0.5
	b=$(counts)
	[ "$a" = "$b" ] || why "the processes kept running while paused: counters went from $a to $b in 0.5s"
}

# advancing: both counters move within 3 seconds.
advancing() {
	local a b i
	a=$(counts)
	for (( i = 0; i < 60; i++ )); do
		nap 0.05
		b=$(counts)
		[ "${a% *}" != "${b% *}" ] && [ "${a#* }" != "${b#* }" ] && return 0
	done
	why "the processes do not run: counters went from $a to $b in 3s"
}

test_expect_success CGROUP 'pause freezes every process (status paused); resume continues them (status running)' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	require_cgroup freezer &&
	advancing &&
	rt pause "$CID" &&
	{ test "$(state_status)" = paused || why "status is $(state_status) after pause, want paused"; } &&
	frozen &&
	rt resume "$CID" &&
	{ test "$(state_status)" = running || why "status is $(state_status) after resume, want running"; } &&
	advancing
'

test_expect_success CGROUP 'list --format json shows a paused container as paused' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	require_cgroup freezer &&
	rt pause "$CID" &&
	rt list --format json >list.json &&
	json_eq list.json "[.[] | select(.id == \"$CID\") | .status]" "[\"paused\"]"
'

test_expect_success 'pause either freezes the processes or fails and leaves them running' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	if rt pause "$CID" >out 2>err; then
		{ test "$(state_status)" = paused || why "pause succeeded, status is $(state_status)"; } &&
		frozen &&
		rt resume "$CID" &&
		advancing
	else
		{ test "$(state_status)" = running || why "pause failed and status is $(state_status), want running"; } &&
		advancing
	fi
'

test_expect_success CGROUP 'kill KILL of a paused container stops it and its processes are gone' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	require_cgroup freezer &&
	rt pause "$CID" &&
	rt kill "$CID" KILL &&
	wait_for_gone "$INIT_PID" &&
	wait_for_gone "$CHILD_PID" &&
	wait_for_status "$CID" stopped
'

test_expect_success CGROUP 'delete --force of a paused container removes it and its processes are gone' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	require_cgroup freezer &&
	rt pause "$CID" &&
	rt delete --force "$CID" &&
	wait_for_gone "$INIT_PID" &&
	wait_for_gone "$CHILD_PID" &&
	nothing_left
'

test_expect_success CGROUP 'resume of a running container fails and it keeps running' '
	test_when_finished cleanup_ct &&
	tick_ct &&
	require_cgroup freezer &&
	{ ! rt resume "$CID" >out 2>err || why "resume of a running container succeeded"; } &&
	{ test "$(state_status)" = running || why "status is $(state_status), want running"; }
'

test_expect_success 'pause of a stopped container fails' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ ! rt pause "$CID" >out 2>err || why "pause of a stopped container succeeded"; } &&
	{ test "$(state_status)" = stopped || why "status is $(state_status), want stopped"; }
'

test_expect_success 'pause and resume of an unknown container fail' '
	{ ! rt pause "$CID-nosuch" >out 2>err || why "pause of an unknown ID succeeded"; } &&
	{ ! rt resume "$CID-nosuch" >out 2>err || why "resume of an unknown ID succeeded"; }
'
test_done
