# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# exec-attack.sh: helpers of the security cases that attack a runtime
# process entering the container (t9500-t9519), sourced after lib.sh.

# The attacks (conformance/probe/attacks/exec_*.c) run in the container with
# CAP_SYS_PTRACE, in a user namespace (as root: one that maps root to root).
# There, what keeps them away from a runtime process that enters the
# container is that process being non-dumpable or holding nothing of the
# host; without a user namespace, CAP_SYS_PTRACE in the host's namespace
# reaches any process whatever it does.
ATTACK_JQ='def attacker(a): .process.args = a
	| .process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])
	| if has_ns("user") then . else ns_add("user")
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 1}]
		| mount_del("/sys/fs/cgroup")
		| .mounts |= map(if .destination == "/dev/pts" then .options |= map(select(. != "gid=5")) else . end)
	end;'

# canary_new: $TEST_DIR/canary, the host file the attacks append to when
# they get out (writable by anyone: reaching it is the failure).
canary_new() {
	echo intact >"$TEST_DIR/canary" && chmod 666 "$TEST_DIR/canary"
}

# canary_intact FILE...: the canary is untouched and the attack outputs
# FILE... report no leak, escape or read of the secret.
canary_intact() {
	local f
	[ "$(<"$TEST_DIR/canary")" = intact ] ||
		{ why "the host canary was written from the container: $(tail -n +2 "$TEST_DIR/canary" | head -n 3 | tr '\n' ' ')"; return 1; }
	for f in "$@"; do
		[ -f "$f" ] || continue
		! grep -m1 -E '^(leak|escape|overwrote):|conform-secret' "$f" >"$TEST_DIR/.hit" ||
			{ why "${f##*/}: $(<"$TEST_DIR/.hit")"; return 1; }
	done
}

# rt_copy_setup: run the runtime from a copy in the test directory (owned by
# the runtime's user), so that an overwrite hurts nothing; RTC_SUM, RTC_INO
# and RTC_DEV describe it.
rt_copy_setup() {
	local i found=''
	cp "$RT_PATH" "$TEST_DIR/rt-copy" && chmod 755 "$TEST_DIR/rt-copy" ||
		{ why "cannot copy $RT_PATH"; return 1; }
	[ "$RT_UNPRIV" = 0 ] || chown "$RT_UID:$RT_GID" "$TEST_DIR/rt-copy"
	for i in "${!RT_CMD[@]}"; do
		if [ "${RT_CMD[i]}" = "$RT_PATH" ]; then
			RT_CMD[i]=$TEST_DIR/rt-copy
			found=1
		fi
	done
	[ -n "$found" ] || skip_test "the profile's command does not run $RT_PATH itself: no copy to run"
	RTC_SUM=$(cksum <"$TEST_DIR/rt-copy")
	RTC_INO=$(stat -c %i "$TEST_DIR/rt-copy")
	RTC_DEV=$(stat -c %d "$TEST_DIR/rt-copy")
}

# copy_intact: the runtime copy is as it was.
copy_intact() {
	[ "$(cksum <"$TEST_DIR/rt-copy")" = "$RTC_SUM" ] ||
		why "the runtime binary was overwritten from the container: $(grep -m2 -E '^(opened|overwrote):' "$@" | tr '\n' ' ')"
}

# as_rt_user PATH...: hand PATH to the runtime's user (unprivileged runs).
as_rt_user() {
	[ "$RT_UNPRIV" = 0 ] || chown "$RT_UID:$RT_GID" "$@"
}

# wait_for_line FILE PATTERN [SECONDS]: a line of FILE matches PATTERN.
wait_for_line() {
	local end=$(( ${EPOCHREALTIME/./} / 1000 + ${3:-5} * 1000 ))
	until grep -q -- "$2" "$1" 2>/dev/null; do
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ] || { why "${1##*/}: no '$2' within ${3:-5}s"; return 1; }
		nap 0.02
	done
}

# The same attacker without a user namespace, as root: CAP_SYS_PTRACE is then
# the host's, and reaches any process, non-dumpable or not. A runtime process
# in the container must then hold nothing of the host at all, and not run the
# host's runtime binary (runc and urun run a sealed memfd copy).
ATTACK_HOST_PTRACE_JQ='def attacker(a): .process.args = a
	| .process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"]);'
