#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='runtime messages during create: none for settings that change nothing (podman sends "resources": {} for every rootless container), and with --log none on stderr, which create hands to the container (conmon logs it as the container'"'"'s output)'
# shellcheck source=../lib.sh
. ../lib.sh

test_expect_success 'an empty linux.resources makes create print nothing' '
	test_when_finished cleanup_ct &&
	bundle_new ".linux.resources = {} | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	err=$(<"$TEST_DIR/$CID.err") &&
	{ [ -z "$err" ] || why "create printed: $(first_line_ "$TEST_DIR/$CID.err")"; }
'

test_expect_success 'resources whose values are all unset (0, "", {}) make create print nothing' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.resources = {memory: {}, cpu: {cpus: \"\", mems: \"\"}, devices: [], hugepageLimits: []} | probe([\"sleep\", \"30\"])" &&
	ct_create &&
	err=$(<"$TEST_DIR/$CID.err") &&
	{ [ -z "$err" ] || why "create printed: $(first_line_ "$TEST_DIR/$CID.err")"; }
'

test_expect_success 'with --log, the warnings of create go to the log file, not to stderr' '
	test_when_finished cleanup_ct &&
	bundle_new --novalidate ".linux.resources.memory = {kernel: 67108864} | probe([\"sleep\", \"30\"])" &&
	: >"$TEST_DIR/rt.log" && chmod 666 "$TEST_DIR/rt.log" &&
	rt --log="$TEST_DIR/rt.log" create --bundle "$BUNDLE" "$CID" </dev/null >out 2>err ||
		why "create failed: $(first_line_ err)" &&
	{ [ ! -s err ] || why "stderr (the container'"'"'s): $(first_line_ err)"; }
'
test_done
