#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: create/run must not hand the host to the container (fds and cwd of the init, the waiting init)'
# shellcheck source=../lib.sh
. ../lib.sh
# shellcheck source=exec-attack.sh
. ./exec-attack.sh

# names_cwd FILE: the error in FILE names the cwd (the word, or its path).
names_cwd() {
	local cwd
	cwd=$(config_get .process.cwd)
	grep -qi -e "cwd" -e "working dir" -e "$cwd" "$1" ||
		why "the error does not name the cwd: $(head -c 200 "$1")"
}

# run_escape [ARG...]: run $BUNDLE (exec_escape as its process) with ARGs
# before the id; passes when the run fails naming the cwd, or succeeds
# without the attack reaching the host.
run_escape() {
	if rt run "$@" --bundle "$BUNDLE" "$CID" >escape.out 2>escape.err; then
		canary_intact escape.out &&
		{ grep -q "^done" escape.out || why "the attack did not run: $(head -c 200 escape.err)"; }
	else
		canary_intact escape.out && names_cwd escape.err
	fi
}

expect_field process.cwd
test_expect_success '[CVE-2024-21626] run: process.cwd /proc/self/fd/7, a host directory the caller left open, fails clearly' '
	canary_new &&
	bundle_new --arg d "$TEST_DIR" ".process.cwd = \"/proc/self/fd/7\" | .process.args = [\"/attacks/exec_escape\", \$d]" &&
	run_escape 7<"$TEST_DIR" &&
	nothing_left
'

expect_field process.cwd
test_expect_success '[CVE-2024-21626] run: a process.cwd that the image made a symlink to /proc/self/fd/7 does not reach the host' '
	canary_new &&
	bundle_new --arg d "$TEST_DIR" ".process.cwd = \"/work\" | .process.args = [\"/attacks/exec_escape\", \$d]" &&
	ln -s /proc/self/fd/7 "$BUNDLE/rootfs/work" &&
	run_escape 7<"$TEST_DIR" &&
	nothing_left
'

expect_field process.cwd
test_expect_success '[CVE-2024-21626] run --preserve-fds 1: process.cwd /proc/self/fd/3, a host directory, is refused' '
	canary_new &&
	bundle_new --arg d "$TEST_DIR" ".process.cwd = \"/proc/self/fd/3\" | .process.args = [\"/attacks/exec_escape\", \$d]" &&
	if rt run --preserve-fds 1 --bundle "$BUNDLE" "$CID" >escape.out 2>escape.err 3<"$TEST_DIR"; then
		canary_intact escape.out && why "run started the process in a host directory"
	else
		canary_intact escape.out && names_cwd escape.err
	fi &&
	nothing_left
'

expect_field process.args
test_expect_success '[CVE-2016-9962] run: a host file or directory the caller left open does not reach the container' '
	canary_new && echo conform-secret >secret &&
	bundle_new --arg d "$TEST_DIR" ".process.args = [\"/attacks/exec_escape\", \$d]" &&
	rt run --bundle "$BUNDLE" "$CID" >escape.out 2>escape.err 5<secret 7<"$TEST_DIR" &&
	{ grep -q "^done" escape.out || why "the attack did not run: $(head -c 200 escape.err)"; } &&
	canary_intact escape.out &&
	nothing_left
'

expect_field process.args
test_expect_success '[CVE-2016-9962] create: the fds, cwd and root of the waiting init are out of reach of a process exec-ed into the container' '
	test_when_finished cleanup_ct &&
	canary_new &&
	bundle_new "$ATTACK_JQ attacker([\"/probe\", \"sleep\", \"10\"])" &&
	ct_create &&
	if rt exec "$CID" /attacks/exec_fdscan "$TEST_DIR" 300 >scan.out 2>scan.err; then
		grep -q "^done" scan.out || why "the scan did not run: $(head -c 200 scan.err)"
	fi &&
	canary_intact scan.out
'

expect_field process.args
test_expect_success '[CVE-2019-5736] create: /proc/PID/exe of the waiting init cannot be used to overwrite the runtime binary once it starts' '
	test_when_finished cleanup_ct &&
	rt_copy_setup &&
	bundle_new "$ATTACK_JQ attacker([\"/probe\", \"sleep\", \"6\"])" &&
	ct_create &&
	exec_ok=1 &&
	{ rt exec -d "$CID" /attacks/exec_exe "$RTC_INO" "$RTC_DEV" 2500 >exe.out 2>exe.err || exec_ok=0; } &&
	if [ "$exec_ok" = 1 ]; then wait_for_line exe.out "^ready"; fi &&
	rt start "$CID" &&
	if [ "$exec_ok" = 1 ]; then wait_for_line exe.out "^done" 8; fi &&
	copy_intact exe.out
'
expect_field process.args
test_expect_success ROOT '[CVE-2019-5736] create: /proc/PID/exe of the waiting init cannot be used to overwrite the runtime binary once it starts (CAP_SYS_PTRACE, no user namespace)' '
	test_when_finished cleanup_ct &&
	rt_copy_setup &&
	bundle_new "$ATTACK_HOST_PTRACE_JQ attacker([\"/probe\", \"sleep\", \"6\"])" &&
	ct_create &&
	rt exec -d "$CID" /attacks/exec_exe "$RTC_INO" "$RTC_DEV" 2500 >exe.out 2>exe.err &&
	wait_for_line exe.out "^ready" &&
	rt start "$CID" &&
	wait_for_line exe.out "^done" 8 &&
	copy_intact exe.out
'
expect_field process.args
test_expect_success ROOT '[CVE-2016-9962] create: the fds, cwd and root of the waiting init are out of reach of a process exec-ed into the container (CAP_SYS_PTRACE, no user namespace)' '
	test_when_finished cleanup_ct &&
	canary_new &&
	bundle_new "$ATTACK_HOST_PTRACE_JQ attacker([\"/probe\", \"sleep\", \"10\"])" &&
	ct_create &&
	rt exec "$CID" /attacks/exec_fdscan "$TEST_DIR" 300 >scan.out 2>scan.err &&
	{ grep -q "^done" scan.out || why "the scan did not run: $(head -c 200 scan.err)"; } &&
	canary_intact scan.out
'
test_done
