#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: exec must not hand the host to the container (fds, cwd, /proc/PID/exe of the exec child)'
# shellcheck source=../lib.sh
. ../lib.sh

# shellcheck source=exec-attack.sh
. ./exec-attack.sh

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
	for ((i = 1; i <= 30; i++)); do
		rt exec --pid-file "$TEST_DIR/pids/$i" "$CID" /probe exit 0 7<"$TEST_DIR" 2>>exec.err || break
		execs=$((execs + 1))
	done
	canary_intact "$CID.out" &&
	{ [ "$execs" -gt 0 ] || why "exec failed: $(head -c 200 exec.err)"; }
'

expect_field process.args
test_expect_success ROOT '[CVE-2016-9962] exec: no fd, cwd or root of the exec child reaches the host (CAP_SYS_PTRACE, no user namespace)' '
	test_when_finished cleanup_ct &&
	canary_new && mkdir pids &&
	bundle_new --arg d "$TEST_DIR" "$ATTACK_HOST_PTRACE_JQ attacker([\"/attacks/exec_fdscan\", \$d, \"8000\"])" &&
	start_bg && wait_for_line "$CID.out" "^ready" &&
	execs=0 &&
	for ((i = 1; i <= 30; i++)); do
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
	for ((i = 1; i <= 30; i++)); do
		rt exec "$CID" /probe exit 0 2>>exec.err || break
		execs=$((execs + 1))
	done
	wait_for_line "$CID.out" "^done" 8 &&
	copy_intact "$CID.out" &&
	{ [ "$execs" -gt 0 ] || why "exec failed: $(head -c 200 exec.err)"; }
'

expect_field process.args
test_expect_success ROOT '[CVE-2019-5736] exec: /proc/PID/exe of the exec child cannot be used to overwrite the runtime binary (CAP_SYS_PTRACE, no user namespace)' '
	test_when_finished cleanup_ct &&
	rt_copy_setup &&
	bundle_new --arg i "$RTC_INO" --arg d "$RTC_DEV" "$ATTACK_HOST_PTRACE_JQ attacker([\"/attacks/exec_exe\", \$i, \$d, \"2500\"])" &&
	start_bg && wait_for_line "$CID.out" "^ready" &&
	execs=0 &&
	for ((i = 1; i <= 30; i++)); do
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
