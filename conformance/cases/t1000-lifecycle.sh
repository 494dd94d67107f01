#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='create and start (runtime.md#lifecycle, #create, #start)'
# shellcheck source=../lib.sh
. ../lib.sh

expect_req lifecycle.program-not-run create.args-not-applied start.runs-program lifecycle.run-program
test_expect_success 'create does not run process.args; start does' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | probe([\"write\", \"/shared/started\", \"yes\"])" &&
	ct_create &&
	json_eq <(rt state "$CID") .status "\"created\"" &&
	{ test ! -e shared/started || why "the program ran at create"; } &&
	rt start "$CID" &&
	wait_for_file shared/started &&
	wait_for_status "$CID" stopped
'

expect_req start.not-created
test_expect_success 'start of a running container fails and leaves it running' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	wait_for_status "$CID" running &&
	pid=$(state_pid) &&
	{ ! rt start "$CID" || why "second start succeeded"; } &&
	json_eq <(rt state "$CID") .status "\"running\"" .pid "$pid"
'

expect_req start.not-created
test_expect_success 'start of a stopped container fails and leaves it stopped' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | probe([\"write\", \"/shared/count\", \"x\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	rm shared/count &&
	{ ! rt start "$CID" || why "start of a stopped container succeeded"; } &&
	{ test ! -e shared/count || why "the program ran again"; } &&
	json_eq <(rt state "$CID") .status "\"stopped\""
'

expect_req start.no-id
test_expect_success 'start without an ID fails' '
	! rt start >out 2>&1 || why "start without ID succeeded"
'

test_expect_success 'start of an unknown ID fails' '
	! rt start "$CID-nosuch" >out 2>&1 || why "start of an unknown container succeeded"
'

expect_req lifecycle.config-frozen
test_expect_success 'changing config.json after create does not affect the container' '
	test_when_finished cleanup_ct &&
	bundle_new "shared | probe([\"write\", \"/shared/out\", \"first\"])" &&
	ct_create &&
	bundle_edit "probe([\"write\", \"/shared/out\", \"second\"]) | .hostname = \"changed\"" &&
	rt start "$CID" &&
	wait_for_file shared/out &&
	{ test "$(<shared/out)" = first || why "the program saw the edited config: $(<shared/out)"; }
'

expect_req create.args
test_expect_success 'create without an ID fails and creates nothing' '
	bundle_new &&
	! rt create --bundle "$BUNDLE" >out 2>&1 || why "create without ID succeeded"
'

expect_req create.args lifecycle.create-error errors.no-effect
test_expect_success 'create with a bundle that does not exist fails, nothing left' '
	! rt create --bundle "$TEST_DIR/nonexistent" "$CID" >out 2>&1 || why "create succeeded"
	nothing_left
'

expect_req lifecycle.create-error errors.no-effect
test_expect_success 'create with a bundle without config.json fails, nothing left' '
	bundle_new && rm "$BUNDLE/config.json" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>&1 || why "create succeeded"; } &&
	nothing_left
'

expect_field root.path
expect_req lifecycle.create-error errors.no-effect
test_expect_success 'create with a missing root directory fails, nothing left' '
	bundle_new && rm -rf "$BUNDLE/rootfs" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>&1 || why "create succeeded"; } &&
	nothing_left
'

test_expect_success 'create --pid-file writes the container process pid' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create "$CID" --pid-file "$TEST_DIR/pidfile" &&
	wait_for_file pidfile &&
	{ test "$(<pidfile)" = "$(state_pid)" || why "pid file says $(<pidfile), state says $(state_pid)"; }
'

expect_field process
expect_req start.no-process
test_expect_success 'start fails when process is not set' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate "del(.process)" &&
	if rt create --bundle "$BUNDLE" "$CID" >out 2>&1; then
		! rt start "$CID" || why "start without process succeeded"
	fi
'

expect_req create.id-unique state.id-unique
test_expect_success 'a second create with the same ID fails and leaves the first alone' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	bundle_new -n other "shared | probe([\"write\", \"/shared/second\", \"x\"])" &&
	{ ! rt create --bundle "$TEST_DIR/other" "$CID" >out 2>&1 || why "duplicate create succeeded"; } &&
	json_eq <(rt state "$CID") .status "\"created\"" .pid "$pid" .bundle "\"$TEST_DIR/bundle\""
'
test_done
