#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: maskedPaths mask files with the real null device, whatever the image has at /dev/null (CVE-2025-31133)'
# shellcheck source=../lib.sh
. ../lib.sh

# No /dev mount: the runtime then uses the image's own /dev, where a hostile
# image puts its /dev/null. The default maskedPaths and readonlyPaths (with
# /proc/sys read-only) stay. The sysctl the symlink names is a read-only one
# (kernel.osrelease, mode 0444 even for root): a vulnerable runtime must not be
# able to write a host sysctl during the test (runc 1.1.5, for one, reopens
# the container's stdio on its "/dev/null" and would write the process's
# output into a writable one; it also opens its "/dev/null" for writing before
# it masks, so here it fails on the read-only sysctl, naming /dev/null).
NO_DEV='.mounts |= map(select(.destination | startswith("/dev") | not))'

# The probe writes its report to the shared directory, and the container is
# created (not run) with the host's /dev/null as its stdio: a runtime that
# reopens the container's stdio on the container's /dev/null when they look
# alike (runc 1.1.5 compares st_rdev, and pipes from "run" match a procfs
# file) then leaves them alone and goes on to the masks, which are tested.
REPORT_TO_SHARED='shared | .process.args = ["/bin/sh", "-c", "/probe report " + $args + " >/shared/report.json"]'

# run_masked_: create and start $BUNDLE. Create fails: that must be a refusal
# naming /dev/null (runc 1.2.8 and later: "container's /dev/null is
# invalid"), checked with a second create whose stderr is kept; return 2.
# It runs: return 0 with the probe's report in $REPORT.
run_masked_() {
	if rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>/dev/null; then
		{ rt start "$CID" && wait_for_status "$CID" stopped && rt delete "$CID"; } ||
			{ why "start failed"; return 1; }
		cp shared/report.json "$REPORT" 2>/dev/null || { why "the probe wrote no report"; return 1; }
		return 0
	fi
	no_crash || return 1
	nothing_left || return 1
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>create.err
	grep -q null create.err || { why "create failed without naming /dev/null: $(first_line_ create.err)"; return 1; }
	nothing_left || return 1
	return 2
}

expect_field linux.maskedPaths linux.readonlyPaths
test_expect_success '[CVE-2025-31133] maskedPaths: an image /dev/null symlinked to a /proc/sys file does not make a masked file a view of that sysctl' '
	bundle_new --arg args "" "$NO_DEV | $REPORT_TO_SHARED" &&
	rm -f "$BUNDLE/rootfs/dev/null" &&
	ln -s /proc/sys/kernel/osrelease "$BUNDLE/rootfs/dev/null" &&
	{ run_masked_; rc=$?; [ "$rc" != 1 ]; } &&
	if [ "$rc" = 0 ]; then
		report_expect "[.mounts[] | select(.target == \"/proc/keys\")] | length > 0" \
			"/proc/keys is not masked" &&
		report_expect "[.mounts[] | select(.target == \"/proc/keys\" and .fstype == \"proc\")] | length == 0" \
			"/proc/keys is masked by a bind of a procfs file (the sysctl the image /dev/null points to)"
	fi
'

expect_field linux.maskedPaths
test_expect_success '[CVE-2025-31133] maskedPaths: an image /dev/null that is a regular file is not bound over masked files' '
	bundle_new --arg args "--path /proc/keys --path /proc/timer_list" "$NO_DEV | $REPORT_TO_SHARED" &&
	rm -f "$BUNDLE/rootfs/dev/null" &&
	echo "not the null device" >"$BUNDLE/rootfs/dev/null" && chmod 666 "$BUNDLE/rootfs/dev/null" &&
	{ run_masked_; rc=$?; [ "$rc" != 1 ]; } &&
	if [ "$rc" = 0 ]; then
		report_eq ".paths[\"/proc/keys\", \"/proc/timer_list\"] | [.type, .rdev_major, .rdev_minor]" \
			"[\"chardev\",1,3]" || why "masked files are not the null device: $(jq -c ".paths" "$REPORT")"
	fi
'

expect_field linux.maskedPaths
test_expect_success '[CVE-2025-31133] maskedPaths: a file mask is the null device (char 1:3) with a normal /dev' '
	bundle_new "probe([\"report\", \"--path\", \"/proc/keys\"])" &&
	probe_report &&
	report_eq ".paths[\"/proc/keys\"] | [.type, .rdev_major, .rdev_minor]" "[\"chardev\",1,3]"
'
test_done
