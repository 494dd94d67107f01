#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='cgroups that are not the container'"'"'s: a cgroupsPath naming an existing cgroup with host processes, resources.unified interface files (cgroup.procs), delete of cgroups the runtime did not make'
# shellcheck source=../lib.sh
. ../lib.sh

# The host's victims are canaries: a sleep this script starts, placed in a
# cgroup made here in every hierarchy (as another container's would be). PID
# 1 is never named: cgroup.procs gets the canary's pid.

# cg_mounts_: CG_MOUNTS = the mount point of every cgroup hierarchy.
cg_mounts_() {
	local line post f
	CG_MOUNTS=()
	while IFS= read -r line; do
		post=${line#* - }
		case $post in cgroup\ *|cgroup2\ *) ;; *) continue ;; esac
		read -r -a f <<<"$line"
		CG_MOUNTS+=("${f[4]}")
	done </proc/self/mountinfo
	[ ${#CG_MOUNTS[@]} -gt 0 ] || skip_test "this host mounts no cgroup hierarchy"
}

# cg_make REL: mkdir REL in every hierarchy, a level at a time (a new v1
# cpuset cgroup gets its parent's cpus and mems, or nothing can join it).
cg_make() {
	local m d part
	for m in "${CG_MOUNTS[@]}"; do
		d=$m
		for part in ${1//\// }; do
			d=$d/$part
			[ -d "$d" ] || mkdir "$d" || { why "cannot make the canary cgroup $d"; return 1; }
			if [ -f "$d/cpuset.cpus" ] && [ -z "$(<"$d/cpuset.cpus")" ]; then
				cat "${d%/*}/cpuset.cpus" >"$d/cpuset.cpus" &&
					cat "${d%/*}/cpuset.mems" >"$d/cpuset.mems" || return 1
			fi
		done
	done
}

# cg_gone REL: rmdir REL and its parents in every hierarchy (the cleanup).
cg_gone() {
	local m rel
	for m in "${CG_MOUNTS[@]}"; do
		rel=$1
		while [ -n "$rel" ] && [ "$rel" != . ]; do
			rmdir "$m/$rel" 2>/dev/null
			rel=$(dirname "$rel")
		done
	done
	return 0
}

# canary_start [REL]: a host process (CANARY), in REL of every hierarchy
# when given; CANARY_CG is its /proc/PID/cgroup, to compare afterwards.
canary_start() {
	sleep 300 >/dev/null 2>&1 &
	CANARY=$!
	printf '%s\n' "$CANARY" >"$TEST_DIR/canary.pid"
	test_when_finished canary_cleanup
	if [ -n "${1:-}" ]; then
		cg_make "$1" || return 1
		local m
		for m in "${CG_MOUNTS[@]}"; do
			printf '%s\n' "$CANARY" >"$m/$1/cgroup.procs" ||
				{ why "cannot move the canary into $m/$1"; return 1; }
		done
	fi
	CANARY_CG=$(<"/proc/$CANARY/cgroup")
}

# canary_intact [REL]: the canary lives, in the cgroups it had, and REL is
# still there in every hierarchy.
canary_intact() {
	local m
	pid_alive "$CANARY" || { why "the host process (canary $CANARY) was killed"; return 1; }
	[ "$(<"/proc/$CANARY/cgroup")" = "$CANARY_CG" ] ||
		{ why "the host process was moved: $(tr '\n' ' ' <"/proc/$CANARY/cgroup")"; return 1; }
	[ -n "${1:-}" ] || return 0
	for m in "${CG_MOUNTS[@]}"; do
		[ -d "$m/$1" ] || { why "the cgroup $m/$1, made before create, was removed"; return 1; }
	done
}

# canary_done: the last command of a body: reap the canary (this host's PID
# 1 does not), keeping the status of the command before.
canary_done() {
	local rc=$?
	kill -KILL "$CANARY" 2>/dev/null
	wait "$CANARY" 2>/dev/null
	return "$rc"
}

# canary_cleanup: after the body, whatever happened: put the canary back at
# the top of every hierarchy (a runtime may have moved it into the
# container's cgroup), kill it, delete the container, remove the cgroups.
canary_cleanup() {
	local pid m
	read -r pid <"$TEST_DIR/canary.pid" 2>/dev/null || return 0
	cg_mounts_
	for m in "${CG_MOUNTS[@]}"; do
		printf '%s\n' "$pid" >"$m/cgroup.procs" 2>/dev/null
	done
	kill -KILL "$pid" 2>/dev/null
	cleanup_ct
	cg_gone "conform-$TEST_MARK/held/inner"
	cg_gone "conform-$TEST_MARK/pre"
}

# create_refused: as root the create of $BUNDLE must fail; unprivileged the
# runtime cannot use the host's cgroups, so it may run (the canary checks
# stay). Leaves the container (if any) force-deleted.
create_refused() {
	local rc
	rt create --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/create.out" 2>"$TEST_DIR/create.err"
	rc=$?
	rt delete --force "$CID" >/dev/null 2>&1
	CREATED=$rc
}

test_expect_success '[cgroup-escape] cgroupsPath naming a cgroup whose child cgroup holds a host process is refused; delete -f kills nothing and removes nothing of it' '
	cg_mounts_ &&
	canary_start "conform-$TEST_MARK/held/inner" &&
	bundle_new --arg p "/conform-$TEST_MARK/held" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	create_refused &&
	canary_intact "conform-$TEST_MARK/held/inner" &&
	{ [ "$RT_UNPRIV" = 1 ] || [ "$CREATED" != 0 ] ||
		why "create accepted a cgroup holding a host process below it (runc: container'"'"'s cgroup is not empty)"; }
	canary_done
'

test_expect_success '[cgroup-escape] cgroupsPath naming a cgroup that holds a host process is refused; delete -f kills nothing' '
	cg_mounts_ &&
	canary_start "conform-$TEST_MARK/held" &&
	bundle_new --arg p "/conform-$TEST_MARK/held" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	create_refused &&
	canary_intact "conform-$TEST_MARK/held" &&
	{ [ "$RT_UNPRIV" = 1 ] || [ "$CREATED" != 0 ] ||
		why "create accepted a cgroup holding a host process"; }
	canary_done
'

test_expect_success '[cgroup-ownership] delete -f leaves a cgroup that existed before create (cgroupsPath named it) and its parent' '
	cg_mounts_ &&
	canary_start &&
	cg_make "conform-$TEST_MARK/pre" &&
	bundle_new --arg p "/conform-$TEST_MARK/pre" ".linux.cgroupsPath = \$p | probe([\"sleep\", \"30\"])" &&
	{
		if rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$TEST_DIR/create.err"; then
			rt start "$CID"
		fi
		rt delete --force "$CID" >/dev/null 2>&1
		canary_intact "conform-$TEST_MARK/pre"
	}
	canary_done
'

test_expect_success '[cgroup-escape] resources.unified {"cgroup.procs": PID} cannot move a host process into the container (create fails naming the key)' '
	cg_mounts_ &&
	{ grep -q " - cgroup2 " /proc/self/mountinfo || skip_test "no cgroup v2 hierarchy: unified does not apply"; } &&
	canary_start &&
	bundle_new --novalidate --arg pid "$CANARY" ".linux.resources.unified = {\"cgroup.procs\": \$pid} | probe([\"sleep\", \"30\"])" &&
	create_refused &&
	canary_intact &&
	{ [ "$RT_UNPRIV" = 1 ] || [ "$CREATED" != 0 ] ||
		why "create accepted unified cgroup.procs (the host process could be moved in and killed)"; } &&
	{ [ "$CREATED" = 0 ] || [ "$RT_UNPRIV" = 1 ] || grep -q "cgroup\.procs" "$TEST_DIR/create.err" ||
		why "the error does not name the key: $(first_line_ "$TEST_DIR/create.err")"; }
	canary_done
'

test_expect_success '[cgroup-escape] resources.unified keys that climb out of the cgroup ("../cgroup.procs") are refused' '
	cg_mounts_ &&
	{ grep -q " - cgroup2 " /proc/self/mountinfo || skip_test "no cgroup v2 hierarchy: unified does not apply"; } &&
	canary_start &&
	bundle_new --novalidate --arg pid "$CANARY" ".linux.resources.unified = {\"../cgroup.procs\": \$pid} | probe([\"sleep\", \"30\"])" &&
	create_refused &&
	canary_intact &&
	{ [ "$RT_UNPRIV" = 1 ] || [ "$CREATED" != 0 ] || why "create accepted unified ../cgroup.procs"; }
	canary_done
'

test_expect_success '[cgroup-escape] update with resources.unified {"cgroup.procs": PID} cannot move a host process into the container' '
	cg_mounts_ &&
	{ grep -q " - cgroup2 " /proc/self/mountinfo || skip_test "no cgroup v2 hierarchy: unified does not apply"; } &&
	canary_start &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	printf "{\"unified\": {\"cgroup.procs\": \"%s\"}}\n" "$CANARY" >"$TEST_DIR/res.json" &&
	{
		if rt update --resources "$TEST_DIR/res.json" "$CID" 2>"$TEST_DIR/update.err"; then
			updated=1
		fi
		rt delete --force "$CID" >/dev/null 2>&1
		canary_intact && { [ -z "${updated:-}" ] || why "update accepted unified cgroup.procs"; }
	}
	canary_done
'
test_done
