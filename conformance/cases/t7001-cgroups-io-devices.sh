#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.resources blockIO, hugepageLimits, network, rdma, unified, devices (config-linux.md#control-groups)'
# shellcheck source=../lib.sh
. ../lib.sh

# applied_or_error CONTROLLER RESOURCES FILE WANT [V2FILE V2WANT]: with
# linux.resources = RESOURCES, either create fails (the runtime cannot apply
# it here, e.g. the controller is missing: MUST error) or FILE in the
# container's cgroup holds WANT.
applied_or_error() {
	local ctrl=$1 res=$2 f1=$3 w1=$4 f2=${5:-} w2=${6:-}
	test_when_finished cleanup_ct &&
	bundle_new --novalidate --argjson r "$res" ".linux.resources = \$r | probe([\"sleep\", \"30\"])" &&
	require_cgroup_manager &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		pid=$(state_pid) &&
		{ cgroup_available "$ctrl" || why "create succeeded but the $ctrl controller is not available here: silently not applied"; } &&
		got=$(cgroup_read "$pid" "$ctrl" "$f1" "$f2") &&
		{ grep -qxF -- "$w1" <<<"$got" || { [ -n "$w2" ] && grep -qxF -- "$w2" <<<"$got"; } ||
			why "cgroup has \"$(printf %s "$got" | head -c 100)\", want \"$w1\": silently not applied"; }
	fi
}

# blockdev: MAJOR:MINOR of the first disk that is not a loop device
blockdev() {
	local d
	for d in /sys/block/*; do
		case ${d##*/} in loop*) continue ;; esac
		cat "$d/dev"
		return
	done
}

expect_field linux.resources.blockIO.weight
test_expect_success CGROUP 'blockIO.weight: applied, or create fails' '
	# Kernels without CFQ (5.0+) keep the v1 weight in blkio.bfq.weight ("default N").
	w=blkio.weight &&
	{ [ -e /sys/fs/cgroup/blkio/blkio.weight ] || w=blkio.bfq.weight; } &&
	applied_or_error blkio "{\"blockIO\": {\"weight\": 300}}" "$w" 300 io.weight "default 300"
'

expect_field linux.resources.blockIO.leafWeight
test_expect_success CGROUP 'blockIO.leafWeight: applied, or create fails' '
	applied_or_error blkio "{\"blockIO\": {\"leafWeight\": 300}}" blkio.leaf_weight 300
'

expect_field linux.resources.blockIO.weightDevice linux.resources.blockIO.weightDevice.major linux.resources.blockIO.weightDevice.minor linux.resources.blockIO.weightDevice.weight linux.resources.blockIO.weightDevice.leafWeight
test_expect_success CGROUP 'blockIO.weightDevice: applied, or create fails' '
	d=$(blockdev) &&
	applied_or_error blkio "{\"blockIO\": {\"weightDevice\": [{\"major\": ${d%:*}, \"minor\": ${d#*:}, \"weight\": 200, \"leafWeight\": 200}]}}" \
		blkio.weight_device "$d 200" io.weight "$d 200"
'

for t in ReadBps WriteBps ReadIOPS WriteIOPS; do
	case $t in
	ReadBps) f1=blkio.throttle.read_bps_device k=rbps ;;
	WriteBps) f1=blkio.throttle.write_bps_device k=wbps ;;
	ReadIOPS) f1=blkio.throttle.read_iops_device k=riops ;;
	WriteIOPS) f1=blkio.throttle.write_iops_device k=wiops ;;
	esac
	expect_field "linux.resources.blockIO.throttle${t}Device" "linux.resources.blockIO.throttle${t}Device.major" \
		"linux.resources.blockIO.throttle${t}Device.minor" "linux.resources.blockIO.throttle${t}Device.rate"
	test_expect_success CGROUP "blockIO.throttle${t}Device" '
		d=$(blockdev) &&
		test_when_finished cleanup_ct &&
		bundle_new --novalidate --argjson ma "${d%:*}" --argjson mi "${d#*:}" --arg t "throttle${t}Device" \
			".linux.resources.blockIO[\$t] = [{major: \$ma, minor: \$mi, rate: 1048576}] | probe([\"sleep\", \"30\"])" &&
		require_cgroup blkio &&
		ct_create &&
		got=$(cgroup_read "$(state_pid)" blkio "$f1" io.max) &&
		{ grep -qx "$d 1048576" <<<"$got" || grep -q "^$d .*$k=1048576" <<<"$got" ||
			why "throttle file has \"$(printf %s "$got" | head -c 100)\""; }
	'
done

expect_field linux.resources.hugepageLimits linux.resources.hugepageLimits.pageSize linux.resources.hugepageLimits.limit
test_expect_success CGROUP,HUGETLB 'hugepageLimits: applied, or create fails' '
	applied_or_error hugetlb "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]}" \
		hugetlb.2MB.limit_in_bytes 4194304 hugetlb.2MB.max 4194304
'

expect_field linux.resources.network.classID
test_expect_success CGROUP 'network.classID: applied, or create fails' '
	applied_or_error net_cls "{\"network\": {\"classID\": 1048577}}" net_cls.classid 1048577
'

expect_field linux.resources.network.priorities linux.resources.network.priorities.name linux.resources.network.priorities.priority
test_expect_success CGROUP 'network.priorities: applied, or create fails' '
	applied_or_error net_prio "{\"network\": {\"priorities\": [{\"name\": \"lo\", \"priority\": 3}]}}" net_prio.ifpriomap "lo 3"
'

expect_field linux.resources.rdma
test_expect_success CGROUP 'rdma: applied, or create fails' '
	applied_or_error rdma "{\"rdma\": {\"mlx5_0\": {\"hcaHandles\": 3, \"hcaObjects\": 100}}}" rdma.max "mlx5_0 hca_handle=3 hca_object=100"
'

expect_field linux.resources.unified
test_expect_success CGROUP 'unified: a v2 file is written, or create fails' '
	test_when_finished cleanup_ct &&
	bundle_new ".linux.resources.unified = {\"hugetlb.2MB.max\": \"4194304\"} | probe([\"sleep\", \"30\"])" &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		d2=$(cgroup_dir "$(state_pid)" "") &&
		{ test "$(cat "$d2/hugetlb.2MB.max" 2>/dev/null)" = 4194304 || why "hugetlb.2MB.max in $d2 is not 4194304"; }
	fi
'

expect_field linux.resources.unified
test_expect_success CGROUP 'unified: a controller that is not present is an error (MUST)' '
	test_when_finished cleanup_ct &&
	bundle_new ".linux.resources.unified = {\"conformbogus.max\": \"1\"} | probe([\"sleep\", \"30\"])" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>&1 || why "create succeeded"; } &&
	nothing_left
'

# Device cgroup rules, checked by behaviour: c 42:42 has no driver, so
# opening it fails with ENXIO when the cgroup allows it and EPERM when not.
DEV='.linux.devices = [{path: "/dev/conform42", type: "c", major: 42, minor: 42}]
	| .process.args = ["/bin/sh", "-c", "cat /dev/conform42 2>&1; true"]'

expect_field linux.resources.devices linux.resources.devices.allow linux.resources.devices.access
test_expect_success ROOT,CGROUP 'devices: a device denied by the rules cannot be opened' '
	bundle_new "$DEV | .linux.resources.devices = [{allow: false, access: \"rwm\"}]" &&
	require_cgroup devices &&
	probe_report &&
	{ grep -qi "not permitted" "$REPORT" || why "opening a denied device: $(<"$REPORT")"; }
'

expect_field linux.resources.devices.type linux.resources.devices.major linux.resources.devices.minor
test_expect_success ROOT,CGROUP 'devices: rules apply in order; a later allow for c 42:42 wins' '
	bundle_new "$DEV | .linux.resources.devices = [{allow: false, access: \"rwm\"},
		{allow: true, type: \"c\", major: 42, minor: 42, access: \"rwm\"}]" &&
	require_cgroup devices &&
	probe_report &&
	{ ! grep -qi "not permitted" "$REPORT" || why "an allowed device was denied: $(<"$REPORT")"; }
'
test_done
