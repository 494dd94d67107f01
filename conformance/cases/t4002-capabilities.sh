#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='process.capabilities: the five sets (config.md#linux-process)'
# shellcheck source=../lib.sh
. ../lib.sh

# Sets that execve(2) keeps as they are: for uid 0 the effective set
# becomes the permitted one, and ambient capabilities join both.
CAPS='{"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
	"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	"effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
	"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
	"ambient": ["CAP_NET_BIND_SERVICE"]}'

for set in bounding permitted effective inheritable ambient; do
	expect_field "process.capabilities.$set"
	test_expect_success "capabilities.$set is exactly the configured set (uid 0)" '
		bundle_new --argjson c "$CAPS" ".process.capabilities = \$c" &&
		probe_report &&
		report_eq ".caps.$set | sort" "$(jq -c ".$set | sort" <<<"$CAPS")"
	'
done

expect_field process.capabilities.ambient process.capabilities.inheritable
test_expect_success ROOT 'ambient capabilities survive a non-root uid' '
	bundle_new --argjson c "$CAPS" ".process.capabilities = \$c | .process.user.uid = 1000 | .process.user.gid = 1000" &&
	probe_report &&
	report_eq ".caps.ambient" "[\"CAP_NET_BIND_SERVICE\"]" ".caps.effective | index(\"CAP_NET_BIND_SERVICE\") != null" true
'

expect_field process.capabilities
test_expect_success 'empty sets drop every capability' '
	bundle_new ".process.capabilities = {bounding: [], permitted: [], effective: [], inheritable: [], ambient: []}" &&
	probe_report &&
	report_eq ".caps | [.bounding, .permitted, .effective, .inheritable, .ambient]" "[[],[],[],[],[]]"
'

expect_field process.capabilities.bounding
test_expect_success 'an unknown capability is logged as a warning naming it (MUST)' '
	bundle_new --novalidate ".process.capabilities.bounding += [\"CAP_CONFORM_BOGUS\"]" &&
	rt run --bundle "$BUNDLE" "$CID" >out 2>err
	{ grep -q CAP_CONFORM_BOGUS err || why "nothing on stderr names CAP_CONFORM_BOGUS"; }
'

expect_field process.capabilities.bounding
test_expect_success 'an unknown capability does not fail the container (SHOULD NOT fail)' '
	bundle_new --novalidate ".process.capabilities.bounding += [\"CAP_CONFORM_BOGUS\"]" &&
	probe_report
'
test_done
