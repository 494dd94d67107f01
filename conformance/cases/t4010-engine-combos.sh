#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='what engines send: runAsUser with groups and caps, docker and podman defaults, resources {}, fileMode type bits, cgroupns, setsid, kill --all'
# shellcheck source=../lib.sh
. ../lib.sh

# The engines' defaults, written from their published sources by
# engine-defaults/gen.sh (docker 20.10, podman 4.3 / containers-common 0.50).
ED=$CONFORM_DIR/cases/engine-defaults
DOCKER_CAPS=$(<"$ED/docker-caps.json")
PODMAN_CAPS=$(<"$ED/podman-caps.json")

# engine_run SECCOMP CAPS-FILTER [FILTER]: run a shell that calls the probe's
# syscalls (unshare, sethostname, personality-noaslr, futex_waitv, getcwd, chown)
# and then "probe report", under the seccomp profile file SECCOMP; every JSON
# document it prints, as an array, in $TEST_DIR/all.json.
engine_run() {
	bundle_new --argjson sc "$(<"$ED/$1")" "
		.linux.seccomp = \$sc | .process.noNewPrivileges = false | $2 | ${3:-.}
		| .process.args = [\"/bin/sh\", \"-c\", \"for s in unshare sethostname personality-noaslr futex_waitv getcwd chown; do /probe syscall \$s; done; /probe report\"]" &&
	probe_report &&
	jq -s "." "$REPORT" >"$TEST_DIR/all.json" 2>"$TEST_DIR/jq.err" || why "the output is not JSON: $(head -c 200 "$REPORT")"
}
# errno_of SYSCALL: the jq path of its errno in all.json
errno_of() { printf '[.[] | select(.syscall == "%s") | .errno]' "$1"; }

expect_field process.user.uid process.user.gid process.user.additionalGids process.capabilities
test_expect_success 'runAsUser with additionalGids and capabilities in every set (as engines send them)' '
	m=$(subid_map) &&
	bundle_new "$m | .process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20]} | .process.noNewPrivileges = false
		| .process.capabilities = ([\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"] as \$c
			| {bounding: \$c, effective: \$c, permitted: \$c, inheritable: \$c, ambient: \$c})" &&
	probe_report &&
	report_eq "[.uid, .euid, .gid, .egid]" "[1000,1000,1000,1000]" \
		"[.groups[] | select(. != 1000)] | sort" "[10,20]" \
		".caps.effective | sort" "[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"
'

expect_field linux.seccomp process.capabilities
test_expect_success 'docker defaults as root: its capabilities and seccomp profile apply, argument rules included' '
	engine_run docker-seccomp.json ".process.capabilities = ($DOCKER_CAPS as \$c | {bounding: \$c, effective: \$c, permitted: \$c, inheritable: \$c})" &&
	json_eq all.json "[.[] | select(.caps) | .seccomp]" "[2]" \
		"[.[] | select(.caps) | .caps.effective | sort]" "[$DOCKER_CAPS | sort]" \
		"$(errno_of unshare)" "[\"EPERM\"]" "$(errno_of sethostname)" "[\"EPERM\"]" \
		"$(errno_of personality-noaslr)" "[\"EPERM\"]" "$(errno_of getcwd)" "[null]" "$(errno_of chown)" "[null]" \
		"$(errno_of futex_waitv)" "[\"EINVAL\"]"
'

expect_field linux.seccomp process.capabilities process.user.uid process.noNewPrivileges
test_expect_success 'docker defaults with a non-root user (USER in a Dockerfile), noNewPrivileges false' '
	m=$(subid_map) &&
	engine_run docker-seccomp.json ".process.capabilities = ($DOCKER_CAPS as \$c | {bounding: \$c, effective: \$c, permitted: \$c, inheritable: \$c})" \
		"$m | .process.user = {uid: 1000, gid: 1000}" &&
	json_eq all.json "[.[] | select(.caps) | [.uid, .seccomp, .no_new_privs]]" "[[1000,2,0]]" \
		"$(errno_of unshare)" "[\"EPERM\"]" "$(errno_of getcwd)" "[null]"
'

expect_field linux.seccomp linux.seccomp.defaultErrnoRet process.capabilities
test_expect_success 'podman defaults as root: its capabilities and seccomp profile apply, defaultErrnoRet ENOSYS included' '
	engine_run podman-seccomp.json ".process.capabilities = ($PODMAN_CAPS as \$c | {bounding: \$c, effective: \$c, permitted: \$c})" &&
	json_eq all.json "[.[] | select(.caps) | .seccomp]" "[2]" \
		"[.[] | select(.caps) | .caps.effective | sort]" "[$PODMAN_CAPS | sort]" \
		"$(errno_of futex_waitv)" "[\"ENOSYS\"]" "$(errno_of sethostname)" "[\"EPERM\"]" \
		"$(errno_of personality-noaslr)" "[\"ENOSYS\"]" "$(errno_of getcwd)" "[null]"
'

expect_field linux.seccomp linux.seccomp.defaultErrnoRet process.capabilities process.user.uid process.noNewPrivileges
test_expect_success 'podman defaults with a non-root user: capabilities only in bounding, seccomp, noNewPrivileges false' '
	m=$(subid_map) &&
	engine_run podman-seccomp.json ".process.capabilities = {bounding: $PODMAN_CAPS}" "$m | .process.user = {uid: 1000, gid: 1000}" &&
	json_eq all.json "[.[] | select(.caps) | [.uid, .seccomp, .caps.effective]]" "[[1000,2,[]]]" \
		"$(errno_of futex_waitv)" "[\"ENOSYS\"]" "$(errno_of getcwd)" "[null]"
'

expect_field linux.resources
test_expect_success 'resources {} (podman always sends it): the container runs and nothing warns' '
	bundle_new ".linux.resources = {}" &&
	probe_report &&
	{ ! grep -qi warn run.err || why "a warning for an empty resources: $(grep -i -m1 warn run.err)"; } &&
	report_expect ".uid == 0" "no report"
'

expect_field linux.devices.fileMode
test_expect_success ROOT 'a device whose fileMode carries the type bits (0o20666 = 8630, podman --device)' '
	bundle_new ".linux.devices = [{path: \"/dev/conform-fm\", type: \"c\", major: 1, minor: 3, fileMode: 8630, uid: 0, gid: 0}]
		| probe([\"report\", \"--path\", \"/dev/conform-fm\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/conform-fm\"] | [.type, .rdev_major, .rdev_minor, .mode]" "[\"chardev\",1,3,438]"
'

expect_field linux.devices.fileMode
test_expect_success 'a host device listed with fileMode 8630 (type bits) is there with mode 0666' '
	bundle_new ".linux.devices = [{path: \"/dev/full\", type: \"c\", major: 1, minor: 7, fileMode: 8630, uid: 0, gid: 0}]
		| probe([\"report\", \"--path\", \"/dev/full\"])" &&
	probe_report &&
	report_eq ".paths[\"/dev/full\"] | [.type, .rdev_major, .rdev_minor, .mode]" "[\"chardev\",1,7,438]"
'

expect_field linux.namespaces.type=cgroup
test_expect_success 'a new cgroup namespace: the container sees its own cgroup as / in every hierarchy' '
	bundle_new "ns_add(\"cgroup\")" &&
	probe_report &&
	report_expect "(.cgroup | length) > 0 and all(.cgroup[]; endswith(\":/\"))" \
		"/proc/self/cgroup is not / everywhere: $(jq -c .cgroup "$REPORT" | head -c 300)"
'

test_expect_success 'the init is a session leader without a terminal (setsid, as runc)' '
	test_when_finished cleanup_ct &&
	bundle_new ".process.terminal = false | probe([\"sleep\", \"60\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	read -r stat <"/proc/$pid/stat" &&
	rest=${stat##*) } && read -r _ _ _ sid _ <<<"$rest" &&
	{ test "$sid" = "$pid" || why "the init $pid is in session $sid, not a session leader"; }
'

expect_field linux.namespaces.type=pid
test_expect_success ROOT,CGROUP 'kill --all after the init exited kills what is left (shared pid namespace)' '
	test_when_finished cleanup_ct &&
	bundle_new "ns_del(\"pid\") | shared | .process.args = [\"/bin/sh\", \"-c\",
		\"/probe sleep 60 & echo \$! > /shared/child; exit 0\"]" &&
	require_cgroup_manager &&
	start_bg &&
	wait_for_file shared/child &&
	child=$(<shared/child) &&
	test_when_finished "kill -KILL $child 2>/dev/null; cleanup_ct" &&
	wait_for_status "$CID" stopped &&
	{ pid_alive "$child" || why "harness: the child $child is already gone"; } &&
	{ rt kill --all "$CID" KILL >out 2>err || why "kill --all failed: $(first_line_ err)"; } &&
	wait_for_gone "$child" &&
	{ rt delete "$CID" >out 2>err || why "delete after kill --all failed: $(first_line_ err)"; } &&
	nothing_left
'
test_done
