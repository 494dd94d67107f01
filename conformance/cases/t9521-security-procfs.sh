#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: what a runtime does through /proc after pivot_root is not redirected by an image that crafts /proc (CVE-2025-52881 class)'
# shellcheck source=../lib.sh
. ../lib.sh

# Without a proc mount in the config, /proc in the container is the image's
# own directory. A runtime that remounts through /proc/self/fd/N, or writes
# /proc/sys/... and /proc/self/oom_score_adj there, must check that it is a
# procfs: it either applies the setting anyway (without /proc) or fails with
# an error naming /proc. Applying it to whatever the image put there, or not
# at all while reporting success, fails the test.
NO_PROC='mount_del("/proc") | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
# shellcheck disable=SC2016 # jq code
WRITABLE_SH='.process.args = ["/bin/sh", "-c", "if touch " + $f + "; then echo writable; else echo read-only; fi"]'

# own_ PATH...: what the test adds to the rootfs belongs to the runtime's user
# (unprivileged, the container's root is that user).
own_() {
	[ "$RT_UNPRIV" = 0 ] || chown -R -h "$RT_UID:$RT_GID" "$@"
}

# fd_links_ TARGET: the image's /proc/self/fd/N (N = 3..63) are symlinks to
# TARGET (a mount point in the container), where a remount through
# /proc/self/fd/N lands instead.
fd_links_() {
	local n
	mkdir -p "$BUNDLE/rootfs/proc/self/fd" &&
	for n in $(seq 3 63); do ln -s "$1" "$BUNDLE/rootfs/proc/self/fd/$n" || return 1; done
	own_ "$BUNDLE/rootfs/proc"
}

# refused_or_ OK_CMD...: the run ($? in RC) failed naming /proc, or it
# succeeded and OK_CMD holds.
refused_or_() {
	if [ "$rc" != 0 ]; then
		no_crash "$rc" && nothing_left &&
		{ grep -q /proc run.err || why "run failed without naming /proc: $(first_line_ run.err)"; }
		return
	fi
	"$@"
}

# out_read_only_ PATH FIELD: the container found PATH read-only.
out_read_only_() {
	[ "$(<out)" = read-only ] || why "$1 is $(<out) in the container: $2 was not applied"
}

# oom_score_adj_is_ N: the created container's process has oom_score_adj N.
oom_score_adj_is_() {
	local pid got
	pid=$(state_pid) && [ -n "$pid" ] || { why "no pid in the state"; return 1; }
	got=$(<"/proc/$pid/oom_score_adj")
	[ "$got" = "$1" ] || why "the container process has oom_score_adj $got, want $1"
}

expect_field root.readonly
test_expect_success '[CVE-2025-52881] root.readonly is applied (or create fails) when the image crafts /proc/self/fd and the config has no proc mount' '
	bundle_new --arg f /.conform-w "$NO_PROC | .root.readonly = true | $WRITABLE_SH" &&
	fd_links_ /dev &&
	{ rt run --bundle "$BUNDLE" "$CID" >out 2>run.err; rc=$?; } &&
	refused_or_ out_read_only_ / root.readonly
'

expect_field linux.readonlyPaths
test_expect_success '[CVE-2025-52881] readonlyPaths are applied (or create fails) when the image crafts /proc/self/fd and the config has no proc mount' '
	bundle_new --arg f /data/.conform-w "$NO_PROC | writable | .linux.readonlyPaths = [\"/data\"] | $WRITABLE_SH" &&
	mkdir "$BUNDLE/rootfs/data" && own_ "$BUNDLE/rootfs/data" && fd_links_ /dev &&
	{ rt run --bundle "$BUNDLE" "$CID" >out 2>run.err; rc=$?; } &&
	refused_or_ out_read_only_ /data linux.readonlyPaths
'

expect_field linux.sysctl
test_expect_success '[CVE-2025-52881] linux.sysctl is not written into an image file at /proc/sys when the config has no proc mount' '
	bundle_new "$NO_PROC | writable | .linux.sysctl = {\"kernel.domainname\": \"conform.example\"}" &&
	mkdir -p "$BUNDLE/rootfs/proc/sys/kernel" && echo untouched >"$BUNDLE/rootfs/proc/sys/kernel/domainname" &&
	own_ "$BUNDLE/rootfs/proc" &&
	{ rt run --bundle "$BUNDLE" "$CID" >"$REPORT" 2>run.err; rc=$?; } &&
	{ [ "$(<"$BUNDLE/rootfs/proc/sys/kernel/domainname")" = untouched ] ||
		why "the sysctl was written into the image file /proc/sys/kernel/domainname"; } &&
	refused_or_ report_eq .domainname "\"conform.example\""
'

expect_field process.oomScoreAdj
test_expect_success '[CVE-2025-52881] process.oomScoreAdj is not written into an image file at /proc/self when the config has no proc mount' '
	bundle_new "$NO_PROC | writable | .process.oomScoreAdj = 500 | probe([\"sleep\", \"10\"])" &&
	mkdir -p "$BUNDLE/rootfs/proc/self" && echo 0 >"$BUNDLE/rootfs/proc/self/oom_score_adj" &&
	own_ "$BUNDLE/rootfs/proc" &&
	{ rt create --bundle "$BUNDLE" "$CID" </dev/null >out 2>run.err; rc=$?; } &&
	test_when_finished cleanup_ct &&
	{ [ "$(<"$BUNDLE/rootfs/proc/self/oom_score_adj")" = 0 ] ||
		why "oomScoreAdj was written into the image file /proc/self/oom_score_adj"; } &&
	refused_or_ oom_score_adj_is_ 500
'

expect_field process.oomScoreAdj
test_expect_success '[CVE-2025-52881] with a real proc mount, oomScoreAdj still works' '
	bundle_new ".process.oomScoreAdj = 300" &&
	probe_report &&
	report_eq .oom_score_adj 300
'

expect_field linux.sysctl
# unprivileged, kernel.domainname is not writable (the sysctl belongs to the
# host's root even in a new uts namespace)
test_expect_success ROOT '[CVE-2025-52881] with a real proc mount, sysctls still work' '
	bundle_new ".linux.sysctl = {\"kernel.domainname\": \"conform.example\"}" &&
	probe_report &&
	report_eq .domainname "\"conform.example\""
'
test_done
