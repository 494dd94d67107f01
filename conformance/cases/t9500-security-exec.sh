#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: exec must not hand the host to the container (fds, cwd, /proc/PID/exe of the exec child)'
# shellcheck source=../lib.sh
. ../lib.sh

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

expect_field process.args
test_expect_success '[CVE-2016-9962] exec: a host file the caller left open is not readable by the exec process' '
	test_when_finished cleanup_ct &&
	canary_new && echo conform-secret >secret &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	rt exec "$CID" /attacks/exec_escape "$TEST_DIR" >escape.out 2>escape.err 5<secret &&
	wait_for_line escape.out "^done" &&
	canary_intact escape.out
'

expect_field process.args
test_expect_success '[CVE-2016-9962] exec: no fd, cwd or root of the exec child reaches the host while it enters the container' '
	test_when_finished cleanup_ct &&
	canary_new && mkdir pids && as_rt_user pids &&
	bundle_new --arg d "$TEST_DIR" "$ATTACK_JQ attacker([\"/attacks/exec_fdscan\", \$d, \"8000\"])" &&
	start_bg && wait_for_line "$CID.out" "^ready" &&
	execs=0 &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		rt exec --pid-file "$TEST_DIR/pids/$i" "$CID" /probe exit 0 7<"$TEST_DIR" 2>>exec.err || break
		execs=$((execs + 1))
	done
	canary_intact "$CID.out" &&
	{ [ "$execs" -gt 0 ] || why "exec failed: $(head -c 200 exec.err)"; }
'

expect_field process.args
test_expect_success '[CVE-2019-5736] exec: /proc/PID/exe of the exec child cannot be used to overwrite the runtime binary' '
	test_when_finished cleanup_ct &&
	rt_copy_setup &&
	bundle_new --arg i "$RTC_INO" --arg d "$RTC_DEV" "$ATTACK_JQ attacker([\"/attacks/exec_exe\", \$i, \$d, \"2500\"])" &&
	start_bg && wait_for_line "$CID.out" "^ready" &&
	execs=0 &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		rt exec "$CID" /probe exit 0 2>>exec.err || break
		execs=$((execs + 1))
	done
	wait_for_line "$CID.out" "^done" 8 &&
	copy_intact "$CID.out" &&
	{ [ "$execs" -gt 0 ] || why "exec failed: $(head -c 200 exec.err)"; }
'

expect_field process.cwd
test_expect_success '[CVE-2024-21626] exec --cwd /proc/self/fd/N (N = 3..9, a host directory open at 7) does not start in a host directory' '
	test_when_finished cleanup_ct &&
	canary_new &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	for n in 3 4 5 6 7 8 9; do
		if rt exec --cwd "/proc/self/fd/$n" "$CID" /attacks/exec_escape "$TEST_DIR" \
			>"escape.$n" 2>"err.$n" 7<"$TEST_DIR"; then
			grep -q "^done" "escape.$n" || { why "fd $n: the attack did not finish: $(head -c 200 "err.$n")"; return 1; }
		fi
	done &&
	canary_intact escape.*
'

expect_field process.cwd
test_expect_success '[CVE-2024-21626] exec: a cwd the container replaced by a symlink to /proc/self/fd/N does not reach the host' '
	test_when_finished cleanup_ct &&
	canary_new &&
	bundle_new "writable | probe([\"sleep\", \"30\"])" &&
	for n in 3 4 5 6 7 8 9; do ln -s "/proc/self/fd/$n" "$BUNDLE/rootfs/w$n" || return 1; done &&
	start_bg &&
	for n in 3 4 5 6 7 8 9; do
		rt exec --cwd "/w$n" "$CID" /attacks/exec_escape "$TEST_DIR" >"escape.$n" 2>"err.$n" 7<"$TEST_DIR"
	done
	canary_intact escape.*
'

expect_field process.cwd
test_expect_success '[CVE-2024-21626] exec --preserve-fds 1 --cwd /proc/self/fd/3, a host directory, is refused with a clear error' '
	test_when_finished cleanup_ct &&
	canary_new &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	if rt exec --preserve-fds 1 --cwd /proc/self/fd/3 "$CID" /attacks/exec_escape "$TEST_DIR" \
		>escape.out 2>escape.err 3<"$TEST_DIR"; then
		canary_intact escape.out && why "exec started the process in a host directory (its cwd is outside the container root)"
	else
		canary_intact escape.out &&
		{ grep -qi "cwd\|working dir" escape.err || why "the error does not name the cwd: $(head -c 200 escape.err)"; }
	fi
'
test_done
