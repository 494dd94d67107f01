#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: mount destinations swapped with symlinks while containers are created (CVE-2019-19921, CVE-2021-30465)'
# shellcheck source=../lib.sh
. ../lib.sh

# The racer is /attacks/mount_swap, run on the host against the bundle's
# rootfs (as a container sharing a volume with it would): it exchanges a
# directory of the rootfs with a symlink, back and forth, while the case
# creates containers for a bounded time (RACE_SECONDS, at most RACE_MAX).
RACE_SECONDS=3
RACE_MAX=50

# own_ PATH...: unprivileged, what the test adds to the rootfs is the user's.
own_() {
	[ "$RT_UNPRIV" = 0 ] || chown -R -h "$RT_UID:$RT_GID" "$@"
}

# race_ DIR TARGET CMD...: swap $BUNDLE/rootfs/DIR with a symlink to TARGET
# while running CMD ITERATION (a create or run) again and again; RACE_RUNS
# counts the runs, RACE_OK those that succeeded. Fails if the racer did.
race_() {
	local dir=$1 target=$2 i=0 end pid
	shift 2
	"$BUNDLE/rootfs/attacks/mount_swap" "$BUNDLE/rootfs/$dir" "$target" "$RACE_SECONDS" >swap.out 2>swap.err &
	pid=$!
	test_when_finished "kill $pid 2>/dev/null; true"
	end=$(( ${EPOCHREALTIME/./} / 1000 + RACE_SECONDS * 1000 ))
	RACE_RUNS=0 RACE_OK=0
	while [ "$i" -lt "$RACE_MAX" ] && [ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ]; do
		if "$@" "$i"; then RACE_OK=$((RACE_OK + 1)); fi
		i=$((i + 1))
	done
	RACE_RUNS=$i
	wait "$pid" || { why "the racer failed: $(<swap.err)"; return 1; }
	printf 'conform: %s runs, %s succeeded, %s swaps\n' "$RACE_RUNS" "$RACE_OK" "$(<swap.out)" >&9
}

# create_delete_ N: create the bundle as $CID-N and force-delete it.
create_delete_() {
	local rc
	rt create --bundle "$BUNDLE" "$CID-$1" </dev/null >/dev/null 2>>create.err
	rc=$?
	no_crash "$rc" || return 1
	rt delete --force "$CID-$1" >/dev/null 2>&1
	return "$rc"
}

# canary_intact_: the host canary directory holds its one file, unchanged,
# and nothing is mounted on it.
canary_intact_() {
	local got
	got=$(find canary -mindepth 1 -printf "%P ")
	[ "$got" = "file " ] || why "the host canary directory changed: it holds: $got"
	[ "$(<canary/file)" = canary ] || why "the host canary file changed"
	! awk -v d="$TEST_DIR/canary" '$5 == d || index($5, d "/") == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo ||
		why "something got mounted on the host canary directory"
}

expect_field mounts.destination
test_expect_success '[CVE-2021-30465] bind destinations swapped with a symlink to a host directory during create: nothing is created or mounted on the host' '
	mkdir canary volsrc && echo canary >canary/file && echo vol >volsrc/marker &&
	bundle_new "mount_add({destination: \"/race/sub/dir\", type: \"bind\", source: (\$dir + \"/volsrc\"), options: [\"rbind\"]})
		| mount_add({destination: \"/race/file\", type: \"bind\", source: (\$dir + \"/volsrc/marker\"), options: [\"bind\"]})
		| probe([\"exit\", \"0\"])" &&
	mkdir "$BUNDLE/rootfs/race" && own_ "$BUNDLE/rootfs/race" &&
	race_ race ../../canary create_delete_ &&
	canary_intact_ && nothing_left "$CID-0"
'

# proc_where_ N: run the bundle as $CID-N; its shell says whether procfs is
# at the symlink's target, or at /proc without its masks. It looks from
# inside /proc (cd): the racer is still swapping while it runs.
proc_where_() {
	local rc
	rt run --bundle "$BUNDLE" "$CID-$1" </dev/null >>where.out 2>>run.err
	rc=$?
	no_crash "$rc" || return 1
	return "$rc"
}

expect_field mounts.destination linux.maskedPaths
test_expect_success '[CVE-2019-19921] /proc swapped with a symlink during create: procfs is never left elsewhere, or unmasked' '
	bundle_new "writable | .process.args = [\"/bin/sh\", \"-c\",
		\"if [ -e /racex/self ]; then echo elsewhere; fi; if cd /proc && [ -e self ] && [ ! -c keys ]; then echo unmasked; fi\"]" &&
	mkdir "$BUNDLE/rootfs/racex" && own_ "$BUNDLE/rootfs/racex" &&
	race_ proc racex proc_where_ &&
	{ ! grep -q elsewhere where.out || why "procfs was mounted at the symlink target /racex in $(grep -c elsewhere where.out) of $RACE_OK runs"; } &&
	{ ! grep -q unmasked where.out || why "/proc/keys was not masked in $(grep -c unmasked where.out) of $RACE_OK runs"; } &&
	nothing_left "$CID-0"
'

# For each volume, from inside it: its marker, and whether it is writable.
# shellcheck disable=SC2016 # run by the container's shell
VOLUMES_SH='for d in /race/vol /other/vol; do (cd "$d" && m=$(cat marker) &&
	if touch .w 2>/dev/null; then rm -f .w; echo "$m:rw"; else echo "$m:ro"; fi); done'

# volumes_ro_ N: run the bundle as $CID-N; its shell says, for each volume,
# its marker and whether it is writable (from inside it: the racer is still
# swapping while it runs).
volumes_ro_() {
	local rc
	rt run --bundle "$BUNDLE" "$CID-$1" </dev/null >>vols.out 2>>run.err
	rc=$?
	no_crash "$rc" || return 1
	return "$rc"
}

expect_field mounts.destination mounts.options
test_expect_success '[CVE-2021-30465] a read-only bind whose destination is swapped with a symlink during create is read-only (or create fails)' '
	mkdir volro volrw && echo ro-volume >volro/marker && echo rw-volume >volrw/marker &&
	{ [ "$RT_UNPRIV" = 0 ] || chown "$RT_UID:$RT_GID" volro volrw; } &&
	bundle_new --arg sh "$VOLUMES_SH" "writable | mount_add({destination: \"/other/vol\", type: \"bind\", source: (\$dir + \"/volrw\"), options: [\"rbind\", \"rw\"]})
		| mount_add({destination: \"/race/vol\", type: \"bind\", source: (\$dir + \"/volro\"), options: [\"rbind\", \"ro\"]})
		| .process.args = [\"/bin/sh\", \"-c\", \$sh]" &&
	mkdir -p "$BUNDLE/rootfs/race/vol" "$BUNDLE/rootfs/other/vol" && own_ "$BUNDLE/rootfs/race" "$BUNDLE/rootfs/other" &&
	race_ race other volumes_ro_ &&
	{ ! grep -q ro-volume:rw vols.out ||
		why "the ro bind was writable in $(grep -c ro-volume:rw vols.out) of $RACE_OK runs (its flags landed on another mount)"; } &&
	nothing_left "$CID-0"
'
test_done
