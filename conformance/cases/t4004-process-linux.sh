#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process: noNewPrivileges, oomScoreAdj, apparmorProfile, selinuxLabel, ioPriority, scheduler, execCPUAffinity (config.md#linux-process)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field process.noNewPrivileges
test_expect_success 'noNewPrivileges true sets no_new_privs' '
	bundle_new ".process.noNewPrivileges = true" &&
	probe_report &&
	report_eq .no_new_privs 1
'

expect_field process.noNewPrivileges
test_expect_success ROOT 'noNewPrivileges false leaves no_new_privs unset' '
	bundle_new ".process.noNewPrivileges = false" &&
	probe_report &&
	report_eq .no_new_privs 0
'

expect_field process.oomScoreAdj
test_expect_success 'oomScoreAdj sets oom_score_adj' '
	bundle_new ".process.oomScoreAdj = 523" &&
	probe_report &&
	report_eq .oom_score_adj 523
'

expect_field process.oomScoreAdj
test_expect_success 'without oomScoreAdj the runtime'"'"'s value is kept (MUST NOT change)' '
	bundle_new "del(.process.oomScoreAdj)" &&
	(echo 321 >/proc/self/oom_score_adj && probe_report) &&
	report_eq .oom_score_adj 321
'

expect_field process.apparmorProfile
test_expect_success APPARMOR 'apparmorProfile confines the process' '
	bundle_new ".process.apparmorProfile = \"unconfined\" | probe([\"cat\", \"/proc/self/attr/current\"])" &&
	probe_report &&
	{ grep -q unconfined "$REPORT" || why "attr/current: $(<"$REPORT")"; }
'

expect_field process.selinuxLabel
test_expect_success SELINUX 'selinuxLabel labels the process' '
	bundle_new ".process.selinuxLabel = \"system_u:system_r:container_t:s0:c1,c2\" | probe([\"cat\", \"/proc/self/attr/current\"])" &&
	probe_report &&
	{ grep -q container_t "$REPORT" || why "attr/current: $(<"$REPORT")"; }
'

expect_field process.ioPriority.class process.ioPriority.priority
test_expect_success 'ioPriority sets the I/O scheduling class and level' '
	bundle_new ".process.ioPriority = {class: \"IOPRIO_CLASS_BE\", priority: 6} | .process.args = [\"/bin/ionice\"]" &&
	probe_report &&
	{ grep -q "best-effort: prio 6" "$REPORT" || why "ionice says: $(<"$REPORT")"; }
'

expect_field process.ioPriority.class=IOPRIO_CLASS_IDLE
test_expect_success 'ioPriority class IOPRIO_CLASS_IDLE' '
	bundle_new ".process.ioPriority = {class: \"IOPRIO_CLASS_IDLE\", priority: 0} | .process.args = [\"/bin/ionice\"]" &&
	probe_report &&
	{ grep -q "^idle" "$REPORT" || why "ionice says: $(<"$REPORT")"; }
'

# /proc/self/stat after the comm field: field 19 is nice, 41 the policy
stat_field() { sed "s/.*) //" "$REPORT" | cut -d" " -f$(( $1 - 2 )); }

expect_field process.scheduler.policy process.scheduler.nice
test_expect_success 'scheduler policy SCHED_BATCH with nice 7' '
	bundle_new ".process.scheduler = {policy: \"SCHED_BATCH\", nice: 7} | probe([\"cat\", \"/proc/self/stat\"])" &&
	probe_report &&
	{ test "$(stat_field 41)" = 3 || why "policy is $(stat_field 41), want 3 (SCHED_BATCH)"; } &&
	{ test "$(stat_field 19)" = 7 || why "nice is $(stat_field 19), want 7"; }
'

expect_field process.scheduler.policy=SCHED_IDLE
test_expect_success 'scheduler policy SCHED_IDLE' '
	bundle_new ".process.scheduler = {policy: \"SCHED_IDLE\"} | probe([\"cat\", \"/proc/self/stat\"])" &&
	probe_report &&
	{ test "$(stat_field 41)" = 5 || why "policy is $(stat_field 41), want 5 (SCHED_IDLE)"; }
'

expect_field process.scheduler.priority process.scheduler.policy=SCHED_FIFO
test_expect_success ROOT 'scheduler policy SCHED_FIFO with priority 10' '
	bundle_new ".process.scheduler = {policy: \"SCHED_FIFO\", priority: 10} | probe([\"cat\", \"/proc/self/stat\"])" &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		{ test "$(stat_field 41)" = 1 || why "policy is $(stat_field 41), want 1 (SCHED_FIFO)"; } &&
		{ test "$(stat_field 40)" = 10 || why "rt_priority is $(stat_field 40), want 10"; }
	else
		grep -qi "sched\|permit\|priority" err || why "run failed without a reason: $(head -c 200 err)"
	fi
'

expect_field process.scheduler.flags process.scheduler.runtime process.scheduler.deadline process.scheduler.period
test_expect_success ROOT 'scheduler SCHED_DEADLINE with runtime, deadline, period and flags works or is an error' '
	bundle_new ".process.scheduler = {policy: \"SCHED_DEADLINE\", runtime: 10000000, deadline: 20000000, period: 20000000,
		flags: [\"SCHED_FLAG_RESET_ON_FORK\"]} | probe([\"cat\", \"/proc/self/stat\"])" &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		{ test "$(stat_field 41)" = 6 || why "policy is $(stat_field 41), want 6 (SCHED_DEADLINE)"; }
	else
		nothing_left
	fi
'

expect_field process.execCPUAffinity.initial process.execCPUAffinity.final
test_expect_success SMP 'execCPUAffinity.final applies to exec, not to the init process' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.execCPUAffinity = {initial: \"0\", final: \"1\"} | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	init=$(awk "/Cpus_allowed_list/ { print \$2 }" /proc/$pid/status) &&
	{ test "$init" != 1 || why "the init process got the exec affinity"; } &&
	rt exec "$CID" /probe cat /proc/self/status >exec.out 2>exec.err &&
	got=$(awk "/Cpus_allowed_list/ { print \$2 }" exec.out) &&
	{ test "$got" = 1 || why "exec process Cpus_allowed_list is $got, want 1"; }
'
test_done
