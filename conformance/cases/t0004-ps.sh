#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='ps: the processes of a container, as a table and --format json (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

# three_procs: a running container of three processes (the init sh and two
# sleeping children); their host pids in WANT, sorted, space-separated.
three_procs() {
	local pid kids
	bundle_new "shared | .process.args = [\"/bin/sh\", \"-c\",
		\"/probe sleep 60 & /probe sleep 60 & echo ready > /shared/ready; wait\"]" &&
	start_bg &&
	wait_for_file "$TEST_DIR/shared/ready" || return 1
	pid=$(state_pid)
	kids=$(<"/proc/$pid/task/$pid/children")
	# shellcheck disable=SC2086 # a list of pids
	WANT=$(printf '%s\n' $pid $kids | sort -n | tr '\n' ' ')
	[ "$(wc -w <<<"$WANT")" = 3 ] || why "want 3 processes in the container, found: $WANT"
}

# ps_or_skip ARG...: "ps ARG... $CID" into ps.out. Unprivileged, a runtime
# without a cgroup may refuse ps: that is a skip when it says so (a failure
# with a message), never an empty list.
ps_or_skip() {
	if rt ps "$@" "$CID" >ps.out 2>ps.err; then
		return 0
	fi
	[ "$RT_UNPRIV" = 1 ] && [ -s ps.err ] && skip_test "unprivileged: ps refused: $(first_line_ ps.err)"
	why "ps $* failed: $(first_line_ ps.err)"
}

test_expect_success 'ps --format json prints the pid of every process of the container' '
	test_when_finished cleanup_ct &&
	three_procs &&
	ps_or_skip --format json &&
	got=$(jq -r "sort | map(tostring) | join(\" \")" ps.out) &&
	{ test "$got " = "$WANT" || why "ps --format json: \"$got\", want \"$WANT\""; }
'

test_expect_success 'ps -f json (short form)' '
	test_when_finished cleanup_ct &&
	three_procs &&
	ps_or_skip -f json &&
	json_expect ps.out "type == \"array\" and length == 3" "not an array of 3 pids: $(head -c 100 ps.out)"
'

test_expect_success 'ps (table): a header with a PID column listing every process of the container' '
	test_when_finished cleanup_ct &&
	three_procs &&
	ps_or_skip &&
	col=$(head -n1 ps.out | awk "{ for (i = 1; i <= NF; i++) if (\$i == \"PID\") print i }") &&
	{ test -n "$col" || why "no PID column in the header: $(head -n1 ps.out)"; } &&
	got=$(tail -n +2 ps.out | awk -v c="$col" "{ print \$c }" | sort -n | tr "\n" " ") &&
	{ test "$got" = "$WANT" || why "ps PID column: \"$got\", want \"$WANT\""; }
'

test_expect_success 'ps lists a process started by exec' '
	test_when_finished cleanup_ct &&
	three_procs &&
	rt exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 60 >out 2>err ||
		why "exec -d failed: $(first_line_ err)" &&
	wait_for_file exec.pid &&
	ps_or_skip --format json &&
	json_expect ps.out "index($(<exec.pid)) != null" "the exec'"'"'d process $(<exec.pid) is not listed: $(head -c 100 ps.out)"
'

test_expect_success 'ps of an unknown container fails' '
	! rt ps "$CID-nosuch" >out 2>err || why "ps of an unknown ID succeeded"
'
test_done
