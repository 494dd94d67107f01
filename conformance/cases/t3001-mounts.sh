#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='mounts: destination, type, source, order (config.md#mounts)'
# shellcheck source=../lib.sh
. ../lib.sh

# mnt_expect DEST JQCOND [DESC]: JQCOND holds for the top mount at DEST,
# with opt(o) and sopt(o) testing per-mount and superblock options.
mnt_expect() {
	report_expect "def opt(o): (.options | split(\",\") | index(o)) != null;
		def sopt(o): (.super_options | split(\",\") | index(o)) != null;
		[.mounts[] | select(.target == \"$1\")] | if length == 0 then false else last | $2 end" \
		"${3:-mount at $1: expected $2}"
}

expect_field mounts.destination mounts.type mounts.source mounts.options
test_expect_success 'a tmpfs mount with options' '
	bundle_new "mount_add({destination: \"/mnt/t\", type: \"tmpfs\", source: \"tmpfs\",
		options: [\"nosuid\", \"nodev\", \"size=1m\", \"mode=700\"]})" &&
	probe_report &&
	mnt_expect /mnt/t ".fstype == \"tmpfs\" and opt(\"nosuid\") and opt(\"nodev\") and sopt(\"size=1024k\") and sopt(\"mode=700\")"
'

expect_field mounts.options=bind mounts.source
test_expect_success 'a bind mount shows the host directory' '
	bundle_new --arg s "$TEST_DIR/src" "mount_add({destination: \"/mnt/b\", type: \"bind\", source: \$s, options: [\"bind\"]})
		| probe([\"cat\", \"/mnt/b/f\"])" &&
	mkdir src && echo "$CID" >src/f &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/mnt/b/f reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field mounts.options=bind
test_expect_success 'a bind mount of a single file' '
	bundle_new --arg s "$TEST_DIR/file" "mount_add({destination: \"/etc/conform-file\", type: \"bind\", source: \$s, options: [\"bind\", \"ro\"]})
		| probe([\"cat\", \"/etc/conform-file\"])" &&
	echo "$CID" >file &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/etc/conform-file reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field mounts.options=bind mounts.options=rbind
test_expect_success ROOT 'bind does not take submounts, rbind does' '
	mkdir -p src/sub && echo top >src/f &&
	mount -t tmpfs tmpfs src/sub && test_when_finished "umount -l $TEST_DIR/src/sub" &&
	echo sub >src/sub/g &&
	bundle_new --arg s "$TEST_DIR/src" "
		mount_add({destination: \"/mnt/b\", type: \"bind\", source: \$s, options: [\"bind\"]})
		| mount_add({destination: \"/mnt/r\", type: \"bind\", source: \$s, options: [\"rbind\"]})
		| probe([\"report\", \"--path\", \"/mnt/b/sub/g\", \"--path\", \"/mnt/r/sub/g\"])" &&
	probe_report &&
	report_eq ".paths[\"/mnt/b/sub/g\"].exists" false ".paths[\"/mnt/r/sub/g\"].exists" true
'

expect_field mounts.options=ro mounts.options=bind
test_expect_success 'a read-only bind mount is not writable' '
	bundle_new --arg s "$TEST_DIR/src" "mount_add({destination: \"/mnt/b\", type: \"bind\", source: \$s, options: [\"bind\", \"ro\"]})
		| probe([\"report\", \"--path\", \"/mnt/b\"])" &&
	mkdir src &&
	probe_report &&
	mnt_expect /mnt/b "opt(\"ro\")" &&
	report_eq ".paths[\"/mnt/b\"].writable" false
'

expect_field mounts
test_expect_success 'mounts are made in the listed order (same destination: the last wins)' '
	mkdir a b && echo a >a/which && echo b >b/which &&
	bundle_new --arg a "$TEST_DIR/a" --arg b "$TEST_DIR/b" "
		mount_add({destination: \"/mnt/o\", type: \"bind\", source: \$a, options: [\"bind\"]})
		| mount_add({destination: \"/mnt/o\", type: \"bind\", source: \$b, options: [\"bind\"]})
		| probe([\"cat\", \"/mnt/o/which\"])" &&
	probe_report &&
	{ test "$(<"$REPORT")" = b || why "/mnt/o/which reads \"$(head -c 100 "$REPORT")\", want b"; }
'

expect_field mounts
test_expect_success 'mounts are made in the listed order (nested destinations)' '
	mkdir b && echo b >b/which &&
	bundle_new --arg b "$TEST_DIR/b" "
		mount_add({destination: \"/mnt/p\", type: \"tmpfs\", source: \"tmpfs\"})
		| mount_add({destination: \"/mnt/p/q\", type: \"bind\", source: \$b, options: [\"bind\"]})
		| probe([\"cat\", \"/mnt/p/q/which\"])" &&
	probe_report &&
	{ test "$(<"$REPORT")" = b || why "/mnt/p/q/which reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field mounts.destination
test_expect_success 'a relative destination is relative to / (deprecated, MUST work)' '
	bundle_new --novalidate "mount_add({destination: \"mnt/rel\", type: \"tmpfs\", source: \"tmpfs\"})" &&
	probe_report &&
	mnt_expect /mnt/rel ".fstype == \"tmpfs\""
'

expect_field mounts.source
test_expect_success 'a relative bind source is relative to the bundle' '
	bundle_new "mount_add({destination: \"/mnt/b\", type: \"bind\", source: \"relsrc\", options: [\"bind\"]})
		| probe([\"cat\", \"/mnt/b/f\"])" &&
	mkdir "$BUNDLE/relsrc" && echo "$CID" >"$BUNDLE/relsrc/f" &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/mnt/b/f reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field mounts.type
test_expect_success 'a bind mount without type works' '
	bundle_new --arg s "$TEST_DIR/src" "mount_add({destination: \"/mnt/b\", source: \$s, options: [\"rbind\"]})
		| probe([\"cat\", \"/mnt/b/f\"])" &&
	mkdir src && echo "$CID" >src/f &&
	probe_report &&
	{ test "$(<"$REPORT")" = "$CID" || why "/mnt/b/f reads \"$(head -c 100 "$REPORT")\""; }
'

expect_field mounts.type
test_expect_success 'proc, sysfs, mqueue and devpts mounts have their types' '
	bundle_new &&
	probe_report &&
	mnt_expect /proc ".fstype == \"proc\"" &&
	mnt_expect /sys ".fstype == \"sysfs\"" &&
	mnt_expect /dev/mqueue ".fstype == \"mqueue\"" &&
	mnt_expect /dev/pts ".fstype == \"devpts\""
'

expect_req linux.dev-symlinks
test_expect_success '/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr are symlinks to /proc/self/fd' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"for f in fd stdin stdout stderr; do readlink /dev/\$f; done\"]" &&
	probe_report &&
	got=$(tr "\n" " " <"$REPORT") &&
	{ test "$got" = "/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 " || why "readlink: $got"; }
'

expect_field mounts.destination
test_expect_success 'a destination that does not exist in the rootfs is created' '
	bundle_new "mount_add({destination: \"/new/dir/deep\", type: \"tmpfs\", source: \"tmpfs\"})" &&
	probe_report &&
	mnt_expect /new/dir/deep ".fstype == \"tmpfs\""
'

expect_field mounts.destination
test_expect_success 'a bind mount over an existing file in the rootfs' '
	bundle_new --arg s "$TEST_DIR/passwd" "mount_add({destination: \"/etc/passwd\", type: \"bind\", source: \$s, options: [\"bind\", \"ro\"]})
		| probe([\"cat\", \"/etc/passwd\"])" &&
	echo "conform:x:7:7::/:/bin/sh" >passwd &&
	probe_report &&
	{ grep -q "^conform:" "$REPORT" || why "/etc/passwd is not the bind-mounted file"; }
'
test_done
