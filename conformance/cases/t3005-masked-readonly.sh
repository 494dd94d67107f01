#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.maskedPaths and linux.readonlyPaths (config-linux.md#masked-paths, #readonly-paths)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field linux.maskedPaths
test_expect_success 'a masked file reads empty' '
	bundle_new ".linux.maskedPaths = [\"/etc/passwd\"] | probe([\"report\", \"--path\", \"/etc/passwd\"])" &&
	probe_report &&
	report_eq ".paths[\"/etc/passwd\"].empty" true
'

expect_field linux.maskedPaths
test_expect_success 'a masked directory is empty' '
	bundle_new ".linux.maskedPaths = [\"/secret\"] | probe([\"report\", \"--path\", \"/secret\"])" &&
	mkdir "$BUNDLE/rootfs/secret" && echo s >"$BUNDLE/rootfs/secret/f" &&
	probe_report &&
	report_eq ".paths[\"/secret\"].empty" true
'

expect_field linux.maskedPaths
test_expect_success 'masking works on /proc files (/proc/keys, /proc/timer_list)' '
	bundle_new ".linux.maskedPaths = [\"/proc/keys\", \"/proc/timer_list\"]
		| probe([\"report\", \"--path\", \"/proc/keys\", \"--path\", \"/proc/timer_list\"])" &&
	probe_report &&
	report_eq ".paths[\"/proc/keys\"].empty" true ".paths[\"/proc/timer_list\"].empty" true
'

expect_field linux.maskedPaths
test_expect_success 'a masked path that does not exist is not an error' '
	bundle_new ".linux.maskedPaths = [\"/no/such/path\"]" &&
	probe_report
'

expect_field linux.readonlyPaths
test_expect_success 'a read-only path is not writable, the rest is' '
	bundle_new "writable | .linux.readonlyPaths = [\"/data\"]
		| probe([\"report\", \"--path\", \"/data\", \"--path\", \"/tmp\"])" &&
	mkdir "$BUNDLE/rootfs/data" &&
	probe_report &&
	report_eq ".paths[\"/data\"].writable" false ".paths[\"/tmp\"].writable" true
'

expect_field linux.readonlyPaths
test_expect_success 'a read-only /proc/sys is mounted ro' '
	bundle_new ".linux.readonlyPaths = [\"/proc/sys\"]" &&
	probe_report &&
	report_expect "[.mounts[] | select(.target == \"/proc/sys\")] | last | .options | split(\",\") | index(\"ro\") != null" \
		"/proc/sys is not a read-only mount"
'

expect_field linux.readonlyPaths
test_expect_success 'a read-only path that does not exist is not an error' '
	bundle_new ".linux.readonlyPaths = [\"/no/such/path\"]" &&
	probe_report
'
test_done
