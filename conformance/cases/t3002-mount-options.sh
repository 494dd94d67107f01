#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='Linux mount options on a tmpfs mount (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# option_case OPTION "OPTIONS JSON" JQCOND [LEVEL]: mount a tmpfs at /mnt/o
# with OPTIONS; JQCOND holds for that mount (opt(o): per-mount option,
# sopt(o): superblock option). LEVEL is the spec's requirement level.
option_case() {
	local o=$1 opts=$2 cond=$3 level=${4:-MUST}
	expect_field "mounts.options=$o"
	test_expect_success "mount option $o ($level)" '
		bundle_new --argjson o "$opts" "mount_add({destination: \"/mnt/o\", type: \"tmpfs\", source: \"tmpfs\", options: \$o})" &&
		probe_report &&
		report_expect "def opt(o): (.options | split(\",\") | index(o)) != null;
			def sopt(o): (.super_options | split(\",\") | index(o)) != null;
			[.mounts[] | select(.target == \"/mnt/o\")] | if length == 0 then false else last | $cond end" \
			"mount at /mnt/o with $opts: expected $cond"
	'
}

option_case ro '["ro"]' 'opt("ro")'
option_case rw '["ro", "rw"]' 'opt("rw")'
option_case nosuid '["nosuid"]' 'opt("nosuid")'
option_case suid '["nosuid", "suid"]' 'opt("nosuid") | not'
option_case nodev '["nodev"]' 'opt("nodev")'
option_case dev '["nodev", "dev"]' 'opt("nodev") | not'
option_case noexec '["noexec"]' 'opt("noexec")'
option_case exec '["noexec", "exec"]' 'opt("noexec") | not'
option_case noatime '["noatime"]' 'opt("noatime")'
option_case atime '["noatime", "atime"]' 'opt("noatime") | not'
option_case nodiratime '["nodiratime"]' 'opt("nodiratime")'
option_case diratime '["nodiratime", "diratime"]' 'opt("nodiratime") | not'
option_case relatime '["relatime"]' 'opt("relatime")'
option_case norelatime '["norelatime"]' 'opt("noatime") | not'
option_case strictatime '["strictatime"]' '(opt("relatime") or opt("noatime")) | not'
option_case nostrictatime '["strictatime", "nostrictatime"]' 'opt("relatime")'
option_case sync '["sync"]' 'sopt("sync")'
option_case async '["sync", "async"]' 'sopt("sync") | not'
option_case dirsync '["dirsync"]' 'sopt("dirsync")'
option_case lazytime '["lazytime"]' 'sopt("lazytime")'
option_case nolazytime '["lazytime", "nolazytime"]' 'sopt("lazytime") | not'
option_case iversion '["iversion"]' '.fstype == "tmpfs"'
option_case noiversion '["noiversion"]' '.fstype == "tmpfs"'
option_case nosymfollow '["nosymfollow"]' 'opt("nosymfollow")' SHOULD
option_case symfollow '["nosymfollow", "symfollow"]' 'opt("nosymfollow") | not' SHOULD
option_case mand '["mand"]' 'sopt("mand")' MAY
option_case nomand '["mand", "nomand"]' 'sopt("mand") | not' MAY
option_case silent '["silent"]' '.fstype == "tmpfs"'
option_case loud '["loud"]' '.fstype == "tmpfs"'
option_case defaults '["ro", "nosuid", "defaults"]' 'opt("rw") and (opt("nosuid") | not)'

expect_field mounts.options
test_expect_success 'unknown options are passed to the filesystem as data (SHOULD)' '
	bundle_new "mount_add({destination: \"/mnt/o\", type: \"tmpfs\", source: \"tmpfs\", options: [\"size=2m\", \"nr_inodes=77\"]})" &&
	probe_report &&
	report_expect "[.mounts[] | select(.target == \"/mnt/o\")] | last | .super_options | (contains(\"size=2048k\") and contains(\"nr_inodes=77\"))" \
		"size and nr_inodes did not reach the tmpfs"
'

expect_field mounts.options=remount
test_expect_success 'mount option remount (MUST): a second entry remounts read-only' '
	bundle_new "mount_add({destination: \"/mnt/o\", type: \"tmpfs\", source: \"tmpfs\"})
		| mount_add({destination: \"/mnt/o\", type: \"tmpfs\", source: \"tmpfs\", options: [\"remount\", \"ro\"]})" &&
	probe_report &&
	report_expect "[.mounts[] | select(.target == \"/mnt/o\")] | length == 1 and (.[0].options | split(\",\") | index(\"ro\") != null)" \
		"/mnt/o is not one read-only mount"
'

expect_field mounts.options=tmpcopyup
test_expect_success 'mount option tmpcopyup (MAY): the tmpfs starts with the rootfs contents' '
	bundle_new "mount_add({destination: \"/etc\", type: \"tmpfs\", source: \"tmpfs\", options: [\"tmpcopyup\"]})
		| probe([\"report\", \"--path\", \"/etc/passwd\"])" &&
	probe_report &&
	report_expect "([.mounts[] | select(.target == \"/etc\")] | last | .fstype == \"tmpfs\") and .paths[\"/etc/passwd\"].empty == false" \
		"/etc is not a tmpfs holding passwd"
'
test_done
