#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='mounts into /proc that runtimes allow: the files lxcfs emulates, a procfs bind at /proc (runc checkProcMount)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field mounts.destination
test_expect_success 'a bind over /proc/meminfo (as lxcfs does) is allowed' '
	printf "MemTotal: 1234 kB\n" >meminfo &&
	bundle_new "mount_add({destination: \"/proc/meminfo\", type: \"bind\", source: (\$dir + \"/meminfo\"), options: [\"bind\", \"ro\"]})
		| probe([\"cat\", \"/proc/meminfo\"])" &&
	probe_report &&
	{ [ "$(<"$REPORT")" = "MemTotal: 1234 kB" ] || why "/proc/meminfo reads: $(head -c 100 "$REPORT")"; }
'

expect_field mounts.destination
# unprivileged runtimes bind the host's /proc already when they may not mount one
test_expect_success ROOT 'a bind of a procfs at /proc is allowed' '
	bundle_new "mount_del(\"/proc\") | .mounts = [{destination: \"/proc\", type: \"bind\", source: \"/proc\", options: [\"rbind\"]}] + .mounts
		| probe([\"report\", \"--path\", \"/proc/self/status\"])" &&
	probe_report &&
	report_eq ".paths[\"/proc/self/status\"].exists" true
'
test_done
