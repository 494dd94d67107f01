#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: mounts cannot cover procfs files or carry proc elsewhere (CVE-2019-16884, CVE-2023-27561)'
# shellcheck source=../lib.sh
. ../lib.sh

# refused_or_ JQBOOL WHY [WORD]: the run failed with an error that names WORD
# (default proc), with no crash and nothing left, or it succeeded and the
# probe report satisfies JQBOOL.
refused_or_() {
	if [ "$rc" != 0 ]; then
		no_crash "$rc" && nothing_left &&
		{ grep -q "${3:-proc}" run.err || why "run failed without naming ${3:-proc}: $(first_line_ run.err)"; }
		return
	fi
	report_expect "$1" "$2"
}

# A tmpfs the tests can recognise in mountinfo by its size.
MARKED_TMPFS='{type: "tmpfs", source: "tmpfs", options: ["size=12k"]}'
NO_MARKED_UNDER_PROC='[.mounts[] | select((.target | startswith("/proc")) and ((.super_options // "") | contains("size=12k")))] | length == 0'

expect_field mounts.destination
test_expect_success '[CVE-2019-16884] a mount over /proc/self/attr is refused (LSM labels are written there)' '
	bundle_new "mount_add($MARKED_TMPFS + {destination: \"/proc/self/attr\"})" &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ "$NO_MARKED_UNDER_PROC" "a tmpfs covers a procfs directory"
'

expect_field mounts.destination
test_expect_success '[CVE-2019-16884] a mount over /proc/sys/kernel is refused' '
	bundle_new "mount_add($MARKED_TMPFS + {destination: \"/proc/sys/kernel\"})" &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ "$NO_MARKED_UNDER_PROC" "a tmpfs covers /proc/sys/kernel"
'

expect_field mounts.destination
test_expect_success '[CVE-2019-16884] a volume whose destination is an image symlink into /proc does not land in procfs' '
	mkdir volsrc && echo conform >volsrc/marker &&
	bundle_new "mount_add({destination: \"/vol\", type: \"bind\", source: (\$dir + \"/volsrc\"), options: [\"rbind\"]})" &&
	ln -s /proc/self/attr "$BUNDLE/rootfs/vol" &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ "[.mounts[] | select((.target | startswith(\"/proc\")) and (.root | endswith(\"/volsrc\")))] | length == 0" \
		"the volume was mounted inside procfs (through the image symlink /vol -> /proc/self/attr)"
'

expect_field mounts.type
test_expect_success '[CVE-2019-16884] only proc can be mounted at /proc' '
	bundle_new "writable | mount_del(\"/proc\") | .mounts = [$MARKED_TMPFS + {destination: \"/proc\"}] + .mounts" &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ ".mounts != null and ([.mounts[] | select(.target == \"/proc\" and .fstype != \"proc\")] | length == 0)" \
		"/proc is not a procfs (a tmpfs was mounted there)"
'

expect_field mounts
test_expect_success '[CVE-2023-27561] an image /proc that is a symlink does not carry proc elsewhere' '
	bundle_new &&
	rmdir "$BUNDLE/rootfs/proc" && mkdir "$BUNDLE/rootfs/fakeproc" &&
	ln -s fakeproc "$BUNDLE/rootfs/proc" &&
	{ [ "$RT_UNPRIV" = 0 ] || chown -h "$RT_UID:$RT_GID" "$BUNDLE/rootfs/proc" "$BUNDLE/rootfs/fakeproc"; } &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ "[.mounts[] | select(.fstype == \"proc\" and (.target | startswith(\"/proc\") | not))] | length == 0" \
		"proc was mounted outside /proc (at the target of the image symlink /proc)"
'

expect_field mounts
test_expect_success '[CVE-2023-27561] an image /sys that is a symlink does not carry sysfs (or the bind of it) elsewhere' '
	bundle_new &&
	rm -rf "$BUNDLE/rootfs/sys" && mkdir "$BUNDLE/rootfs/fakesys" &&
	ln -s fakesys "$BUNDLE/rootfs/sys" &&
	{ [ "$RT_UNPRIV" = 0 ] || chown -h "$RT_UID:$RT_GID" "$BUNDLE/rootfs/sys" "$BUNDLE/rootfs/fakesys"; } &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	refused_or_ "[.mounts[] | select(.fstype == \"sysfs\" and (.target | startswith(\"/sys\") | not))] | length == 0" \
		"sysfs was mounted outside /sys (at the target of the image symlink /sys; unprivileged: a bind of the host /sys)" sys
'
test_done
