#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='Linux mount options on a tmpfs mount (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# Each option: NAME, the options list (JSON), a jq condition on the mount
# (opt(o): per-mount option, sopt(o): superblock option), requirement level.
OPTIONS=(
	ro '["ro"]' 'opt("ro")' MUST
	rw '["ro", "rw"]' 'opt("rw")' MUST
	nosuid '["nosuid"]' 'opt("nosuid")' MUST
	suid '["nosuid", "suid"]' 'opt("nosuid") | not' MUST
	nodev '["nodev"]' 'opt("nodev")' MUST
	dev '["nodev", "dev"]' 'opt("nodev") | not' MUST
	noexec '["noexec"]' 'opt("noexec")' MUST
	exec '["noexec", "exec"]' 'opt("noexec") | not' MUST
	noatime '["noatime"]' 'opt("noatime")' MUST
	atime '["noatime", "atime"]' 'opt("noatime") | not' MUST
	nodiratime '["nodiratime"]' 'opt("nodiratime")' MUST
	diratime '["nodiratime", "diratime"]' 'opt("nodiratime") | not' MUST
	relatime '["relatime"]' 'opt("relatime")' MUST
	norelatime '["norelatime"]' 'opt("noatime") | not' MUST
	strictatime '["strictatime"]' '(opt("relatime") or opt("noatime")) | not' MUST
	nostrictatime '["strictatime", "nostrictatime"]' 'opt("relatime")' MUST
	sync '["sync"]' 'sopt("sync")' MUST
	async '["sync", "async"]' 'sopt("sync") | not' MUST
	dirsync '["dirsync"]' 'sopt("dirsync")' MUST
	lazytime '["lazytime"]' 'sopt("lazytime")' MUST
	nolazytime '["lazytime", "nolazytime"]' 'sopt("lazytime") | not' MUST
	iversion '["iversion"]' '.fstype == "tmpfs"' MUST
	noiversion '["noiversion"]' '.fstype == "tmpfs"' MUST
	nosymfollow '["nosymfollow"]' 'opt("nosymfollow")' SHOULD
	symfollow '["nosymfollow", "symfollow"]' 'opt("nosymfollow") | not' SHOULD
	mand '["mand"]' 'sopt("mand")' MAY
	nomand '["mand", "nomand"]' 'sopt("mand") | not' MAY
	silent '["silent"]' '.fstype == "tmpfs"' MUST
	loud '["loud"]' '.fstype == "tmpfs"' MUST
	defaults '["ro", "nosuid", "defaults"]' 'opt("rw") and (opt("nosuid") | not)' MUST
)

# A tmpfs at /mnt/oI for every option I, all in one container: when that
# works, the per-option cases below read its report instead of each running
# a container of its own (a runtime that declares an option ignored or
# rejected still gets its own run, with the declared-verdict check).
mounts_all() {
	local i=0 o opts cond level
	printf '['
	while [ "$i" -lt ${#OPTIONS[@]} ]; do
		opts=${OPTIONS[i + 1]}
		printf '%s{"destination": "/mnt/o%d", "type": "tmpfs", "source": "tmpfs", "options": %s}' \
			"$([ "$i" = 0 ] || echo ,)" $((i / 4)) "$opts"
		i=$((i + 4))
	done
	printf ']'
}
BATCH=$CONFORM_WORK/batch-report.json

expect_field mounts.options
test_expect_success 'all the options below together, one tmpfs each' '
	bundle_new --argjson m "$(mounts_all)" ".mounts += \$m" &&
	probe_report &&
	cp "$REPORT" "$BATCH"
'

i=0
while [ $i -lt ${#OPTIONS[@]} ]; do
	o=${OPTIONS[i]} opts=${OPTIONS[i + 1]} cond=${OPTIONS[i + 2]} level=${OPTIONS[i + 3]} n=$((i / 4))
	expect_field "mounts.options=$o"
	test_expect_success "mount option $o ($level)" '
		if [ "$TEST_DECL" = supported ] && [ -s "$BATCH" ]; then
			cp "$BATCH" "$REPORT"
		else
			bundle_new --argjson o "$opts" --arg d "/mnt/o$n" "mount_add({destination: \$d, type: \"tmpfs\", source: \"tmpfs\", options: \$o})" &&
			probe_report
		fi &&
		report_expect "def opt(o): (.options | split(\",\") | index(o)) != null;
			def sopt(o): (.super_options | split(\",\") | index(o)) != null;
			[.mounts[] | select(.target == \"/mnt/o$n\")] | if length == 0 then false else last | $cond end" \
			"mount at /mnt/o$n with $opts: expected $cond"
	'
	i=$((i + 4))
done

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
