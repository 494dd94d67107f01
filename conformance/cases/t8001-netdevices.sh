#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.netDevices: moving host interfaces into the container (config-linux.md#network-devices)'
# shellcheck source=../lib.sh
. ../lib.sh

# veth_new: a veth pair on the host; IF_IN moves into the container.
veth_new() {
	IF_IN=cf${RT_TAG:1:6}${test_count}a IF_PEER=cf${RT_TAG:1:6}${test_count}b
	ip link add "$IF_IN" type veth peer name "$IF_PEER" || { why "cannot make a veth pair"; return 1; }
	test_when_finished "ip link del $IF_PEER 2>/dev/null; ip link del $IF_IN 2>/dev/null; true"
}

expect_field linux.netDevices linux.netDevices.name
test_expect_success ROOT 'a host interface moves in under its new name and is up' '
	veth_new &&
	bundle_new --arg i "$IF_IN" "ns_add(\"network\") | .linux.netDevices = {(\$i): {name: \"conform0\"}}
		| .process.args = [\"/bin/cat\", \"/sys/class/net/conform0/flags\"]" &&
	probe_report &&
	flags=$(<"$REPORT") &&
	{ [ -n "$flags" ] && [ $(( flags & 1 )) = 1 ] || why "conform0 flags \"$flags\": not present or not up"; } &&
	{ ! ip link show "$IF_IN" >/dev/null 2>&1 || why "$IF_IN is still in the host namespace"; }
'

expect_field linux.netDevices
test_expect_success ROOT 'without name the interface keeps its name' '
	veth_new &&
	bundle_new --arg i "$IF_IN" "ns_add(\"network\") | .linux.netDevices = {(\$i): {}}
		| .process.args = [\"/bin/cat\", \"/sys/class/net/\(\$i)/flags\"]" &&
	probe_report &&
	{ [ -n "$(<"$REPORT")" ] || why "$IF_IN is not in the container"; }
'

expect_field linux.netDevices
test_expect_success ROOT 'an interface that does not exist is an error (MUST)' '
	bundle_new "ns_add(\"network\") | .linux.netDevices = {\"cfnosuch0\": {}}" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'
test_done
