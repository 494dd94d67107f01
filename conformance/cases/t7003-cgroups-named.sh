#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='named v1 hierarchies without controllers (name=systemd): the container gets its cgroup there too, as runc does, and delete removes it'
# shellcheck source=../lib.sh
. ../lib.sh

# systemd_mount_: SD_MNT = the mount point of the name=systemd hierarchy;
# skip when this host has none (the runtimes join only that named one).
systemd_mount_() {
	local line f
	SD_MNT=''
	while IFS= read -r line; do
		case ${line#* - } in
		cgroup\ *name=systemd*)
			read -r -a f <<<"$line"
			SD_MNT=${f[4]}
			return 0 ;;
		esac
	done </proc/self/mountinfo
	skip_test "this host has no name=systemd cgroup hierarchy"
}

# line_of PID PATTERN: the cgroup path of PID in the hierarchy whose
# controllers field matches PATTERN.
line_of() {
	local hid ctrls rel
	while IFS=: read -r hid ctrls rel; do
		# shellcheck disable=SC2053 # a pattern on purpose
		[[ $ctrls == $2 ]] && { printf '%s\n' "$rel"; return 0; }
	done <"/proc/$1/cgroup"
	return 1
}

test_expect_success ROOT,CGROUP 'the container joins the name=systemd hierarchy, at the path of its other cgroups' '
	test_when_finished cleanup_ct &&
	systemd_mount_ &&
	bundle_new --arg p "/conform-$TEST_MARK" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	require_cgroup memory &&
	ct_create &&
	pid=$(state_pid) &&
	sd=$(line_of "$pid" "name=systemd") && mem=$(line_of "$pid" "*memory*") &&
	{ [ "$sd" = "/conform-$TEST_MARK" ] ||
		why "name=systemd:$sd (memory:$mem): the container stayed in the caller'"'"'s systemd cgroup"; }
'

test_expect_success ROOT,CGROUP 'delete removes the container'"'"'s name=systemd cgroup' '
	systemd_mount_ &&
	bundle_new --arg p "/conform-$TEST_MARK" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	require_cgroup memory &&
	start_bg &&
	rt delete --force "$CID" &&
	{ [ ! -d "$SD_MNT/conform-$TEST_MARK" ] || why "$SD_MNT/conform-$TEST_MARK is still there"; }
'
test_done
