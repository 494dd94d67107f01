#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='update: new resources reach the cgroup files, invalid ones are refused (runc CLI)'
# shellcheck source=../lib.sh
. ../lib.sh

# A runtime without an update command skips these with its message (urun
# until it has one); "update --help" failing for another reason does not.
has_update() {
	rt update --help >"$TEST_DIR/update.help" 2>&1 && return 0
	if grep -qiE "unknown (sub)?command|invalid command|no such command|^Subcommands:" "$TEST_DIR/update.help"; then
		skip_test "the runtime has no update command: $(first_line_ "$TEST_DIR/update.help")"
	fi
	return 0
}

RES='{"memory": {"limit": 67108864}, "pids": {"limit": 100}, "cpu": {"shares": 512}}'

# upd_ct CONTROLLER...: a running container with $RES whose cgroup has
# every CONTROLLER; its pid in PID.
upd_ct() {
	local c
	has_update &&
	bundle_new --argjson r "$RES" ".linux.resources = \$r | probe([\"sleep\", \"60\"])" || return 1
	for c in "$@"; do
		require_cgroup "$c"
	done
	start_bg && PID=$(state_pid)
}

# cg_is CONTROLLER V1FILE V2FILE WANT: the container's cgroup file says WANT.
cg_is() {
	local got
	got=$(cgroup_read "$PID" "$1" "$2" "$3") || return 1
	[ "$got" = "$4" ] || why "${3:-$2} is \"$got\", want \"$4\""
}

# upd ARG...: "update ARG... $CID", failing with its message.
upd() {
	rt update "$@" "$CID" >"$TEST_DIR/update.out" 2>"$TEST_DIR/update.err" ||
		why "update $* failed: $(first_line_ "$TEST_DIR/update.err")"
}

expect_field linux.resources.memory.limit linux.resources.pids.limit
test_expect_success CGROUP 'update --resources FILE sets memory and pids; what it omits stays' '
	test_when_finished cleanup_ct &&
	upd_ct memory pids cpu &&
	echo "{\"memory\": {\"limit\": 134217728}, \"pids\": {\"limit\": 50}}" >res.json &&
	upd --resources "$TEST_DIR/res.json" &&
	cg_is memory memory.limit_in_bytes memory.max 134217728 &&
	cg_is pids pids.max pids.max 50 &&
	cg_is cpu cpu.shares "" 512
'

expect_field linux.resources.cpu.shares
test_expect_success CGROUP 'update -r - reads the resources from standard input' '
	test_when_finished cleanup_ct &&
	upd_ct cpu &&
	{ echo "{\"cpu\": {\"shares\": 256}}" | rt update -r - "$CID" >out 2>err || why "update -r - failed: $(first_line_ err)"; } &&
	cg_is cpu cpu.shares "" 256
'

# Each flag: the flag and its value, controller, v1 file, v2 file, want.
FLAGS=(
	--memory 100663296 memory memory.limit_in_bytes memory.max 100663296
	--memory-reservation 33554432 memory memory.soft_limit_in_bytes memory.low 33554432
	--pids-limit 42 pids pids.max pids.max 42
	--cpu-share 300 cpu cpu.shares "" 300
	--cpu-quota 40000 cpu cpu.cfs_quota_us "" 40000
	--cpu-period 50000 cpu cpu.cfs_period_us "" 50000
	--cpuset-cpus 0 cpuset cpuset.cpus cpuset.cpus 0
	--cpuset-mems 0 cpuset cpuset.mems cpuset.mems 0
	--blkio-weight 300 blkio blkio.weight io.weight 300
)
i=0
while [ $i -lt ${#FLAGS[@]} ]; do
	flag=${FLAGS[i]} val=${FLAGS[i + 1]} ctrl=${FLAGS[i + 2]} f1=${FLAGS[i + 3]} f2=${FLAGS[i + 4]} want=${FLAGS[i + 5]}
	test_expect_success CGROUP "update $flag $val reaches ${f2:-$f1}" '
		test_when_finished cleanup_ct &&
		upd_ct "$ctrl" &&
		if [ "$ctrl" = blkio ] && ! cgroup_read "$PID" blkio blkio.weight io.weight >/dev/null 2>&1; then
			skip_test "no blkio.weight here (no weight-based I/O scheduler)"
		fi &&
		upd "$flag" "$val" &&
		cg_is "$ctrl" "$f1" "$f2" "$want"
	'
	i=$((i + 6))
done

test_expect_success CGROUP 'update --memory-swap sets memory plus swap' '
	test_when_finished cleanup_ct &&
	upd_ct memory &&
	{ [ -f "$(cgroup_dir "$PID" memory)/memory.memsw.limit_in_bytes" ] || skip_test "no swap accounting here (memory.memsw.limit_in_bytes)"; } &&
	upd --memory 67108864 --memory-swap 134217728 &&
	cg_is memory memory.memsw.limit_in_bytes "" 134217728
'

test_expect_success CGROUP 'an invalid resources file is refused and changes nothing' '
	test_when_finished cleanup_ct &&
	upd_ct memory pids &&
	echo "{\"memory\": {\"limit\": \"lots\"}, \"pids\": {\"limit\": 7}}" >res.json &&
	{ ! rt update --resources "$TEST_DIR/res.json" "$CID" >out 2>err || why "update accepted memory.limit \"lots\""; } &&
	cg_is memory memory.limit_in_bytes memory.max 67108864 &&
	cg_is pids pids.max pids.max 100
'

test_expect_success CGROUP 'a value that is not a number is refused and changes nothing' '
	test_when_finished cleanup_ct &&
	upd_ct pids &&
	{ ! rt update --pids-limit many "$CID" >out 2>err || why "update --pids-limit many succeeded"; } &&
	cg_is pids pids.max pids.max 100
'

test_expect_success CGROUP 'a value the kernel refuses (cpuset of a CPU that does not exist) fails' '
	test_when_finished cleanup_ct &&
	upd_ct cpuset &&
	before=$(cgroup_read "$PID" cpuset cpuset.cpus cpuset.cpus) &&
	{ ! rt update --cpuset-cpus 4095 "$CID" >out 2>err || why "update --cpuset-cpus 4095 succeeded"; } &&
	cg_is cpuset cpuset.cpus cpuset.cpus "$before"
'

test_expect_success CGROUP 'update of a stopped container fails' '
	test_when_finished cleanup_ct &&
	has_update &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ ! rt update --pids-limit 10 "$CID" >out 2>err || why "update of a stopped container succeeded"; }
'

test_expect_success 'update of an unknown container fails' '
	has_update &&
	{ ! rt update --pids-limit 10 "$CID-nosuch" >out 2>err || why "update of an unknown ID succeeded"; }
'
test_done
