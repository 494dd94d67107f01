#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='exec joins every namespace of the container (time included); a cgroup namespace is rooted at the container'"'"'s cgroup'
# shellcheck source=../lib.sh
. ../lib.sh

# ns_of PID TYPE: inode of PID's namespace TYPE, seen from the host.
ns_of() { stat -L -c %i "/proc/$1/ns/$2"; }

expect_field linux.namespaces.type=time linux.timeOffsets
test_expect_success TIMENS 'exec joins the container'"'"'s time namespace' '
	test_when_finished cleanup_ct &&
	bundle_new "ns_add(\"time\") | .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}} | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	rt exec "$CID" /probe report >"$REPORT" 2>exec.err &&
	report_eq .namespaces.time "$(ns_of "$pid" time)"
'

expect_field linux.namespaces linux.namespaces.type=cgroup
test_expect_success 'exec joins every namespace the init has' '
	test_when_finished cleanup_ct &&
	time=false &&
	decl_lookup_ linux.namespaces.type=time &&
	if [ "$DECL_V" = supported ] && [ -e /proc/self/ns/time ]; then time=true; fi &&
	bundle_new "ns_add(\"cgroup\") | if $time then ns_add(\"time\") else . end | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	rt exec "$CID" /probe report >"$REPORT" 2>exec.err &&
	for t in cgroup ipc mnt net pid time user uts; do
		[ -e "/proc/$pid/ns/$t" ] || continue
		report_eq ".namespaces.$t" "$(ns_of "$pid" "$t")" || return 1
	done
'

expect_field linux.namespaces.type=cgroup
test_expect_success 'a new cgroup namespace: /proc/self/cgroup shows / for every hierarchy' '
	bundle_new "ns_add(\"cgroup\")" &&
	probe_report &&
	report_expect "[.cgroup[] | select(endswith(\":/\") | not)] == []" "every /proc/self/cgroup line ends with :/"
'

expect_field linux.namespaces.type=cgroup
test_expect_success 'a new cgroup namespace: an exec process sees / for every hierarchy too' '
	test_when_finished cleanup_ct &&
	bundle_new "ns_add(\"cgroup\") | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	rt exec "$CID" /probe report >"$REPORT" 2>exec.err &&
	report_expect "[.cgroup[] | select(endswith(\":/\") | not)] == []" "every /proc/self/cgroup line ends with :/"
'
test_done
