#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='hostile bundles: symlinks out of the rootfs, huge values, odd paths (nothing escapes, nothing crashes)'
# shellcheck source=../lib.sh
. ../lib.sh

# untouched DIR: DIR on the host is still empty and not a mount point
untouched() {
	{ ! awk -v d="$1" '$5 == d { f = 1 } END { exit !f }' /proc/self/mountinfo || why "$1 on the host got mounted over"; } &&
	local got
	got=$(find "$1" -mindepth 1 -maxdepth 1 -printf "%f ")
	[ -z "$got" ] || why "$1 on the host got files: $got"
}

expect_field mounts.destination
test_expect_success 'a mount destination that is an absolute symlink out of the rootfs stays inside' '
	mkdir outside &&
	bundle_new ".root.readonly = false | mount_add({destination: \"/evil\", type: \"tmpfs\", source: \"tmpfs\"})
		| probe([\"write\", \"/evil/x\", \"pwned\"])" &&
	ln -s "$TEST_DIR/outside" "$BUNDLE/rootfs/evil" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field mounts.destination
test_expect_success 'a mount destination that is a relative symlink climbing out of the rootfs stays inside' '
	mkdir outside &&
	bundle_new ".root.readonly = false | mount_add({destination: \"/evil\", type: \"tmpfs\", source: \"tmpfs\"})
		| probe([\"write\", \"/evil/x\", \"pwned\"])" &&
	ln -s "../../../../../../../../../../..$TEST_DIR/outside" "$BUNDLE/rootfs/evil" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field mounts.destination
test_expect_success 'a mount destination with .. components stays inside the rootfs' '
	mkdir outside &&
	bundle_new --arg d "/../../../../../../../..$TEST_DIR/outside" "mount_add({destination: \$d, type: \"tmpfs\", source: \"tmpfs\"})" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field mounts.destination
test_expect_success 'a symlink in the middle of a mount destination path stays inside' '
	mkdir -p outside &&
	bundle_new ".root.readonly = false | mount_add({destination: \"/mid/sub\", type: \"tmpfs\", source: \"tmpfs\"})" &&
	ln -s "$TEST_DIR/outside" "$BUNDLE/rootfs/mid" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field mounts
test_expect_success 'rootfs /proc as a symlink out of the rootfs: proc is not mounted on the host' '
	mkdir outside &&
	bundle_new &&
	rmdir "$BUNDLE/rootfs/proc" && ln -s "$TEST_DIR/outside" "$BUNDLE/rootfs/proc" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field mounts
test_expect_success 'rootfs /dev as a symlink out of the rootfs: nothing lands on the host' '
	mkdir outside &&
	bundle_new &&
	rm -rf "$BUNDLE/rootfs/dev" && ln -s "$TEST_DIR/outside" "$BUNDLE/rootfs/dev" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" && nothing_left
'

expect_field linux.maskedPaths
test_expect_success 'a masked path that is a symlink out of the rootfs does not mask the host file' '
	echo secret >victim &&
	bundle_new ".linux.maskedPaths = [\"/lnk\"]" &&
	ln -s "$TEST_DIR/victim" "$BUNDLE/rootfs/lnk" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash &&
	{ test "$(<victim)" = secret || why "the host file was masked"; } &&
	{ ! grep -q " $TEST_DIR/victim " /proc/self/mountinfo || why "the host file got a mount"; } &&
	nothing_left
'

expect_field linux.readonlyPaths
test_expect_success 'a read-only path that is a symlink out of the rootfs leaves the host writable' '
	mkdir outside &&
	bundle_new ".linux.readonlyPaths = [\"/lnk\"]" &&
	ln -s "$TEST_DIR/outside" "$BUNDLE/rootfs/lnk" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && untouched "$TEST_DIR/outside" &&
	{ touch outside/w && rm outside/w || why "the host directory became read-only"; } &&
	nothing_left
'

expect_field root.path
test_expect_success 'a rootfs that is a symlink: runs in the target or is refused, nothing left' '
	bundle_new "probe([\"cat\", \"/marker\"])" &&
	mv "$BUNDLE/rootfs" "$TEST_DIR/realroot" && ln -s "$TEST_DIR/realroot" "$BUNDLE/rootfs" &&
	echo "$CID" >realroot/marker &&
	if rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err; then
		test "$(<"$REPORT")" = "$CID" || why "/marker reads $(head -c 100 "$REPORT")"
	else
		no_crash
	fi &&
	nothing_left
'

expect_field hostname
test_expect_success 'a 65-character hostname (over HOST_NAME_MAX) is an error' '
	bundle_new --arg h "$(printf "%065d" 0 | tr 0 h)" ".hostname = \$h" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	no_crash && nothing_left
'

expect_field hostname
test_expect_success 'a 1 MiB hostname fails cleanly' '
	bundle_new --novalidate &&
	jq --rawfile h <(head -c 1048576 /dev/zero | tr "\0" h) ".hostname = \$h" "$BUNDLE/config.json" >c.json &&
	mv c.json "$BUNDLE/config.json" &&
	{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "run succeeded"; } &&
	no_crash && nothing_left
'

expect_field process.env
test_expect_success '5000 environment variables all arrive' '
	bundle_new ".process.env += [range(5000) | \"CONFORM_V\(.)=\(.)\"]" &&
	probe_report &&
	report_eq "[.env[] | select(startswith(\"CONFORM_V\"))] | length" 5000
'

expect_field process.args
test_expect_success 'a 100 KiB argument arrives whole' '
	bundle_new --arg a "$(head -c 102400 /dev/zero | tr "\0" a)" ".process.args = [\"/bin/sh\", \"-c\", \"printf %s \\\"\$1\\\" | wc -c\", \"sh\", \$a]" &&
	probe_report &&
	{ test "$(tr -d " " <"$REPORT")" = 102400 || why "the argument arrived with $(<"$REPORT") bytes"; }
'

expect_field mounts
test_expect_success '200 tmpfs mounts' '
	bundle_new "reduce range(200) as \$i (.; mount_add({destination: \"/mnt/m\(\$i)\", type: \"tmpfs\", source: \"tmpfs\"}))" &&
	probe_report &&
	report_eq "[.mounts[] | select(.target | startswith(\"/mnt/m\"))] | length" 200
'

expect_field annotations
test_expect_success 'a 4 MiB config.json (large annotations) works or fails cleanly' '
	bundle_new --novalidate &&
	jq --rawfile v <(head -c 4194304 /dev/zero | tr "\0" v) ".annotations = {\"org.conform.big\": \$v}" "$BUNDLE/config.json" >c.json &&
	mv c.json "$BUNDLE/config.json" &&
	rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>err
	no_crash && nothing_left
'

test_expect_success 'deeply nested JSON in an unknown property does not crash the runtime' '
	bundle_new --novalidate &&
	{ head -c -2 "$BUNDLE/config.json"; printf ", \"conformDeep\": "; printf "[%.0s" $(seq 100000); printf "]%.0s" $(seq 100000); printf "}\n"; } >c.json &&
	mv c.json "$BUNDLE/config.json" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && nothing_left
'

expect_field linux.resources.memory.limit
test_expect_success CGROUP 'memory.limit at int64 max works or fails cleanly' '
	bundle_new --novalidate ".linux.resources.memory.limit = \"INT64_MAX\"" &&
	sed -i "s/\"INT64_MAX\"/9223372036854775807/" "$BUNDLE/config.json" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	no_crash && nothing_left
'

test_expect_success 'a bundle path with spaces and UTF-8 works' '
	bundle_new -n "b ü n d l e" &&
	probe_report
'
test_done
