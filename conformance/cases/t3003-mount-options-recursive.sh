#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='recursive (AT_RECURSIVE) mount options on an rbind with a submount (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# Each option: NAME, the flags of the submount on the host, and a jq
# condition on the submount as the container sees it (opt(o): per-mount
# option). Source I is $TEST_DIR/srcI holding a tmpfs submount "sub" mounted
# with those flags; it is rbind-mounted at /mnt/rI with the option.
OPTIONS=(
	rro rw 'opt("ro")'
	rrw rw 'opt("rw")'
	rnosuid rw 'opt("nosuid")'
	rsuid nosuid '(opt("nosuid")) | not'
	rnodev rw 'opt("nodev")'
	rdev nodev '(opt("nodev")) | not'
	rnoexec rw 'opt("noexec")'
	rexec noexec '(opt("noexec")) | not'
	rnoatime rw 'opt("noatime")'
	ratime noatime '(opt("noatime")) | not'
	rrelatime noatime 'opt("relatime")'
	rnorelatime rw '(opt("noatime")) | not'
	rstrictatime rw '(opt("relatime") or opt("noatime")) | not'
	rnostrictatime strictatime 'opt("relatime")'
	rnodiratime rw 'opt("nodiratime")'
	rdiratime nodiratime '(opt("nodiratime")) | not'
	rnosymfollow rw 'opt("nosymfollow")'
	rsymfollow nosymfollow '(opt("nosymfollow")) | not'
)

# src_tree I: make $TEST_DIR/srcI and its submount (unmounted when the
# test ends).
src_tree() {
	local n=$1 flags=${OPTIONS[$1 * 3 + 1]}
	mkdir -p "src$n/sub" &&
	mount -t tmpfs -o "$flags" tmpfs "src$n/sub" && test_when_finished "umount -l $TEST_DIR/src$n/sub" &&
	if [ "${OPTIONS[$1 * 3]}" = rrw ]; then mount -o remount,bind,ro "src$n/sub"; fi
}
# mount_json I: the mount entry for option I
mount_json() {
	printf '{"destination": "/mnt/r%d", "type": "bind", "source": "%s/src%d", "options": ["rbind", "%s"]}' \
		"$1" "$TEST_DIR" "$1" "${OPTIONS[$1 * 3]}"
}
COUNT=$(( ${#OPTIONS[@]} / 3 ))
BATCH=$CONFORM_WORK/batch-report.json

# All of them in one container; when that works the cases below read its
# report (a runtime that declares an option ignored or rejected still gets
# its own run, with the declared-verdict check).
expect_field mounts.options
test_expect_success 'all the recursive options below together' '
	m="[" &&
	for (( n = 0; n < COUNT; n++ )); do
		src_tree $n || break
		m+="$([ $n = 0 ] || echo ,)$(mount_json $n)"
	done &&
	bundle_new --argjson m "$m]" ".mounts += \$m" &&
	probe_report &&
	cp "$REPORT" "$BATCH"
'

for (( n = 0; n < COUNT; n++ )); do
	o=${OPTIONS[n * 3]} cond=${OPTIONS[n * 3 + 2]}
	expect_field "mounts.options=$o"
	test_expect_success "recursive mount option $o (SHOULD)" '
		if [ "$TEST_DECL" = supported ] && [ -s "$BATCH" ]; then
			cp "$BATCH" "$REPORT"
		else
			src_tree $n &&
			bundle_new --argjson m "$(mount_json $n)" "mount_add(\$m)" &&
			probe_report
		fi &&
		report_expect "def opt(o): (.options | split(\",\") | index(o)) != null;
			[.mounts[] | select(.target == \"/mnt/r$n/sub\")] | if length == 0 then false else last | $cond end" \
			"submount /mnt/r$n/sub with $o: expected $cond"
	'
done
test_done
