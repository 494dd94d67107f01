#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='a container without its own pid namespace whose init exits with a child left: kill --all and delete still reach the child (runc; podman --pid host, containerd kill --all)'
# shellcheck source=../lib.sh
. ../lib.sh

# leftover_ : start a container in the host pid namespace whose init leaves a
# background child and exits; CHILD = the child's (host) pid, still alive.
leftover_() {
	[ "$RT_UNPRIV" = 0 ] || skip_test "unprivileged: no cgroup of the container's own, through which the runtime could find what the init left in a shared pid namespace"
	bundle_new "shared | ns_del(\"pid\")
		| .process.args = [\"/bin/sh\", \"-c\", \"sleep 30 & echo \$! >/shared/child; exit 0\"]" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	wait_for_file shared/child &&
	CHILD=$(<shared/child) &&
	{ pid_alive "$CHILD" || why "the child $CHILD is not running"; }
}

test_expect_success 'kill --all of a stopped container signals what is left in its cgroup' '
	test_when_finished cleanup_ct &&
	leftover_ &&
	{ rt kill --all "$CID" KILL 2>kill.err || why "kill --all failed: $(first_line_ kill.err)"; } &&
	wait_for_gone "$CHILD"
'

test_expect_success 'delete of a stopped container kills what is left in its cgroup and removes it' '
	leftover_ &&
	{ rt delete "$CID" 2>del.err || why "delete failed: $(first_line_ del.err)"; } &&
	wait_for_gone "$CHILD" &&
	nothing_left
'
test_done
