#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='delete operation (runtime.md#delete)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_req delete.resources lifecycle.destroy
test_expect_success 'delete of a stopped container removes it; nothing is left' '
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	nothing_left
'

expect_req delete.not-stopped
test_expect_success 'delete of a running container without --force fails and leaves it running' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	{ ! rt delete "$CID" || why "delete of a running container succeeded"; } &&
	json_eq <(rt state "$CID") .status "\"running\"" .pid "$pid"
'

test_expect_success 'delete --force of a running container stops and removes it' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	rt delete --force "$CID" &&
	wait_for_gone "$pid" &&
	nothing_left
'

# declared_deviation REQ: skip when the runtime's features declare that it
# departs from requirement REQ on purpose (urun: org.urun.deviations).
declared_deviation() {
	local why
	why=$(jq -r --arg r "$1" '.annotations["org.urun.deviations"] // "{}" | (try fromjson catch {}) | .[$r] // empty' \
		"$CONFORM_CTX/features.json" 2>/dev/null) || return 0
	[ -z "$why" ] || skip_test "declared deviation (features: org.urun.deviations): $why"
}

expect_req delete.not-stopped
test_expect_success 'delete of a created container without --force fails (it is not stopped)' '
	test_when_finished cleanup_ct &&
	declared_deviation delete.not-stopped &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	{ ! rt delete "$CID" || why "delete of a created container succeeded (runtime.md: not stopped MUST fail)"; } &&
	json_eq <(rt state "$CID") .status "\"created\""
'

test_expect_success 'delete --force of a created container removes it; nothing is left' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	rt delete --force "$CID" &&
	wait_for_gone "$pid" &&
	nothing_left
'

expect_req delete.no-id
test_expect_success 'delete without an ID fails' '
	! rt delete >out 2>&1 || why "delete without ID succeeded"
'

test_expect_success 'delete of an unknown ID fails' '
	! rt delete "$CID-nosuch" >out 2>&1 || why "delete of an unknown container succeeded"
'

expect_req delete.not-others
test_expect_success 'delete keeps the bundle, the rootfs and bind-mounted host files' '
	bundle_new "shared | probe([\"write\", \"/shared/out\", \"x\"])" &&
	echo keep >shared/host-file &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	{ test -f bundle/config.json && test -x bundle/rootfs/probe || why "bundle or rootfs was removed"; } &&
	{ test "$(<shared/host-file)" = keep && test -f shared/out || why "bind-mounted host files were removed"; }
'

expect_req delete.id-reuse
test_expect_success 'the ID can be used again after delete' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rt delete "$CID" &&
	ct_create &&
	json_eq <(rt state "$CID") .status "\"created\""
'
test_done
