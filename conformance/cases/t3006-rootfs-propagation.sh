#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='linux.rootfsPropagation and linux.mountLabel (config-linux.md)'
# shellcheck source=../lib.sh
. ../lib.sh

# The root mount's propagation as the container sees it.
for p in shared slave private unbindable; do
	case $p in
	shared) cond='contains("shared:")' ;;
	slave) cond='contains("master:") and (contains("shared:") | not)' ;;
	private) cond='. == ""' ;;
	unbindable) cond='contains("unbindable")' ;;
	esac
	expect_field "linux.rootfsPropagation"
	test_expect_success "rootfsPropagation $p" '
		if [ "$p" = slave ]; then
			mount --bind "$TEST_DIR" "$TEST_DIR" && mount --make-shared "$TEST_DIR" &&
			test_when_finished "umount -l \"$TEST_DIR\""
		fi &&
		bundle_new --arg p "$p" ".linux.rootfsPropagation = \$p" &&
		probe_report &&
		report_expect "[.mounts[] | select(.target == \"/\")] | last | .propagation | $cond" \
			"the root mount propagation is not $p ($cond)"
	'
done

expect_field linux.mountLabel
test_expect_success SELINUX 'mountLabel labels the mounts' '
	bundle_new ".linux.mountLabel = \"system_u:object_r:container_file_t:s0:c1,c2\"
		| mount_add({destination: \"/mnt/t\", type: \"tmpfs\", source: \"tmpfs\"})" &&
	probe_report &&
	report_expect "[.mounts[] | select(.target == \"/mnt/t\")] | last | .super_options | contains(\"context=\")" \
		"/mnt/t has no SELinux context"
'
test_done
