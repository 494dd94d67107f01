#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='spec rules: an unlisted namespace is inherited, ungrantable capabilities warn, process.env whole, fds'
# shellcheck source=../lib.sh
. ../lib.sh

CAP_NAMES=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL
	CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST
	CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO
	CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE
	CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE
	CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM
	CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE)

# host_missing_cap: print the first capability the kernel knows that is not
# in this process's bounding set (a root runtime started from here cannot
# grant it); nothing when it has them all.
host_missing_cap() {
	local line bnd last i
	while read -r line; do
		[[ $line == CapBnd:* ]] && bnd=${line##*[[:space:]]}
	done </proc/self/status
	read -r last </proc/sys/kernel/cap_last_cap
	for (( i = 0; i <= last && i < ${#CAP_NAMES[@]}; i++ )); do
		(( (16#$bnd >> i) & 1 )) || { printf '%s\n' "${CAP_NAMES[i]}"; return; }
	done
}

# A runtime that cannot inherit the mount namespace declares it with
# "linux.namespaces.unlisted=mount" (rejected) in its features or profile.
expect_field linux.namespaces.unlisted=mount
expect_req lifecycle.create-env
test_expect_success 'an unlisted mount namespace is the runtime'"'"'s (config-linux.md: MUST inherit), or refused as declared' '
	test_when_finished cleanup_ct &&
	bundle_new "ns_del(\"mount\")" &&
	if [ "$TEST_DECL" = rejected ]; then
		{ ! rt run --bundle "$BUNDLE" "$CID" >out 2>err || why "the runtime declares linux.namespaces.unlisted=mount rejected, but run succeeded"; } &&
		{ grep -qiE "mount|mnt" err out || why "the refusal names no mount namespace: $(first_line_ err)"; } &&
		cleanup_ct && nothing_left
	else
		probe_report &&
		report_eq .namespaces.mnt "$(host_ns mnt)"
	fi
'

expect_field process.capabilities
test_expect_success ROOT 'a capability the host cannot grant: a warning naming it, and the container runs (config.md: MUST warn, SHOULD NOT fail)' '
	cap=$(host_missing_cap) &&
	{ [ -n "$cap" ] || skip_test "the host can grant every capability (none missing from the bounding set)"; } &&
	bundle_new --arg c "$cap" ".process.capabilities = ([\"CAP_KILL\", \$c] as \$s | {bounding: \$s, effective: \$s, permitted: \$s})" &&
	probe_report &&
	report_eq ".caps.effective | index(\"CAP_KILL\") != null" true &&
	{ grep -q "$cap" run.err || why "no warning naming $cap on stderr: $(first_line_ run.err)"; }
'

# process.env, whole and in order. The harness puts its mark second, after
# the first variable (lib.sh); with one variable the mark is the last entry.
expect_field process.env
test_expect_success 'process.env reaches the process whole and in order, the first and the last entries included' '
	bundle_new ".process.env = [\"FIRST=1\", \"MIDDLE=two words\", \"LAST=3\"]" &&
	probe_report &&
	report_eq "[.env[] | select(startswith(\"HOME=\") | not)]" \
		"[\"FIRST=1\", \"CONFORM_TEST=$TEST_MARK\", \"MIDDLE=two words\", \"LAST=3\"]"
'

expect_field process.env
test_expect_success 'process.env of one variable: it and the mark both arrive' '
	bundle_new ".process.env = [\"ONLY=1\"]" &&
	probe_report &&
	report_eq "[.env[] | select(startswith(\"HOME=\") | not)]" "[\"ONLY=1\", \"CONFORM_TEST=$TEST_MARK\"]"
'

test_expect_success 'run --preserve-fds 1 passes fd 3 to the process (runc)' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"read -r l <&3 && echo \$l\"]" &&
	echo conform-fd3 >fd3.txt &&
	out=$(rt run --preserve-fds 1 --bundle "$BUNDLE" "$CID" 3<fd3.txt 2>err) ||
		why "run --preserve-fds 1 failed: $(first_line_ err)" &&
	{ test "$out" = conform-fd3 || why "fd 3 read \"$out\", want conform-fd3"; }
'

test_expect_success 'run without --preserve-fds: the caller'"'"'s fd 3 does not reach the process' '
	bundle_new ".process.args = [\"/bin/sh\", \"-c\", \"read -r l <&3 && echo \$l; exit 0\"]" &&
	echo conform-fd3 >fd3.txt &&
	{ out=$(rt run --bundle "$BUNDLE" "$CID" 3<fd3.txt 2>err); true; } &&
	{ test -z "$out" || why "without --preserve-fds the process read the caller'"'"'s fd 3: \"$out\""; }
'
test_done
