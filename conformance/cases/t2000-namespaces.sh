#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.namespaces: new, inherited and joined namespaces (config-linux.md#namespaces)'
# shellcheck source=../lib.sh
. ../lib.sh

# probe report key and /proc/self/ns name for each spec namespace type
declare -A key=([pid]=pid [network]=net [mount]=mnt [ipc]=ipc [uts]=uts [cgroup]=cgroup [user]=user [time]=time)

for t in pid network mount ipc uts cgroup; do
	k=${key[$t]}
	expect_field "linux.namespaces.type=$t"
	expect_req lifecycle.create-env create.apply-all
	test_expect_success "a listed $t namespace is new" '
		bundle_new --arg t "$t" "ns_add(\$t)" &&
		probe_report &&
		host=$(host_ns "$k") &&
		report_expect ".namespaces.$k != $host" "namespaces.$k is the host namespace ($host)"
	'
done

expect_field linux.namespaces.type=pid
test_expect_success 'the process is pid 1 of a new pid namespace' '
	bundle_new "ns_add(\"pid\")" &&
	probe_report &&
	report_eq .pid 1
'

# Not listed: inherited from the runtime. Without a user namespace of its
# own the container can only keep the host pid namespace as root.
for t in pid network ipc uts cgroup; do
	k=${key[$t]}
	prereq=''
	[ "$t" != pid ] || prereq=ROOT
	expect_field linux.namespaces
	test_expect_success $prereq "an unlisted $t namespace is the runtime's" '
		bundle_new --arg t "$t" "ns_del(\$t) | if \$t == \"uts\" then del(.hostname, .domainname) else . end
			| if \$t == \"ipc\" and has_ns(\"user\") then mount_del(\"/dev/mqueue\") else . end" &&
		probe_report &&
		report_eq ".namespaces.$k" "$(host_ns "$k")"
	'
done

expect_field linux.namespaces
test_expect_success ROOT 'an unlisted user namespace is the runtime'"'"'s' '
	bundle_new "ns_del(\"user\") | del(.linux.uidMappings, .linux.gidMappings)" &&
	probe_report &&
	report_eq .namespaces.user "$(host_ns user)"
'

# Join the namespaces of a running container by path.
for t in network ipc uts pid cgroup; do
	k=${key[$t]}
	expect_field linux.namespaces.path "linux.namespaces.type=$t"
	test_expect_success ROOT "joining a $t namespace by path" '
		test_when_finished cleanup_ct "$CID-a" &&
		bundle_new -n a --arg t "$t" "ns_add(\$t) | probe([\"sleep\", \"30\"])" &&
		start_bg "$CID-a" &&
		apid=$(state_pid "$CID-a") &&
		want=$(stat -L -c %i "/proc/$apid/ns/$k") &&
		bundle_new -n b --arg t "$t" --arg p "/proc/$apid/ns/$k" "ns_path(\$t; \$p)
			| if \$t == \"uts\" then del(.hostname, .domainname) else . end" &&
		probe_report "$CID-b" &&
		report_eq ".namespaces.$k" "$want"
	'
done

expect_field linux.namespaces.path
test_expect_success UNPRIV 'joining the user and network namespaces of a container by path' '
	test_when_finished cleanup_ct "$CID-a" &&
	bundle_new -n a "ns_add(\"network\") | probe([\"sleep\", \"30\"])" &&
	start_bg "$CID-a" &&
	apid=$(state_pid "$CID-a") &&
	want=$(stat -L -c %i /proc/$apid/ns/net) &&
	bundle_new -n b --arg p "/proc/$apid/ns" "ns_path(\"user\"; \$p + \"/user\") | ns_path(\"network\"; \$p + \"/net\")
		| del(.linux.uidMappings, .linux.gidMappings)" &&
	probe_report "$CID-b" &&
	report_eq .namespaces.net "$want"
'

expect_field linux.namespaces.path
expect_req lifecycle.create-error errors.no-effect
test_expect_success 'a path that is not a namespace of that type is an error' '
	bundle_new --arg p "/proc/$$/ns/uts" "ns_path(\"network\"; \$p)" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded joining a uts namespace as network"; } &&
	nothing_left
'

expect_field linux.namespaces.path
test_expect_success 'a namespace path that does not exist is an error' '
	bundle_new --arg p "$TEST_DIR/no-such-ns" "ns_path(\"ipc\"; \$p)" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	nothing_left
'

expect_field linux.namespaces.type=time
test_expect_success TIMENS 'a listed time namespace is new' '
	bundle_new "ns_add(\"time\")" &&
	probe_report &&
	host=$(host_ns time) &&
	report_expect ".namespaces.time != $host" "namespaces.time is the host namespace"
'

expect_field linux.timeOffsets linux.namespaces.type=time linux.timeOffsets.monotonic.secs linux.timeOffsets.monotonic.nanosecs linux.timeOffsets.boottime.secs linux.timeOffsets.boottime.nanosecs
test_expect_success TIMENS 'timeOffsets set the clock offsets of the time namespace' '
	bundle_new "ns_add(\"time\") | .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 5}, boottime: {secs: 172800, nanosecs: 7}}
		| probe([\"cat\", \"/proc/self/timens_offsets\"])" &&
	probe_report &&
	got=$(tr -s " \n" " " <"$REPORT") &&
	{ test "$got" = "monotonic 86400 5 boottime 172800 7 " || why "timens_offsets: $got"; }
'

expect_field linux.uidMappings.containerID linux.uidMappings.hostID linux.uidMappings.size linux.gidMappings.containerID linux.gidMappings.hostID linux.gidMappings.size linux.namespaces.type=user
expect_req lifecycle.create-env create.apply-all
test_expect_success ROOT 'a new user namespace gets uidMappings and gidMappings' '
	bundle_new "ns_add(\"user\") | .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 300000, size: 65536}]
		| .process.args = [\"/bin/cat\", \"/proc/self/uid_map\", \"/proc/self/gid_map\"]" &&
	probe_report &&
	got=$(tr -s " \n" " " <"$REPORT") &&
	{ test "$got" = " 0 200000 65536 0 300000 65536 " || why "uid_map, gid_map: $got"; }
'

expect_field linux.uidMappings linux.gidMappings linux.namespaces.type=user
test_expect_success UNPRIV 'the user namespace maps the caller to uid 0 and gid 0' '
	bundle_new ".process.args = [\"/bin/cat\", \"/proc/self/uid_map\", \"/proc/self/gid_map\"]" &&
	probe_report &&
	got=$(tr -s " \n" " " <"$REPORT") &&
	{ test "$got" = " 0 $RT_UID 1 0 $RT_GID 1 " || why "uid_map, gid_map: $got"; }
'
test_done
