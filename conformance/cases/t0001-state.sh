#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='state operation and state JSON (runtime.md#state, #query-state)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_req state.schema state.returns state.pid state.bundle operations.support create.creates
test_expect_success 'state of a created container is valid and says created' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	state_json &&
	state_valid &&
	json_eq state.json .id "\"$CID\"" .status "\"created\"" .bundle "\"$BUNDLE\"" &&
	pid=$(jq .pid state.json) &&
	{ pid_alive "$pid" || why "state pid $pid is not a live process"; }
'

expect_req state.schema state.pid
test_expect_success 'state of a running container is valid, says running, pid is the process' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	wait_for_status "$CID" running &&
	state_json &&
	state_valid &&
	pid=$(jq .pid state.json) &&
	{ tr "\0" " " </proc/$pid/cmdline | grep -q "^/probe sleep" ||
		why "state pid $pid runs \"$(tr "\0" " " </proc/$pid/cmdline)\", not the probe"; }
'

expect_req state.schema state.status-values
test_expect_success 'state of a stopped container is valid and says stopped' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	state_json &&
	state_valid
'

expect_req state.no-id
test_expect_success 'state without an ID fails' '
	! rt state >out 2>&1 || why "state without ID succeeded"
'

expect_req state.unknown
test_expect_success 'state of an unknown ID fails' '
	! rt state "$CID-nosuch" >out 2>&1 || why "state of an unknown container succeeded"
'

expect_field annotations
expect_req state.annotations
test_expect_success 'state carries the config annotations' '
	test_when_finished cleanup_ct &&
	bundle_new ".annotations = {\"org.conform.a\": \"1\", \"org.conform.b\": \"x y\"} | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	state_json &&
	state_valid &&
	json_eq state.json .annotations "{\"org.conform.a\": \"1\", \"org.conform.b\": \"x y\"}"
'

expect_req state.bundle
test_expect_success 'state bundle is absolute when create got a relative --bundle' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	(cd "$TEST_DIR" && rt create --bundle bundle "$CID" >ct.out 2>&1) &&
	state_json &&
	json_eq state.json .bundle "\"$BUNDLE\""
'

expect_req scope.same-entity
test_expect_success 'a created container is visible to later calls (list -q)' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	rt list -q >list.out &&
	{ grep -qx "$CID" list.out || why "list -q does not show $CID"; }
'

test_expect_success 'list --format json gives id and status' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	rt list --format json >list.json &&
	json_expect list.json "any(.[]; .id == \"$CID\" and .status == \"created\")" "list --format json lacks $CID as created"
'
test_done
