#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.seccomp (config-linux.md#seccomp)'
# shellcheck source=../lib.sh
. ../lib.sh

# seccomp_run POLICY SYSCALL: run "probe syscall SYSCALL" under POLICY (the
# value of linux.seccomp, a jq expression); the probe's JSON in $REPORT,
# the run's exit status in $TEST_DIR/rc.
seccomp_run() {
	bundle_new --novalidate "${3:-}.linux.seccomp = ($1) | probe([\"syscall\", \"$2\"])" || return 1
	rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>"$TEST_DIR/run.err"
	echo $? >"$TEST_DIR/rc"
	cat "$TEST_DIR/run.err" >&2
}
# rc_is N: the run exited N
rc_is() { test "$(<"$TEST_DIR/rc")" = "$1" || why "run exited $(<"$TEST_DIR/rc"), want $1: $(grep -m1 . "$TEST_DIR/run.err" | head -c 200)"; }

DENY_MKDIR='{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'

expect_field linux.seccomp.defaultAction linux.seccomp.syscalls.names linux.seccomp.syscalls.action=SCMP_ACT_ERRNO
test_expect_success 'SCMP_ACT_ERRNO denies a system call with EPERM' '
	seccomp_run "$DENY_MKDIR" mkdir && rc_is 0 &&
	report_eq .errno "\"EPERM\""
'

expect_field linux.seccomp
test_expect_success 'the process runs in seccomp filter mode' '
	bundle_new --novalidate ".linux.seccomp = $DENY_MKDIR" &&
	probe_report &&
	report_eq .seccomp 2
'

expect_field linux.seccomp.syscalls.action=SCMP_ACT_ALLOW
test_expect_success 'system calls that no rule names follow defaultAction (allowed)' '
	seccomp_run "$DENY_MKDIR" getcwd && rc_is 0 &&
	report_eq .ret 0
'

expect_field linux.seccomp.syscalls.errnoRet
test_expect_success 'errnoRet sets the errno of a rule' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\", errnoRet: 13}]}" mkdir && rc_is 0 &&
	report_eq .errno "\"EACCES\""
'

for a in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
	expect_field "linux.seccomp.syscalls.action=$a"
	test_expect_success "$a kills the process with SIGSYS (run exits 159)" '
		seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"$a\"}]}" mkdir &&
		rc_is 159
	'
done

expect_field linux.seccomp.syscalls.action=SCMP_ACT_LOG
test_expect_success 'SCMP_ACT_LOG allows the system call' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"getcwd\"], action: \"SCMP_ACT_LOG\"}]}" getcwd && rc_is 0 &&
	report_eq .ret 0
'

expect_field linux.seccomp.syscalls.action=SCMP_ACT_TRACE
test_expect_success 'SCMP_ACT_TRACE without a tracer fails the system call with ENOSYS' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_TRACE\"}]}" mkdir && rc_is 0 &&
	report_eq .errno "\"ENOSYS\""
'

expect_field linux.seccomp.defaultAction=SCMP_ACT_ERRNO linux.seccomp.defaultErrnoRet
test_expect_success 'defaultErrnoRet sets the errno of defaultAction' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ERRNO\", defaultErrnoRet: 38,
		syscalls: [{names: $(tr -s " \n" "\n" <"$CONFORM_DIR/cases/seccomp-allow.txt" | jq -R . | jq -sc .), action: \"SCMP_ACT_ALLOW\"}]}" mkdir && rc_is 0 &&
	report_eq .errno "\"ENOSYS\""
'

expect_field linux.seccomp.syscalls.args.index linux.seccomp.syscalls.args.value linux.seccomp.syscalls.args.op
test_expect_success 'argument conditions: SCMP_CMP_EQ on argument 0 matches' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"personality\"], action: \"SCMP_ACT_ERRNO\",
		args: [{index: 0, value: 4294967295, op: \"SCMP_CMP_EQ\"}]}]}" personality && rc_is 0 &&
	report_eq .errno "\"EPERM\""
'

expect_field linux.seccomp.syscalls.args.op=SCMP_CMP_NE
test_expect_success 'argument conditions: a rule whose condition does not hold does not apply' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"personality\"], action: \"SCMP_ACT_ERRNO\",
		args: [{index: 0, value: 4294967295, op: \"SCMP_CMP_NE\"}]}]}" personality && rc_is 0 &&
	report_expect ".errno == null" "personality(0xffffffff) was denied"
'

expect_field linux.seccomp.syscalls.args.valueTwo linux.seccomp.syscalls.args.op=SCMP_CMP_MASKED_EQ
test_expect_success 'argument conditions: SCMP_CMP_MASKED_EQ uses valueTwo' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"personality\"], action: \"SCMP_ACT_ERRNO\",
		args: [{index: 0, value: 255, valueTwo: 255, op: \"SCMP_CMP_MASKED_EQ\"}]}]}" personality && rc_is 0 &&
	report_eq .errno "\"EPERM\""
'

expect_field linux.seccomp.architectures
test_expect_success 'architectures: extra architectures do not break the filter' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", architectures: [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}" mkdir && rc_is 0 &&
	report_eq .errno "\"EPERM\""
'

expect_field linux.seccomp.flags
test_expect_success 'flags: SECCOMP_FILTER_FLAG_LOG and SECCOMP_FILTER_FLAG_SPEC_ALLOW are applied' '
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", flags: [\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}" mkdir && rc_is 0 &&
	report_eq .errno "\"EPERM\""
'

expect_field linux.seccomp.defaultErrnoRet
test_expect_success 'defaultErrnoRet with an action that has no errno is an error (MUST)' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.seccomp = {defaultAction: \"SCMP_ACT_KILL\", defaultErrnoRet: 1}" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
	nothing_left
'

expect_field linux.seccomp.syscalls.errnoRet
test_expect_success 'errnoRet on an SCMP_ACT_KILL rule is an error (MUST)' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_KILL\", errnoRet: 1}]}" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
	nothing_left
'

expect_field linux.seccomp.listenerPath linux.seccomp.listenerMetadata linux.seccomp.syscalls.action=SCMP_ACT_NOTIFY
test_expect_success PYTHON3 'SCMP_ACT_NOTIFY: the runtime sends the container process state to listenerPath' '
	rt_as_user_ python3 "$CONFORM_DIR/wrappers/seccomp-recv" "$TEST_DIR/agent.sock" "$TEST_DIR/agent.json" 10 >agent.log 2>&1 &
	agent=$! &&
	test_when_finished "kill $agent 2>/dev/null; true" &&
	wait_for_socket_ "$TEST_DIR/agent.sock" &&
	seccomp_run "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$TEST_DIR/agent.sock\", listenerMetadata: \"conform-meta\",
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}" getcwd &&
	wait "$agent" &&
	json_eq agent.json .metadata "\"conform-meta\"" .fds "[\"seccompFd\"]" .state.id "\"$CID\"" \
		"(.pid | type)" "\"number\"" "(.ociVersion | type)" "\"string\"" &&
	{ test "$(<agent.json.fds)" = 1 || why "the agent got $(<agent.json.fds) file descriptors"; }
'
test_done
