#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.devices and the default devices (config-linux.md#devices, #default-devices)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_field linux.devices
test_expect_success 'the default devices exist with their numbers' '
	bundle_new "probe([\"report\", \"--path\", \"/dev/null\", \"--path\", \"/dev/zero\", \"--path\", \"/dev/full\",
		\"--path\", \"/dev/random\", \"--path\", \"/dev/urandom\", \"--path\", \"/dev/tty\", \"--path\", \"/dev/ptmx\"])" &&
	probe_report &&
	report_eq "[.paths[\"/dev/null\", \"/dev/zero\", \"/dev/full\", \"/dev/random\", \"/dev/urandom\", \"/dev/tty\"]
		| [.type, .rdev_major, .rdev_minor]]" \
		"[[\"chardev\",1,3],[\"chardev\",1,5],[\"chardev\",1,7],[\"chardev\",1,8],[\"chardev\",1,9],[\"chardev\",5,0]]" \
		".paths[\"/dev/ptmx\"].exists" true
'

expect_field linux.devices.path linux.devices.type linux.devices.major linux.devices.minor linux.devices.fileMode linux.devices.uid linux.devices.gid
# Invented device numbers need mknod: unprivileged runtimes can only bind
# the host's nodes (config-linux.md leaves the mechanism to the runtime).
test_expect_success ROOT 'a character device is created with type, numbers, mode and owner' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-c\", type: \"c\", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0}]
		| probe([\"report\", \"--path\", \"/dev/conform-c\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/conform-c\"] | [.type, .rdev_major, .rdev_minor]" "[\"chardev\",1,3]" &&
	if [ "$RT_UNPRIV" = 0 ]; then report_eq ".paths[\"/dev/conform-c\"].mode" 432; fi
'

expect_field linux.devices.uid linux.devices.gid
test_expect_success ROOT 'a device node gets the configured owner' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-o\", type: \"c\", major: 1, minor: 5, uid: 1000, gid: 20}]
		| .process.args = [\"/bin/stat\", \"-c\", \"%u:%g\", \"/dev/conform-o\"]" &&
	probe_report &&
	{ test "$(<"$REPORT")" = 1000:20 || why "/dev/conform-o is owned by $(<"$REPORT")"; }
'

expect_field linux.devices.type=b
test_expect_success ROOT 'a block device is created' '
	dev=$(cat /sys/block/$(ls /sys/block | head -n1)/dev) &&
	bundle_new --argjson ma "${dev%:*}" --argjson mi "${dev#*:}" \
		".linux.devices = [{path: \"/dev/conform-b\", type: \"b\", major: \$ma, minor: \$mi}]
		| .process.args = [\"/bin/stat\", \"-c\", \"%F %t:%T\", \"/dev/conform-b\"]" &&
	probe_report &&
	want=$(printf "block special file %x:%x" "${dev%:*}" "${dev#*:}") &&
	{ test "$(<"$REPORT")" = "$want" || why "/dev/conform-b: $(<"$REPORT"), want $want"; }
'

expect_field linux.devices.type=p
test_expect_success 'a FIFO device (type p) is created' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-p\", type: \"p\"}]
		| .process.args = [\"/bin/stat\", \"-c\", \"%F\", \"/dev/conform-p\"]" &&
	probe_report &&
	{ test "$(<"$REPORT")" = fifo || why "/dev/conform-p is a $(<"$REPORT")"; }
'

expect_field linux.devices.type=u
# Invented device numbers need mknod: unprivileged runtimes can only bind
# the host's nodes (config-linux.md leaves the mechanism to the runtime).
test_expect_success ROOT 'an unbuffered character device (type u) is created' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-u\", type: \"u\", major: 1, minor: 3}]
		| probe([\"report\", \"--path\", \"/dev/conform-u\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/conform-u\"] | [.type, .rdev_major, .rdev_minor]" "[\"chardev\",1,3]"
'

expect_field linux.devices.path
# Invented device numbers need mknod: unprivileged runtimes can only bind
# the host's nodes (config-linux.md leaves the mechanism to the runtime).
test_expect_success ROOT 'a device in a new subdirectory of /dev' '
	bundle_new ".linux.devices = [{path: \"/dev/sub/dir/conform\", type: \"c\", major: 1, minor: 3}]
		| probe([\"report\", \"--path\", \"/dev/sub/dir/conform\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/sub/dir/conform\"].type" "\"chardev\""
'

expect_field linux.devices.path
test_expect_success 'a file at the device path that does not match is an error (MUST)' '
	bundle_new ".root.readonly = false | .linux.devices = [{path: \"/conform-dev\", type: \"c\", major: 1, minor: 3}]" &&
	echo not-a-device >"$BUNDLE/rootfs/conform-dev" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded over a regular file"; } &&
	nothing_left
'
test_done
