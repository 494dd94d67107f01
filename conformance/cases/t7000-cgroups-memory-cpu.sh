#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.resources memory, cpu, pids, checked in the cgroup of a created container (config-linux.md#control-groups)'
# shellcheck source=../lib.sh
. ../lib.sh

# cg_case CONTROLLER RESOURCES V1FILE WANT1 V2FILE WANT2: create a container
# with linux.resources = RESOURCES, then compare the cgroup file the runtime
# wrote (v2 when the process sits in a v2 cgroup that has it, else v1).
# WANT "" for a hierarchy means: that file must not exist there (the setting
# has no equivalent), so create must fail instead (cannot apply: MUST error).
cg_case() {
	local ctrl=$1 res=$2 f1=$3 w1=$4 f2=$5 w2=$6
	test_when_finished cleanup_ct &&
	bundle_new --novalidate --argjson r "$res" ".linux.resources = \$r | probe([\"sleep\", \"30\"])" &&
	require_cgroup "$ctrl" &&
	ct_create &&
	pid=$(state_pid) &&
	cgroup_dir_ 1 "" && root=${CG_DIR%/} &&
	cgroup_dir_ "$pid" "" && d2=$CG_DIR &&
	if [ -n "$f2" ] && [ -n "$d2" ] && [ -f "$d2/$f2" ] && [ "${d2%/}" != "$root" ]; then
		got=$(<"$d2/$f2") && want=$w2 && file=$d2/$f2
	else
		cgroup_dir_ "$pid" "$ctrl" && d1=$CG_DIR &&
		got=$(<"$d1/$f1") && want=$w1 && file=$d1/$f1
	fi 2>/dev/null &&
	{ test "$got" = "$want" || why "$file is \"$(printf %s "$got" | head -c 100)\", want \"$want\""; }
}

expect_field linux.resources.memory.limit
test_expect_success CGROUP 'memory.limit' '
	cg_case memory "{\"memory\": {\"limit\": 67108864}}" memory.limit_in_bytes 67108864 memory.max 67108864
'

expect_field linux.resources.memory.reservation
test_expect_success CGROUP 'memory.reservation' '
	cg_case memory "{\"memory\": {\"limit\": 67108864, \"reservation\": 33554432}}" \
		memory.soft_limit_in_bytes 33554432 memory.low 33554432
'

expect_field linux.resources.memory.swap
test_expect_success CGROUP 'memory.swap (memory plus swap)' '
	cg_case memory "{\"memory\": {\"limit\": 67108864, \"swap\": 134217728}}" \
		memory.memsw.limit_in_bytes 134217728 memory.swap.max 67108864
'

expect_field linux.resources.memory.swappiness
test_expect_success CGROUP 'memory.swappiness' '
	cg_case memory "{\"memory\": {\"swappiness\": 17}}" memory.swappiness 17 "" ""
'

expect_field linux.resources.memory.disableOOMKiller
test_expect_success CGROUP 'memory.disableOOMKiller' '
	cg_case memory "{\"memory\": {\"limit\": 67108864, \"disableOOMKiller\": true}}" memory.oom_control "$(printf "oom_kill_disable 1\nunder_oom 0\noom_kill 0")" "" "" ||
	{ grep -q "^oom_kill_disable 1" "$file" 2>/dev/null && : >"$TEST_DIR/.reason"; }
'

expect_field linux.resources.memory.useHierarchy
test_expect_success CGROUP 'memory.useHierarchy' '
	cg_case memory "{\"memory\": {\"useHierarchy\": true}}" memory.use_hierarchy 1 "" ""
'

expect_field linux.resources.memory.kernelTCP
test_expect_success CGROUP 'memory.kernelTCP (NOT RECOMMENDED): applied, or create fails' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.resources.memory = {kernelTCP: 8388608} | probe([\"sleep\", \"30\"])" &&
	require_cgroup memory &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		cgroup_dir_ "$(state_pid)" memory && d1=$CG_DIR &&
		got=$(<"$d1/memory.kmem.tcp.limit_in_bytes") &&
		{ test "$got" = 8388608 || why "memory.kmem.tcp.limit_in_bytes is \"$got\": kernelTCP silently not applied"; }
	fi
'

expect_field linux.resources.memory.kernel
test_expect_success CGROUP 'memory.kernel (NOT RECOMMENDED): applied, or create fails' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.resources.memory = {kernel: 67108864} | probe([\"sleep\", \"30\"])" &&
	require_cgroup memory &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		cgroup_dir_ "$(state_pid)" memory && d1=$CG_DIR &&
		got=$(<"$d1/memory.kmem.limit_in_bytes") &&
		{ test "$got" = 67108864 || why "memory.kmem.limit_in_bytes is \"$got\": kernel silently not applied"; }
	fi
'

expect_field linux.resources.memory.checkBeforeUpdate
test_expect_success CGROUP 'memory.checkBeforeUpdate is accepted at create' '
	cg_case memory "{\"memory\": {\"limit\": 67108864, \"checkBeforeUpdate\": true}}" memory.limit_in_bytes 67108864 memory.max 67108864
'

expect_field linux.resources.cpu.shares
test_expect_success CGROUP 'cpu.shares (v2: converted to cpu.weight)' '
	cg_case cpu "{\"cpu\": {\"shares\": 512}}" cpu.shares 512 cpu.weight 20
'

expect_field linux.resources.cpu.quota linux.resources.cpu.period
test_expect_success CGROUP 'cpu.quota and cpu.period' '
	cg_case cpu "{\"cpu\": {\"quota\": 50000, \"period\": 100000}}" cpu.cfs_quota_us 50000 cpu.max "50000 100000"
'

expect_field linux.resources.cpu.period
test_expect_success CGROUP 'cpu.period alone' '
	cg_case cpu "{\"cpu\": {\"period\": 50000}}" cpu.cfs_period_us 50000 cpu.max "max 50000"
'

expect_field linux.resources.cpu.burst
test_expect_success CGROUP 'cpu.burst' '
	cg_case cpu "{\"cpu\": {\"quota\": 50000, \"period\": 100000, \"burst\": 10000}}" cpu.cfs_burst_us 10000 cpu.max.burst 10000
'

expect_field linux.resources.cpu.realtimeRuntime linux.resources.cpu.realtimePeriod
test_expect_success CGROUP 'cpu.realtimeRuntime and cpu.realtimePeriod' '
	cg_case cpu "{\"cpu\": {\"realtimeRuntime\": 10000, \"realtimePeriod\": 1000000}}" cpu.rt_runtime_us 10000 "" ""
'

expect_field linux.resources.cpu.idle
test_expect_success CGROUP 'cpu.idle' '
	cg_case cpu "{\"cpu\": {\"idle\": 1}}" cpu.idle 1 cpu.idle 1
'

expect_field linux.resources.cpu.cpus
test_expect_success CGROUP 'cpu.cpus (cpuset)' '
	cg_case cpuset "{\"cpu\": {\"cpus\": \"0\"}}" cpuset.cpus 0 cpuset.cpus 0
'

expect_field linux.resources.cpu.mems
test_expect_success CGROUP 'cpu.mems (cpuset)' '
	cg_case cpuset "{\"cpu\": {\"mems\": \"0\"}}" cpuset.mems 0 cpuset.mems 0
'

expect_field linux.resources.pids.limit
test_expect_success CGROUP 'pids.limit' '
	cg_case pids "{\"pids\": {\"limit\": 42}}" pids.max 42 pids.max 42
'

expect_field linux.resources.pids.limit
test_expect_success CGROUP 'pids.limit -1 means max' '
	cg_case pids "{\"pids\": {\"limit\": -1}}" pids.max max pids.max max
'

expect_field linux.cgroupsPath
test_expect_success CGROUP 'cgroupsPath: an absolute path is where the container goes' '
	test_when_finished cleanup_ct &&
	bundle_new --arg p "/conform/$TEST_MARK" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	{ grep -q ":/conform/$TEST_MARK\$" /proc/$pid/cgroup || why "the process is in $(tr "\n" " " </proc/$pid/cgroup)"; }
'

expect_field linux.cgroupsPath
test_expect_success CGROUP 'cgroupsPath: the cgroup is removed by delete' '
	bundle_new --arg p "/conform-$TEST_MARK" ".linux.cgroupsPath = \$p | probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	nothing_left
'
test_done
