#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='recursive (AT_RECURSIVE) mount options on an rbind with a submount (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# rcase OPTION HOSTFLAGS JQCOND: $TEST_DIR/src holds a tmpfs submount "sub"
# mounted on the host with HOSTFLAGS; it is rbind-mounted at /mnt/r with
# OPTION; JQCOND must hold for the submount /mnt/r/sub.
rcase() {
	local o=$1 hostflags=$2 cond=$3
	expect_field "mounts.options=$o"
	test_expect_success "recursive mount option $o (SHOULD)" '
		mkdir -p src/sub &&
		mount -t tmpfs -o "$hostflags" tmpfs src/sub && test_when_finished "umount -l $TEST_DIR/src/sub" &&
		if [ "$o" = rrw ]; then mount -o remount,bind,ro src/sub; fi &&
		bundle_new --arg s "$TEST_DIR/src" --arg o "$o" "mount_add({destination: \"/mnt/r\", type: \"bind\", source: \$s,
			options: [\"rbind\", \$o]})" &&
		probe_report &&
		report_expect "def opt(o): (.options | split(\",\") | index(o)) != null;
			[.mounts[] | select(.target == \"/mnt/r/sub\")] | if length == 0 then false else last | $cond end" \
			"submount /mnt/r/sub with $o: expected $cond"
	'
}

rcase rro rw 'opt("ro")'
rcase rrw rw 'opt("rw")'
rcase rnosuid rw 'opt("nosuid")'
rcase rsuid nosuid '(opt("nosuid")) | not'
rcase rnodev rw 'opt("nodev")'
rcase rdev nodev '(opt("nodev")) | not'
rcase rnoexec rw 'opt("noexec")'
rcase rexec noexec '(opt("noexec")) | not'
rcase rnoatime rw 'opt("noatime")'
rcase ratime noatime '(opt("noatime")) | not'
rcase rrelatime noatime 'opt("relatime")'
rcase rnorelatime rw '(opt("noatime")) | not'
rcase rstrictatime rw '(opt("relatime") or opt("noatime")) | not'
rcase rnostrictatime strictatime 'opt("relatime")'
rcase rnodiratime rw 'opt("nodiratime")'
rcase rdiratime nodiratime '(opt("nodiratime")) | not'
rcase rnosymfollow rw 'opt("nosymfollow")'
rcase rsymfollow nosymfollow '(opt("nosymfollow")) | not'
test_done
