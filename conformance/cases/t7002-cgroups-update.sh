#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='update: new resources for a live container, from a linux.resources JSON (--resources FILE|-, as podman and containerd send) or runc'"'"'s flags; checked in the cgroup files'
# shellcheck source=../lib.sh
. ../lib.sh

# The container every test starts from: known values to change.
INITIAL='{"memory": {"limit": 67108864, "reservation": 33554432}, "pids": {"limit": 50},
	"cpu": {"shares": 512, "quota": 50000, "period": 100000}}'

# up_ct: create and start a sleeping container with $INITIAL; PID is its init.
up_ct() {
	test_when_finished cleanup_ct &&
	bundle_new --novalidate --argjson r "$INITIAL" ".linux.resources = \$r | probe([\"sleep\", \"30\"])" &&
	require_cgroup memory && require_cgroup pids && require_cgroup cpu &&
	start_bg &&
	pid=$(state_pid)
}

# cg_is V1CTRL V1FILE V2FILE WANT: the value the runtime wrote for PID.
cg_is() {
	local got
	got=$(cgroup_read "$pid" "$1" "$2" "$3") || return 1
	[ "$got" = "$4" ] || why "${3:-$2} is \"$got\", want \"$4\""
}

# cg_v2: the container's memory and cpu are on cgroup v2 here (values differ).
cg_v2() {
	cgroup_dir_ "$pid" "" && [ -n "$CG_DIR" ] && [ -f "$CG_DIR/memory.max" ]
}

test_expect_success ROOT,CGROUP 'update --resources FILE: memory, pids and cpu change in the cgroup' '
	up_ct &&
	cat >res.json <<-EOF &&
	{"memory": {"limit": 134217728}, "pids": {"limit": 20}, "cpu": {"shares": 256, "quota": 20000}}
	EOF
	rt update --resources res.json "$CID" &&
	cg_is memory memory.limit_in_bytes memory.max 134217728 &&
	cg_is pids pids.max pids.max 20 &&
	if cg_v2; then
		cg_is cpu "" cpu.max "20000 100000" && cg_is cpu "" cpu.weight 10
	else
		cg_is cpu cpu.cfs_quota_us "" 20000 && cg_is cpu cpu.cfs_period_us "" 100000 &&
		cg_is cpu cpu.shares "" 256
	fi
'

test_expect_success ROOT,CGROUP 'update --resources - (standard input): fields not given keep their values (docker sends only what changes)' '
	up_ct &&
	echo "{\"memory\": {\"limit\": 100663296}}" | rt update --resources - "$CID" &&
	cg_is memory memory.limit_in_bytes memory.max 100663296 &&
	cg_is pids pids.max pids.max 50 &&
	cg_is memory memory.soft_limit_in_bytes memory.low 33554432
'

test_expect_success ROOT,CGROUP 'update with runc'"'"'s flags: --memory, --memory-reservation, --pids-limit, --cpu-share, --cpu-period, --cpu-quota, --cpuset-cpus' '
	up_ct &&
	require_cgroup cpuset &&
	rt update --memory 96m --memory-reservation 16m --pids-limit 30 --cpu-share 300 \
		--cpu-period 200000 --cpu-quota 40000 --cpuset-cpus 0 "$CID" &&
	cg_is memory memory.limit_in_bytes memory.max 100663296 &&
	cg_is memory memory.soft_limit_in_bytes memory.low 16777216 &&
	cg_is pids pids.max pids.max 30 &&
	cg_is cpuset cpuset.cpus cpuset.cpus 0 &&
	if cg_v2; then
		cg_is cpu "" cpu.max "40000 200000"
	else
		cg_is cpu cpu.cfs_quota_us "" 40000 && cg_is cpu cpu.cfs_period_us "" 200000 &&
		cg_is cpu cpu.shares "" 300
	fi
'

test_expect_success ROOT,CGROUP 'update --memory -1 lifts the memory limit' '
	up_ct &&
	rt update --memory -1 "$CID" &&
	got=$(cgroup_read "$pid" memory memory.limit_in_bytes memory.max) &&
	{ [ "$got" = max ] || [ "$got" -ge 4611686018427387904 ] 2>/dev/null ||
		why "memory limit is $got after --memory -1"; }
'

test_expect_success ROOT,CGROUP 'update raises memory and memory+swap above the old memory+swap limit' '
	up_ct &&
	cgroup_dir_ "$pid" memory && memdir=$CG_DIR &&
	{ cg_v2 || [ -f "$memdir/memory.memsw.limit_in_bytes" ] || skip_test "no swap accounting (memory.memsw) on this host"; } &&
	echo "{\"memory\": {\"limit\": 134217728, \"swap\": 268435456}}" | rt update -r - "$CID" &&
	echo "{\"memory\": {\"limit\": 536870912, \"swap\": 1073741824}}" | rt update -r - "$CID" &&
	cg_is memory memory.limit_in_bytes memory.max 536870912 &&
	cg_is memory memory.memsw.limit_in_bytes memory.swap.max \
		"$(cg_v2 && echo 536870912 || echo 1073741824)"
'

test_expect_success ROOT,CGROUP 'update refuses invalid values, and the cgroup keeps its values' '
	up_ct &&
	{ ! rt update --memory lots "$CID" 2>err1 || why "--memory lots accepted"; } &&
	{ ! echo "{\"pids\": {\"limit\": \"x\"}}" | rt update -r - "$CID" 2>err2 ||
		why "pids.limit \"x\" accepted"; } &&
	{ ! echo "{\"cpu\": {\"cpus\": \"100000\"}}" | rt update -r - "$CID" 2>err3 ||
		why "cpu.cpus 100000 accepted"; } &&
	{ ! echo "[1]" | rt update -r - "$CID" 2>err4 || why "a JSON array accepted as resources"; } &&
	cg_is pids pids.max pids.max 50 &&
	cg_is memory memory.limit_in_bytes memory.max 67108864
'

test_expect_success 'update of a stopped container fails' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ ! rt update --pids-limit 10 "$CID" 2>err || why "update of a stopped container succeeded"; } &&
	rt delete "$CID"
'

test_expect_success 'update of a container that does not exist fails' '
	{ ! rt update --pids-limit 10 "$CID-none" 2>err || why "update of a missing container succeeded"; }
'

test_expect_success NORESCTRL 'update --l3-cache-schema without Intel RDT fails' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	{ ! rt update --l3-cache-schema "L3:0=f" "$CID" 2>err || why "--l3-cache-schema accepted without resctrl"; }
'
test_done
