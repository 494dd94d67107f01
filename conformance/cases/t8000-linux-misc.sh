#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.sysctl, personality, intelRdt, memoryPolicy (config-linux.md)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field linux.sysctl
test_expect_success 'sysctl sets a network namespace parameter' '
	bundle_new "ns_add(\"network\") | .linux.sysctl = {\"net.ipv4.ip_forward\": \"1\", \"net.ipv4.conf.all.log_martians\": \"1\"}
		| probe([\"report\", \"--sysctl\", \"net.ipv4.ip_forward\", \"--sysctl\", \"net.ipv4.conf.all.log_martians\"])" &&
	host=$(</proc/sys/net/ipv4/conf/all/log_martians) &&
	probe_report &&
	report_eq ".sysctls[\"net.ipv4.ip_forward\"]" "\"1\"" ".sysctls[\"net.ipv4.conf.all.log_martians\"]" "\"1\"" &&
	{ test "$(</proc/sys/net/ipv4/conf/all/log_martians)" = "$host" || why "the host value changed"; }
'

expect_field linux.sysctl
test_expect_success 'sysctl sets an IPC namespace parameter' '
	bundle_new "ns_add(\"ipc\") | .linux.sysctl = {\"kernel.shm_rmid_forced\": \"1\", \"kernel.msgmax\": \"4096\"}
		| probe([\"report\", \"--sysctl\", \"kernel.shm_rmid_forced\", \"--sysctl\", \"kernel.msgmax\"])" &&
	probe_report &&
	report_eq ".sysctls[\"kernel.shm_rmid_forced\"]" "\"1\"" ".sysctls[\"kernel.msgmax\"]" "\"4096\""
'

expect_field linux.sysctl
test_expect_success 'a sysctl the container does not own never changes the host' '
	host=$(</proc/sys/vm/overcommit_ratio) &&
	bundle_new ".linux.sysctl = {\"vm.overcommit_ratio\": \"$((host + 1))\"}" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	{ test "$(</proc/sys/vm/overcommit_ratio)" = "$host" || { echo "$host" >/proc/sys/vm/overcommit_ratio; why "the host vm.overcommit_ratio changed"; }; } &&
	nothing_left
'

expect_field linux.personality.domain=LINUX32
test_expect_success 'personality LINUX32' '
	bundle_new ".linux.personality = {domain: \"LINUX32\"}" &&
	probe_report &&
	report_eq ".personality" 8
'

expect_field linux.personality.domain=LINUX linux.personality.flags
test_expect_success 'personality LINUX with empty flags' '
	bundle_new ".linux.personality = {domain: \"LINUX\", flags: []}" &&
	probe_report &&
	report_eq ".personality" 0
'

for f in closID l3CacheSchema memBwSchema schemata enableMonitoring; do
	case $f in
	closID) rdt='{closID: "conform"}' ;;
	l3CacheSchema) rdt='{closID: "conform", l3CacheSchema: "L3:0=ff"}' ;;
	memBwSchema) rdt='{closID: "conform", memBwSchema: "MB:0=70"}' ;;
	schemata) rdt='{closID: "conform", schemata: ["L3:0=ff"]}' ;;
	enableMonitoring) rdt='{enableMonitoring: true}' ;;
	esac
	expect_field "linux.intelRdt.$f"
	test_expect_success NORESCTRL "intelRdt.$f without a mounted resctrl is an error (MUST)" '
		bundle_new ".linux.intelRdt = $rdt" &&
		{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>&1 || { rt_raw_ delete --force "$CID" >/dev/null 2>&1; why "create succeeded"; }; } &&
		nothing_left
	'
done

# first line of /proc/self/numa_maps: the policy of the first mapping
numa_first() { head -n1 "$REPORT" | cut -d" " -f2; }

for m in MPOL_BIND:bind:0 MPOL_INTERLEAVE:interleave:0 MPOL_PREFERRED:prefer:0 MPOL_LOCAL:local: MPOL_DEFAULT:default:; do
	mode=${m%%:*} want=${m#*:} want=${want%:*} nodes=${m##*:}
	expect_field "linux.memoryPolicy.mode=$mode" linux.memoryPolicy.nodes
	test_expect_success "memoryPolicy $mode" '
		bundle_new --arg m "$mode" --arg n "$nodes" ".linux.memoryPolicy = ({mode: \$m} + (if \$n == \"\" then {} else {nodes: \$n} end))
			| probe([\"cat\", \"/proc/self/numa_maps\"])" &&
		probe_report &&
		got=$(numa_first) &&
		{ test "$got" = "$want${nodes:+:$nodes}" || why "numa_maps policy is \"$got\", want \"$want${nodes:+:$nodes}\""; }
	'
done

expect_field linux.memoryPolicy.flags
test_expect_success 'memoryPolicy flags MPOL_F_STATIC_NODES' '
	bundle_new ".linux.memoryPolicy = {mode: \"MPOL_BIND\", nodes: \"0\", flags: [\"MPOL_F_STATIC_NODES\"]}
		| probe([\"cat\", \"/proc/self/numa_maps\"])" &&
	probe_report &&
	got=$(numa_first) &&
	{ test "$got" = "bind=static:0" || why "numa_maps policy is \"$got\", want bind=static:0"; }
'

expect_field linux.memoryPolicy.mode=MPOL_BIND
test_expect_success 'memoryPolicy MPOL_BIND without nodes is an error' '
	bundle_new --novalidate ".linux.memoryPolicy = {mode: \"MPOL_BIND\"}" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'
test_done
