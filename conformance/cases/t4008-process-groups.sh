#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process.user.additionalGids wherever the user namespace allows setgroups (rootless with newuidmap, podman and buildah rootless)'
# shellcheck source=../lib.sh
. ../lib.sh

# subid_maps: as in t4006: unprivileged, container ids 1-65536 from the
# runtime user's subordinate ranges (newuidmap, newgidmap), whose user
# namespace allows setgroups; as root, no change.
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

expect_field process.user.additionalGids
test_expect_success 'run: additionalGids [10, 20] are the supplementary groups' '
	subid_maps &&
	bundle_new "$SUBID_JQ | .process.user.additionalGids = [10, 20]" &&
	probe_report &&
	report_eq .groups "[10, 20]"
'

expect_field process.user.additionalGids
test_expect_success 'exec --process with additionalGids [10, 20]: the supplementary groups' '
	test_when_finished cleanup_ct &&
	subid_maps &&
	bundle_new "$SUBID_JQ | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	jq ".process | .user.additionalGids = [10, 20] | .args = [\"/probe\", \"report\"]" "$BUNDLE/config.json" >process.json &&
	rt exec --process process.json "$CID" >"$REPORT" 2>exec.err &&
	report_eq .groups "[10, 20]"
'
test_done
