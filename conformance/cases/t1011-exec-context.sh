#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='exec: the process joins the container (namespaces, cgroup, seccomp, caps, rlimits) and exec in each state (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

# exec_ct [FILTER]: a running container whose init sleeps.
exec_ct() {
	bundle_new "${1:-.} | probe([\"sleep\", \"60\"])" && start_bg
}

# exec_bg: "exec --detach --pid-file" a sleeping probe; its host pid in
# EXEC_PID, the init's in INIT_PID, once the process carries the mark (it
# has been exec'd: a runtime may write the pid file before).
exec_bg() {
	local i
	rt exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 30 >"$TEST_DIR/exec.out" 2>"$TEST_DIR/exec.err" ||
		{ why "exec -d failed: $(first_line_ "$TEST_DIR/exec.err")"; return 1; }
	wait_for_file "$TEST_DIR/exec.pid" || return 1
	EXEC_PID=$(<"$TEST_DIR/exec.pid")
	INIT_PID=$(state_pid)
	for (( i = 0; i < 40; i++ )); do
		grep -qsxz "CONFORM_TEST=$TEST_MARK" "/proc/$EXEC_PID/environ" && return 0
		nap 0.05
	done
	why "pid-file process $EXEC_PID never ran the exec'd program"
}

# same_ns TYPE...: the exec'd process is in the init's namespace of each TYPE.
same_ns() {
	local t a b
	for t in "$@"; do
		a=$(readlink "/proc/$INIT_PID/ns/$t") || { why "cannot read the init's $t namespace"; return 1; }
		b=$(readlink "/proc/$EXEC_PID/ns/$t") || { why "cannot read the exec'd process's $t namespace"; return 1; }
		[ "$a" = "$b" ] || { why "exec'd process: $t namespace $b, the container's is $a"; return 1; }
	done
}

# exec_out ARG...: "exec $CID ARG..." with stdout in $REPORT.
exec_out() {
	rt exec "$CID" "$@" >"$REPORT" 2>"$TEST_DIR/exec.err" ||
		why "exec $* failed: $(first_line_ "$TEST_DIR/exec.err")"
}

# exec_created: exec into a created container runs the process and
# returns its status; the container stays created.
exec_created() {
	bundle_new "probe([\"sleep\", \"60\"])" &&
	ct_create &&
	{ rt exec "$CID" /probe exit 3; rc=$?; true; } &&
	{ test "$rc" = 3 || why "exec into a created container returned $rc, want 3"; } &&
	{ test "$(state_status)" = created || why "the container is $(state_status) after exec, want created"; }
}

expect_field linux.namespaces.type=cgroup
test_expect_success 'the exec'"'"'d process joins every namespace of the container (cgroup, ipc, mnt, net, pid, user, uts)' '
	test_when_finished cleanup_ct &&
	exec_ct "ns_add(\"cgroup\")" &&
	exec_bg &&
	{ test "$(readlink /proc/$INIT_PID/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" || why "the container has no mount namespace of its own"; } &&
	same_ns cgroup ipc mnt net pid user uts time
'

expect_field linux.namespaces.type=time
test_expect_success TIMENS 'the exec'"'"'d process joins the container'"'"'s time namespace' '
	test_when_finished cleanup_ct &&
	exec_ct "ns_add(\"time\")" &&
	exec_bg &&
	{ test "$(readlink /proc/$INIT_PID/ns/time)" != "$(readlink /proc/self/ns/time)" || why "the container has no time namespace of its own"; } &&
	same_ns time
'

test_expect_success 'the exec'"'"'d process is in the container'"'"'s cgroup, every hierarchy' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	exec_bg &&
	a=$(</proc/$INIT_PID/cgroup) && b=$(</proc/$EXEC_PID/cgroup) &&
	{ test "$a" = "$b" || why "exec'"'"'d process cgroups: ${b//$'"'"'\n'"'"'/ }; the init'"'"'s: ${a//$'"'"'\n'"'"'/ }"; }
'

test_expect_success ROOT,CGROUP 'the exec'"'"'d process is not left in the runtime'"'"'s cgroup' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	require_cgroup_manager &&
	exec_bg &&
	{ test "$(</proc/$EXEC_PID/cgroup)" != "$(</proc/self/cgroup)" || why "the exec'"'"'d process shares the caller'"'"'s cgroups"; }
'

expect_field linux.seccomp
test_expect_success 'the container'"'"'s seccomp filter applies to the exec'"'"'d process' '
	test_when_finished cleanup_ct &&
	exec_ct ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}" &&
	exec_out /probe syscall mkdir &&
	report_eq .errno "\"EPERM\"" &&
	exec_out /probe report &&
	report_eq .seccomp 2
'

expect_field linux.seccomp process.user.uid process.noNewPrivileges
test_expect_success 'exec --user of a non-root user with the container'"'"'s seccomp and noNewPrivileges false' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m | .process.noNewPrivileges = false
		| .linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}" &&
	rt exec --user 1000:1000 "$CID" /probe syscall mkdir >"$REPORT" 2>exec.err ||
		why "exec --user 1000:1000 failed: $(first_line_ exec.err)" &&
	report_eq .errno "\"EPERM\""
'

expect_field process.capabilities
test_expect_success 'the container'"'"'s capabilities apply to the exec'"'"'d process' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.capabilities = {bounding: [\"CAP_KILL\", \"CAP_CHOWN\", \"CAP_FOWNER\"], effective: [\"CAP_KILL\", \"CAP_CHOWN\"],
		permitted: [\"CAP_KILL\", \"CAP_CHOWN\"], inheritable: [\"CAP_KILL\"], ambient: [\"CAP_KILL\"]}" &&
	exec_out /probe report &&
	report_eq ".caps.bounding | sort" "[\"CAP_CHOWN\",\"CAP_FOWNER\",\"CAP_KILL\"]" \
		".caps.effective | sort" "[\"CAP_CHOWN\",\"CAP_KILL\"]" ".caps.permitted | sort" "[\"CAP_CHOWN\",\"CAP_KILL\"]" \
		".caps.inheritable" "[\"CAP_KILL\"]"
'

expect_field process.rlimits
test_expect_success 'the container'"'"'s rlimits apply to the exec'"'"'d process' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 555, hard: 777}]" &&
	exec_out /probe report &&
	report_eq ".rlimits.RLIMIT_NOFILE | [.soft, .hard]" "[555,777]"
'

expect_field process.noNewPrivileges
test_expect_success 'the container'"'"'s noNewPrivileges applies to the exec'"'"'d process' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.noNewPrivileges = true" &&
	exec_out /probe report &&
	report_eq .no_new_privs 1
'

expect_field process.user.uid process.user.gid process.user.additionalGids
test_expect_success 'the exec'"'"'d process runs as the config'"'"'s user with its groups' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m | .process.user = {uid: 1000, gid: 1000, additionalGids: [10]}" &&
	exec_out /probe report &&
	report_eq "[.uid, .gid]" "[1000,1000]" "(.groups | index(10)) != null" true
'

test_expect_success ROOT 'exec into a created container runs the process (runc)' '
	test_when_finished cleanup_ct &&
	exec_created
'

test_expect_failure UNPRIV 'exec into a created container runs the process, unprivileged (runc)' \
	'[urun] by design since the CVE-2019-5736 hardening: the init of a created container is non-dumpable until start, so an unprivileged exec cannot open its namespaces (runc rootless can)' '
	test_when_finished cleanup_ct &&
	exec_created
'

test_expect_success 'exec into a stopped container fails' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ ! rt exec "$CID" /probe exit 0 >out 2>err || why "exec into a stopped container succeeded"; } &&
	{ test "$(state_status)" = stopped || why "the container is $(state_status), want stopped"; }
'

test_expect_success CGROUP 'exec into a paused container fails and the container stays paused (runc, without --ignore-paused)' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	require_cgroup freezer &&
	rt pause "$CID" &&
	{ ! rt exec "$CID" /probe exit 0 >out 2>err || why "exec into a paused container succeeded"; } &&
	{ test "$(state_status)" = paused || why "the container is $(state_status) after the refused exec, want paused"; } &&
	rt resume "$CID" &&
	wait_for_status "$CID" running
'
test_done
