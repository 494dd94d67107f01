#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='lifecycle behaviours of the runc command line that engines rely on (containerd, buildah)'
# shellcheck source=../lib.sh
. ../lib.sh

# containerd's shim calls "delete --force" after every delete.
test_expect_success 'delete --force of a container that does not exist succeeds (runc CLI)' '
	rt delete --force "$CID-nosuch" 2>err ||
		why "delete --force of a missing container failed: $(first_line_ err)"
'

test_expect_success 'delete --force of a deleted container succeeds; plain delete of it fails' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	{ rt delete --force "$CID" 2>err || why "second delete --force failed: $(first_line_ err)"; } &&
	{ ! rt delete "$CID" 2>err || why "plain delete of a deleted container succeeded"; }
'

# buildah deletes a container that is still "created" on its error paths.
# runtime.md says delete of a container that is not stopped must fail; runc
# and crun delete it (t1002 checks the runtime.md side for runtimes that do
# not declare otherwise).
test_expect_success 'delete (without --force) of a created container kills its init and removes it (runc CLI)' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	{ rt delete "$CID" 2>err || why "delete of a created container failed: $(first_line_ err)"; } &&
	wait_for_gone "$pid" &&
	nothing_left
'

test_expect_success 'checkpoint and restore work, or fail saying they are not supported' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	for cmd in checkpoint restore; do
		args=("$CID")
		[ "$cmd" = checkpoint ] || args=(--bundle "$BUNDLE" "$CID-restored")
		test_when_finished "cleanup_ct $CID-restored"
		if rt "$cmd" "${args[@]}" </dev/null >out 2>err; then
			printf "%s succeeded\n" "$cmd" >&9
		elif grep -qi "not supported\|criu" err; then
			printf "%s: %s\n" "$cmd" "$(first_line_ err)" >&9
		else
			why "$cmd failed without saying it is not supported: $(first_line_ err)"
			return 1
		fi
	done
'

# urun's own declaration (features annotations), where the runtime has them.
test_expect_success 'features declares the commands the runtime does not support (org.urun.*)' '
	rt features >features.json 2>err || skip_test "no features command"
	jq -e ".annotations[\"org.urun.version\"]" features.json >/dev/null ||
		skip_test "not a runtime with org.urun.* annotations"
	jq -e ".annotations[\"org.urun.unsupportedCommands\"] | fromjson | has(\"checkpoint\") and has(\"restore\")" \
		features.json >/dev/null ||
		why "org.urun.unsupportedCommands does not list checkpoint and restore"
'
test_done
