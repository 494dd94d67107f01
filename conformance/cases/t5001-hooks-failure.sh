#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='hooks that fail: error, stop, destroy, poststop (runtime.md#lifecycle steps 3-13)'
# shellcheck source=../lib.sh
. ../lib.sh

FAIL='{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}'
POSTSTOP='hook("poststop"; {path: "/bin/sh", args: ["sh", "-c", "echo ran > \($dir)/shared/poststop"]})'

for stage in prestart createRuntime createContainer; do
	expect_field "hooks.$stage"
	expect_req "lifecycle.$stage-fail" errors.no-effect
	test_expect_success "a failing $stage hook fails create and leaves nothing" '
		bundle_new --argjson f "$FAIL" "shared | hook(\"$stage\"; \$f) | probe([\"write\", \"/shared/started\", \"x\"])" &&
		{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
		{ test ! -e shared/started || why "the program ran"; } &&
		nothing_left
	'

	expect_field "hooks.$stage" hooks.poststop
	expect_req "lifecycle.$stage-fail" lifecycle.poststop
	test_expect_success "a failing $stage hook still runs the poststop hooks (step 13)" '
		bundle_new --argjson f "$FAIL" "shared | hook(\"$stage\"; \$f) | $POSTSTOP" &&
		{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
		rt_raw_ delete --force "$CID" >/dev/null 2>&1
		test -f shared/poststop || why "poststop did not run"
	'
done

expect_field hooks.startContainer
expect_req lifecycle.startContainer-fail
test_expect_success 'a failing startContainer hook fails start; the program does not run' '
	test_when_finished cleanup_ct &&
	bundle_new --argjson f "$FAIL" "shared | hook(\"startContainer\"; \$f) | probe([\"write\", \"/shared/started\", \"x\"])" &&
	ct_create &&
	{ ! rt start "$CID" || why "start succeeded"; } &&
	{ test ! -e shared/started || why "the program ran"; } &&
	st=$(state_status) &&
	{ test -z "$st" || test "$st" = stopped || why "after the failed start the container is $st"; }
'

expect_field hooks.poststart
expect_req lifecycle.poststart-fail
test_expect_success 'a failing poststart hook fails start and stops the container (v1.3.0)' '
	test_when_finished cleanup_ct &&
	bundle_new --argjson f "$FAIL" "hook(\"poststart\"; \$f) | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	pid=$(state_pid) &&
	{ ! rt start "$CID" || why "start succeeded"; } &&
	wait_for_gone "$pid" 3
'

expect_field hooks.poststart hooks.poststop
expect_req lifecycle.poststart-fail lifecycle.poststop
test_expect_success 'a failing poststart hook runs the poststop hooks' '
	test_when_finished cleanup_ct &&
	bundle_new --argjson f "$FAIL" "shared | hook(\"poststart\"; \$f) | $POSTSTOP | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	! rt start "$CID" &&
	rt_raw_ delete --force "$CID" >/dev/null 2>&1
	test -f shared/poststop || why "poststop did not run"
'

expect_field hooks.poststop
expect_req lifecycle.poststop-fail warnings.continue
test_expect_success 'a failing poststop hook is a warning: delete succeeds, later poststop hooks run' '
	bundle_new --argjson f "$FAIL" "shared | hook(\"poststop\"; \$f) | $POSTSTOP | probe([\"exit\", \"0\"])" &&
	start_bg &&
	wait_for_status "$CID" stopped &&
	{ rt delete "$CID" || why "delete failed"; } &&
	{ test -f shared/poststop || why "the second poststop hook did not run"; } &&
	nothing_left
'

expect_field hooks.createRuntime.path
test_expect_success 'a hook path that does not exist fails create, nothing left' '
	bundle_new --arg p "$TEST_DIR/no-such-hook" "hook(\"createRuntime\"; {path: \$p})" &&
	{ ! rt create --bundle "$BUNDLE" "$CID" >out 2>err || why "create succeeded"; } &&
	nothing_left
'
test_done
