#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='a non-root process.user with a seccomp filter and noNewPrivileges false (podman, docker and Kubernetes defaults with USER / runAsUser)'
# shellcheck source=../lib.sh
. ../lib.sh

# Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: a runtime that
# loads it after switching to a non-root uid has lost it by then.
SECCOMP='.process.noNewPrivileges = false
	| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["sethostname"], action: "SCMP_ACT_ERRNO"}]}'

# subid_maps: unprivileged, a user namespace that also maps ids 1-65536 of
# the container from the runtime user's /etc/subuid and /etc/subgid ranges
# (newuidmap), so that uid 1000 exists; SUBID_JQ is the patch.
subid_maps() {
	SUBID_JQ=.
	[ "$RT_UNPRIV" = 1 ] || return 0
	local u g
	u=$(awk -F: -v n="$RT_USER" '$1 == n && $3 >= 65536 { print $2; exit }' /etc/subuid 2>/dev/null)
	g=$(awk -F: -v n="$RT_USER" '$1 == n && $3 >= 65536 { print $2; exit }' /etc/subgid 2>/dev/null)
	[ -n "$u" ] && [ -n "$g" ] && command -v newuidmap >/dev/null ||
		skip_test "unprivileged: $RT_USER has no 65536 ids in /etc/subuid and /etc/subgid (or no newuidmap)"
	SUBID_JQ=".linux.uidMappings = [{containerID: 0, hostID: $RT_UID, size: 1}, {containerID: 1, hostID: $u, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: $RT_GID, size: 1}, {containerID: 1, hostID: $g, size: 65536}]"
}

expect_field linux.seccomp process.user.uid process.noNewPrivileges
test_expect_success 'run: uid 1000 with a seccomp filter and noNewPrivileges false starts, filtered' '
	subid_maps &&
	bundle_new "$SUBID_JQ | $SECCOMP | .process.user = {uid: 1000, gid: 1000}" &&
	probe_report &&
	report_eq .uid 1000 .gid 1000 .seccomp 2 .no_new_privs 0
'

expect_field linux.seccomp process.user.uid process.noNewPrivileges
test_expect_success 'exec --user 1000:1000 into a container with a seccomp filter and noNewPrivileges false' '
	test_when_finished cleanup_ct &&
	subid_maps &&
	bundle_new "$SUBID_JQ | $SECCOMP | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	rt exec --user 1000:1000 "$CID" /probe report >"$REPORT" 2>exec.err ||
		{ why "exec failed: $(head -c 200 exec.err)"; return 1; }
	report_eq .uid 1000 .gid 1000 .seccomp 2 .no_new_privs 0
'
test_done
