#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='exec: every flag of runc exec, exit status (runc CLI; runtime.md has no exec)'
# shellcheck source=../lib.sh
. ../lib.sh

# exec_ct [FILTER]: a running container whose init sleeps, from the base
# config patched by FILTER.
exec_ct() {
	bundle_new "${1:-.} | probe([\"sleep\", \"60\"])" && start_bg
}

# exec_report ARG...: "exec ARG... $CID /probe report", its output in $REPORT.
exec_report() {
	rt exec "$@" "$CID" /probe report >"$REPORT" 2>"$TEST_DIR/exec.err" ||
		why "exec $* failed: $(first_line_ "$TEST_DIR/exec.err")"
}

# has_mark PID: PID carries this test's mark in its environment within 2 s
# (a runtime may write the pid file before its helper has exec'd the process).
has_mark() {
	local i
	for (( i = 0; i < 40; i++ )); do
		grep -qsxz "CONFORM_TEST=$TEST_MARK" "/proc/$1/environ" && return 0
		nap 0.05
	done
	return 1
}

# still_running: the container was not disturbed by a refused exec.
still_running() {
	test "$(state_status)" = running || why "the container is $(state_status) after the refused exec, want running"
}

test_expect_success 'exec runs the command in the container with the config'"'"'s process settings' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.cwd = \"/tmp\" | .process.env += [\"CONFIG_VAR=1\"]" &&
	exec_report &&
	report_eq .cwd "\"/tmp\"" .uid 0 .hostname "\"urun\"" \
		"[.env[] | select(startswith(\"PATH=\") or startswith(\"CONFIG_VAR=\") or startswith(\"CONFORM_TEST=\"))] | length" 3
'

test_expect_success 'exec returns the exit status of the process' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	{ rt exec "$CID" /probe exit 0 || why "exec of exit 0 failed"; } &&
	{ rt exec "$CID" /probe exit 7; rc=$?; true; } &&
	{ test "$rc" = 7 || why "exec of exit 7 returned $rc"; } &&
	still_running
'

test_expect_success 'exec of a process killed by SIGKILL returns 137 (128 + signal, runc)' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	{ rt exec "$CID" /bin/sh -c "kill -KILL \$\$"; rc=$?; true; } &&
	{ test "$rc" = 137 || why "exec returned $rc, want 137"; } &&
	still_running
'

test_expect_success 'exec of a command that does not exist fails and the container keeps running' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	{ ! rt exec "$CID" /conform-nonexistent >out 2>err || why "exec of a missing binary succeeded"; } &&
	still_running
'

test_expect_success 'exec without a command (and without --process) fails' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	{ ! rt exec "$CID" >out 2>err || why "exec without a command succeeded"; } &&
	still_running
'

test_expect_success 'exec into an unknown container fails' '
	! rt exec "$CID-nosuch" /probe exit 0 >out 2>err || why "exec into an unknown ID succeeded"
'

test_expect_success 'exec --process FILE runs the process of process.json (args, env, cwd)' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	jq ".process | .args = [\"/probe\", \"report\"] | .env += [\"FROM_JSON=yes\"] | .cwd = \"/etc\"" \
		"$BUNDLE/config.json" >process.json &&
	rt exec --process "$TEST_DIR/process.json" "$CID" >"$REPORT" 2>exec.err ||
		why "exec --process failed: $(first_line_ exec.err)" &&
	report_eq .cwd "\"/etc\"" "[.env[] | select(. == \"FROM_JSON=yes\")] | length" 1
'

test_expect_success 'exec -p FILE: the short form' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	jq ".process | .args = [\"/probe\", \"exit\", \"5\"]" "$BUNDLE/config.json" >process.json &&
	{ rt exec -p "$TEST_DIR/process.json" "$CID"; rc=$?; true; } &&
	test "$rc" = 5 || why "exec -p of exit 5 returned $rc"
'

test_expect_success 'exec --cwd sets the working directory' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	exec_report --cwd /etc &&
	report_eq .cwd "\"/etc\""
'

test_expect_success 'exec --env adds variables and keeps the config'"'"'s' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	exec_report --env EXEC_A=1 --env "EXEC_B=two words" &&
	report_expect "(.env | index(\"EXEC_A=1\") != null) and (.env | index(\"EXEC_B=two words\") != null)
		and any(.env[]; startswith(\"PATH=\")) and any(.env[]; startswith(\"CONFORM_TEST=\"))" \
		"env is not the config'"'"'s plus EXEC_A and EXEC_B"
'

test_expect_success 'exec -e (short form) adds a variable' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	exec_report -e EXEC_C=3 &&
	report_expect "(.env | index(\"EXEC_C=3\") != null) and any(.env[]; startswith(\"PATH=\"))" "env lacks EXEC_C=3 or PATH"
'

test_expect_success 'exec -u (short form) UID:GID' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m" &&
	exec_report -u 1002:1003 &&
	report_eq "[.uid, .gid]" "[1002,1003]"
'

test_expect_success 'exec --user UID:GID runs as that user' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m" &&
	exec_report --user 1000:1001 &&
	report_eq "[.uid, .euid, .gid, .egid]" "[1000,1000,1001,1001]"
'

test_expect_success 'exec -u UID keeps the config'"'"'s gid and additionalGids (runc)' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m | .process.user = {uid: 0, gid: 20, additionalGids: [10]}" &&
	exec_report -u 1000 &&
	report_eq "[.uid, .gid]" "[1000,20]" "(.groups | index(10)) != null" true
'

test_expect_success 'exec --additional-gids adds supplementary groups' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m" &&
	exec_report --user 1000:1000 --additional-gids 10 --additional-gids 20 &&
	report_expect "(.groups | index(10) != null) and (.groups | index(20) != null)" "groups are not 10 and 20"
'

test_expect_success 'exec --cap adds capabilities to the process' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	exec_report --cap CAP_CHOWN --cap CAP_FOWNER &&
	report_expect "[.caps.bounding, .caps.effective, .caps.permitted] | all(index(\"CAP_CHOWN\") != null and index(\"CAP_FOWNER\") != null and index(\"CAP_KILL\") != null)" \
		"CAP_CHOWN, CAP_FOWNER (added) and CAP_KILL (config) are not all in bounding, effective and permitted"
'

test_expect_success 'exec -g and -c: the short forms of --additional-gids and --cap' '
	test_when_finished cleanup_ct &&
	m=$(subid_map) &&
	exec_ct "$m" &&
	exec_report -u 1000:1000 -g 10 -c CAP_CHOWN &&
	report_expect "(.groups | index(10) != null) and (.caps.bounding | index(\"CAP_CHOWN\") != null)" "group 10 or CAP_CHOWN (bounding) missing"
'

test_expect_success 'exec --no-new-privs sets no_new_privs; without it the config'"'"'s false holds' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.noNewPrivileges = false" &&
	exec_report &&
	report_eq .no_new_privs 0 &&
	exec_report --no-new-privs &&
	report_eq .no_new_privs 1
'

test_expect_success PYTHON3 'exec --tty --detach --console-socket: the process gets a terminal over the socket' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	console_listen "$TEST_DIR/console.sock" "$TEST_DIR/console.out" &&
	rt exec --tty --detach --console-socket "$TEST_DIR/console.sock" "$CID" \
		/bin/sh -c "tty; test -t 0 && test -t 1 && test -t 2 && echo all-tty" >out 2>err ||
		why "exec -t -d --console-socket failed: $(first_line_ err)" &&
	console_wait &&
	out=$(tr -d "\r" <console.out) &&
	{ echo "$out" | grep -q "^/dev/pts/" || why "tty says: $(echo "$out" | head -n1)"; } &&
	{ echo "$out" | grep -qx all-tty || why "stdin, stdout, stderr are not all terminals"; }
'

test_expect_success PYTHON3 'exec -t (short form) with -d and --console-socket' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	console_listen "$TEST_DIR/console.sock" "$TEST_DIR/console.out" &&
	rt exec -t -d --console-socket "$TEST_DIR/console.sock" "$CID" /bin/sh -c "test -t 1 && echo is-tty" >out 2>err ||
		why "exec -t -d --console-socket failed: $(first_line_ err)" &&
	console_wait &&
	{ tr -d "\r" <console.out | grep -qx is-tty || why "stdout is not a terminal: $(tr -d "\r" <console.out | head -c 100)"; }
'

test_expect_success 'exec without --tty: stdio is not a terminal' '
	test_when_finished cleanup_ct &&
	exec_ct ".process.terminal = false" &&
	out=$(rt exec "$CID" /bin/sh -c "test -t 1 && echo tty || echo no-tty" 2>err) &&
	{ test "$out" = no-tty || why "exec says \"$out\", want no-tty"; }
'

test_expect_success 'exec --detach returns while the process runs; --pid-file names it' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	t0=${EPOCHREALTIME%.*} &&
	rt exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 30 >out 2>err ||
		why "exec -d failed: $(first_line_ err)" &&
	{ test $(( ${EPOCHREALTIME%.*} - t0 )) -lt 10 || why "exec --detach waited for the process"; } &&
	wait_for_file exec.pid &&
	pid=$(<exec.pid) &&
	{ pid_alive "$pid" || why "the pid-file names $pid, which is not running"; } &&
	init=$(state_pid) &&
	{ test "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$init/ns/pid)" ||
		why "the --pid-file process $pid is not in the container'"'"'s pid namespace"; } &&
	{ has_mark "$pid" || why "process $pid is not the exec'"'"'d process (no mark in its environment after 2s)"; }
'

test_expect_success 'exec -d (short form) returns while the process runs' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	rt exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 30 >out 2>err ||
		why "exec -d failed: $(first_line_ err)" &&
	wait_for_file exec.pid &&
	{ pid_alive "$(<exec.pid)" || why "the exec'"'"'d process is not running after exec -d returned"; }
'

test_expect_success 'exec --pid-file without --detach names the process while it runs' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	{ rt exec --pid-file "$TEST_DIR/exec.pid" "$CID" /probe sleep 3 >out 2>err & } &&
	wait_for_file exec.pid &&
	pid=$(<exec.pid) &&
	init=$(state_pid) &&
	{ test "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$init/ns/pid)" ||
		why "the --pid-file process $pid is not in the container'"'"'s pid namespace"; } &&
	{ wait || why "exec --pid-file failed: $(first_line_ err)"; }
'

test_expect_success 'exec --preserve-fds 1 passes fd 3 to the process' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	echo conform-fd3 >fd3.txt &&
	out=$(rt exec --preserve-fds 1 "$CID" /bin/sh -c "read -r l <&3 && echo \"\$l\"" 3<fd3.txt 2>err) ||
		why "exec --preserve-fds 1 failed: $(first_line_ err)" &&
	{ test "$out" = conform-fd3 || why "fd 3 read \"$out\", want conform-fd3"; }
'

test_expect_success 'exec without --preserve-fds: the caller'"'"'s fd 3 does not reach the process' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	echo conform-fd3 >fd3.txt &&
	{ out=$(rt exec "$CID" /bin/sh -c "read -r l <&3 && echo \"\$l\"" 3<fd3.txt 2>/dev/null); true; } &&
	{ test -z "$out" || why "without --preserve-fds the process read the caller'"'"'s fd 3: \"$out\""; }
'

expect_field process.apparmorProfile
test_expect_success 'exec --apparmor: applied when supported, refused naming apparmor when declared rejected' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	if [ "$TEST_DECL" = rejected ]; then
		{ ! rt exec --apparmor conform-profile "$CID" /probe exit 0 >out 2>err || why "exec --apparmor succeeded, but the runtime declares process.apparmorProfile rejected"; } &&
		{ grep -qi apparmor err out || why "the refusal does not name apparmor: $(first_line_ err)"; } &&
		still_running
	else
		test_have_prereq APPARMOR || skip_test "$PREREQ_WHY"
		out=$(rt exec --apparmor unconfined "$CID" /probe cat /proc/self/attr/current 2>err) ||
			why "exec --apparmor unconfined failed: $(first_line_ err)" &&
		{ test "${out%% *}" = unconfined || why "the process runs under \"$out\""; }
	fi
'

expect_field process.selinuxLabel
test_expect_success 'exec --process-label: applied when supported, refused naming it when declared rejected' '
	test_when_finished cleanup_ct &&
	exec_ct &&
	if [ "$TEST_DECL" = rejected ]; then
		{ ! rt exec --process-label system_u:system_r:container_t:s0 "$CID" /probe exit 0 >out 2>err ||
			why "exec --process-label succeeded, but the runtime declares process.selinuxLabel rejected"; } &&
		{ grep -qiE "selinux|label" err out || why "the refusal names neither selinux nor the label: $(first_line_ err)"; } &&
		still_running
	else
		test_have_prereq SELINUX || skip_test "$PREREQ_WHY"
		out=$(rt exec --process-label system_u:system_r:container_t:s0 "$CID" /probe cat /proc/self/attr/current 2>err) ||
			why "exec --process-label failed: $(first_line_ err)" &&
		{ test "${out%%:s0*}" = system_u:system_r:container_t || why "the process label is \"$out\""; }
	fi
'
test_done
