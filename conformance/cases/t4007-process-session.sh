#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='the container process leads a session of its own, with or without a terminal (runc does; conmon --timeout kills the process group)'
# shellcheck source=../lib.sh
. ../lib.sh

# session_leader FILE: FILE holds a /proc/PID/stat line whose session id is
# the pid itself.
session_leader() {
	local s rest state ppid pgrp session
	s=$(<"$1")
	rest=${s##*) }
	read -r state ppid pgrp session _ <<<"$rest"
	[ -n "$session" ] && [ "$session" = "${s%% *}" ] ||
		why "pid ${s%% *} is in session ${session:-?} (process group ${pgrp:-?}): not a session leader"
}

expect_field process.terminal
test_expect_success 'run without a terminal: the init is a session leader' '
	bundle_new "probe([\"cat\", \"/proc/self/stat\"])" &&
	probe_report &&
	session_leader "$REPORT"
'

expect_field process.terminal
test_expect_success 'exec without a terminal: the process is a session leader' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	rt exec "$CID" /probe cat /proc/self/stat >"$REPORT" 2>exec.err &&
	session_leader "$REPORT"
'
test_done
