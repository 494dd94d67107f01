#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.devices[].fileMode with the file type bits, as podman sends it (config-linux.md#devices)'
# shellcheck source=../lib.sh
. ../lib.sh

# podman fills fileMode from stat's st_mode: 8630 = 0o20666, a character
# device with mode 0666. runc uses the permission bits. /dev/zero (1:5) is
# one the host has, so an unprivileged runtime can bind it.
expect_field linux.devices.fileMode
test_expect_success 'fileMode 8630 (S_IFCHR | 0666, as podman sends it) gives a 0666 character device' '
	bundle_new ".linux.devices = [{path: \"/dev/zero\", type: \"c\", major: 1, minor: 5, fileMode: 8630, uid: 0, gid: 0}]
		| probe([\"report\", \"--path\", \"/dev/zero\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/zero\"] | [.type, .rdev_major, .rdev_minor, .mode]" "[\"chardev\",1,5,438]"
'

expect_field linux.devices.fileMode
test_expect_success ROOT 'fileMode 8612 (S_IFCHR | 0644) sets the permission bits of a new node' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-m\", type: \"c\", major: 1, minor: 3, fileMode: 8612, uid: 0, gid: 0}]
		| probe([\"report\", \"--path\", \"/dev/conform-m\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/conform-m\"] | [.type, .mode]" "[\"chardev\",420]"
'

expect_field linux.devices.type linux.devices.fileMode
test_expect_success 'fileMode type bits that contradict the device type do not change the type (or the run fails)' '
	bundle_new --novalidate ".linux.devices = [{path: \"/dev/zero\", type: \"c\", major: 1, minor: 5, fileMode: 25014}]
		| probe([\"report\", \"--path\", \"/dev/zero\"])" &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		report_eq ".paths[\"/dev/zero\"].type" "\"chardev\"" ||
			why "fileMode 0o60666 (block-device bits) made /dev/zero a $(jq -r ".paths[\"/dev/zero\"].type" "$REPORT") although type is c"
	else
		no_crash && nothing_left
	fi
'
test_done
