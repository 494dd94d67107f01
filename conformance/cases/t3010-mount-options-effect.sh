#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='mount options on bind mounts, checked by their effect, not by mountinfo (config.md#linux-mount-options)'
# shellcheck source=../lib.sh
. ../lib.sh

# Every test binds one host directory twice: at /mnt/a with the option under
# test, at /mnt/b without it (the control), and runs a shell script that
# prints "a=RESULT b=RESULT". A runtime that drops the option gives the
# control's result at /mnt/a too.

# mk_src [DIR]: fill DIR (default $TEST_DIR/src) with: p, a copy of the probe,
# setuid and owned by the container's root; x, an executable copy; null, a
# character device 1:3; f and link -> f; fa and fb, files last read in 2000.
mk_src() {
	local d=${1:-$TEST_DIR/src}
	mkdir -p "$d" &&
	cp "$RT_ROOTFS/probe" "$d/p" && cp "$RT_ROOTFS/probe" "$d/x" &&
	chown "$RT_UID:$RT_GID" "$d" "$d/p" "$d/x" && chmod 4755 "$d/p" && chmod 755 "$d" "$d/x" &&
	mknod -m 666 "$d/null" c 1 3 &&
	echo data >"$d/f" && ln -s f "$d/link" && echo a >"$d/fa" && echo b >"$d/fb" &&
	touch -a -d 2000-01-01T00:00:00Z "$d/fa" "$d/fb" ||
		why "harness: cannot make $d"
}

# host_allows OPTION...: skip when the host filesystem under $TEST_DIR is
# itself mounted with one of the options (the control could not work).
host_allows() {
	local o opts
	opts=,$(findmnt -n -o OPTIONS --target "$TEST_DIR/src" 2>/dev/null),
	for o in "$@"; do
		[[ $opts != *,"$o",* ]] || skip_test "the host mounts $TEST_DIR with $o"
	done
}

# effect OPTIONS-A OPTIONS-B SCRIPT [FILTER]: bind $TEST_DIR/src at /mnt/a
# with OPTIONS-A and at /mnt/b with OPTIONS-B (JSON lists), run SCRIPT with
# /bin/sh in the container (config patched by FILTER); output in $REPORT.
effect() {
	bundle_new --argjson oa "$1" --argjson ob "$2" --arg s "$3" "
		mount_add({destination: \"/mnt/a\", type: \"bind\", source: (\$dir + \"/src\"), options: \$oa})
		| mount_add({destination: \"/mnt/b\", type: \"bind\", source: (\$dir + \"/src\"), options: \$ob})
		| .process.args = [\"/bin/sh\", \"-c\", \$s] | ${4:-.}" &&
	probe_report
}

# got WANT: the script printed WANT.
got() {
	local out
	out=$(<"$REPORT")
	out=${out//$'\n'/ }
	[ "$out" = "$1" ] || why "the script printed \"$out\", want \"$1\""
}

expect_field mounts.options=ro
test_expect_success 'bind mount ro: writing fails (rw control: it works)' '
	mk_src &&
	effect "[\"bind\", \"ro\"]" "[\"bind\", \"rw\"]" \
		"/probe write /mnt/a/new x 2>/dev/null; echo a=\$?; /probe write /mnt/b/new x 2>/dev/null; echo b=\$?" &&
	got "a=1 b=0"
'

expect_field mounts.options=nosuid process.user.uid process.noNewPrivileges
test_expect_success 'bind mount nosuid: a setuid-root program does not elevate (control: it does)' '
	mk_src &&
	host_allows nosuid &&
	m=$(subid_map) &&
	effect "[\"bind\", \"nosuid\"]" "[\"bind\"]" \
		"echo a=\$(/mnt/a/p report | grep -o \"\\\"euid\\\":[0-9]*\"); echo b=\$(/mnt/b/p report | grep -o \"\\\"euid\\\":[0-9]*\")" \
		"$m | .process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false" &&
	got "a=\"euid\":1000 b=\"euid\":0"
'

expect_field mounts.options=nodev
test_expect_success 'bind mount nodev: a device node cannot be opened (control: it can)' '
	mk_src &&
	host_allows nodev &&
	effect "[\"bind\", \"nodev\"]" "[\"bind\", \"dev\"]" \
		"/probe cat /mnt/a/null 2>/dev/null; echo a=\$?; /probe cat /mnt/b/null 2>/dev/null; echo b=\$?" &&
	got "a=1 b=0"
'

expect_field mounts.options=noexec
test_expect_success 'bind mount noexec: a program cannot run (control: it runs)' '
	mk_src &&
	host_allows noexec &&
	effect "[\"bind\", \"noexec\"]" "[\"bind\", \"exec\"]" \
		"/mnt/a/x exit 0 2>/dev/null; test \$? = 0 && echo a=ran || echo a=refused; /mnt/b/x exit 0; echo b=\$?" &&
	got "a=refused b=0"
'

expect_field mounts.options=nosymfollow
test_expect_success 'bind mount nosymfollow: a symlink is not followed (control: it is)' '
	mk_src &&
	host_allows nosymfollow &&
	effect "[\"bind\", \"nosymfollow\"]" "[\"bind\", \"symfollow\"]" \
		"/probe cat /mnt/a/link >/dev/null 2>&1; echo a=\$?; /probe cat /mnt/b/link >/dev/null 2>&1; echo b=\$?" &&
	got "a=1 b=0"
'

expect_field mounts.options=noatime mounts.options=strictatime
# Unprivileged, the kernel locks the atime flags of a mount that comes from
# a more privileged mount namespace (MNT_LOCK_ATIME): no runtime can set them.
test_expect_success ROOT 'bind mount noatime: reading keeps the access time (strictatime control: it changes)' '
	mk_src &&
	host_allows noatime &&
	effect "[\"bind\", \"noatime\"]" "[\"bind\", \"strictatime\"]" \
		"/probe cat /mnt/a/fa >/dev/null; /probe cat /mnt/b/fb >/dev/null; echo done" &&
	got done &&
	a=$(stat -c %X src/fa) && b=$(stat -c %X src/fb) &&
	{ test "$a" = 946684800 || why "fa (noatime) atime changed to $a"; } &&
	{ test "$b" != 946684800 || why "fb (strictatime) atime did not change"; }
'

# rec_effect OPTION SCRIPT WANT [FILTER]: the same with a host tmpfs
# mounted at src/sub: /mnt/a is an rbind with OPTION, /mnt/b an rbind
# without it; the script looks at the submount.
rec_effect() {
	mkdir -p "$TEST_DIR/src/sub" &&
	mount -t tmpfs -o size=4m,mode=755 conform-sub "$TEST_DIR/src/sub" || { why "harness: cannot mount a tmpfs"; return 1; }
	test_when_finished "umount -l $TEST_DIR/src/sub"
	mk_src "$TEST_DIR/src/sub" &&
	effect "[\"rbind\", \"$1\"]" "[\"rbind\"]" "$2" "${4:-.}" &&
	got "$3"
}

expect_field mounts.options=rro
test_expect_success 'rbind mount rro: the submount is read-only too (control: it is writable)' '
	rec_effect rro "/probe write /mnt/a/sub/new x 2>/dev/null; echo a=\$?; /probe write /mnt/b/sub/new x 2>/dev/null; echo b=\$?" "a=1 b=0"
'

expect_field mounts.options=rnosuid process.user.uid process.noNewPrivileges
test_expect_success 'rbind mount rnosuid: a setuid program on the submount does not elevate' '
	m=$(subid_map) &&
	rec_effect rnosuid "echo a=\$(/mnt/a/sub/p report | grep -o \"\\\"euid\\\":[0-9]*\"); echo b=\$(/mnt/b/sub/p report | grep -o \"\\\"euid\\\":[0-9]*\")" \
		"a=\"euid\":1000 b=\"euid\":0" "$m | .process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false"
'

expect_field mounts.options=rnodev
test_expect_success 'rbind mount rnodev: a device node on the submount cannot be opened' '
	rec_effect rnodev "/probe cat /mnt/a/sub/null 2>/dev/null; echo a=\$?; /probe cat /mnt/b/sub/null 2>/dev/null; echo b=\$?" "a=1 b=0"
'

expect_field mounts.options=rnoexec
test_expect_success 'rbind mount rnoexec: a program on the submount cannot run' '
	rec_effect rnoexec "/mnt/a/sub/x exit 0 2>/dev/null; test \$? = 0 && echo a=ran || echo a=refused; /mnt/b/sub/x exit 0; echo b=\$?" "a=refused b=0"
'
test_done
