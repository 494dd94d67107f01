#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: the inheritable capability set is the config'"'"'s, whatever the caller has (CVE-2022-29162)'
# shellcheck source=../lib.sh
. ../lib.sh

# An inheritable capability survives execve into a program with file
# capabilities: one the config did not ask for is a way to more privilege.
# As root, the runtime runs with inheritable capabilities of its own
# (setpriv --inh-caps) that must not reach the container.
caller_inheritable() {
	[ "$RT_UNPRIV" = 1 ] || RT_CMD=(setpriv --inh-caps +net_raw,+sys_admin -- "${RT_CMD[@]}")
}

expect_field process.capabilities.inheritable
test_expect_success '[CVE-2022-29162] run: without process.capabilities.inheritable the inheritable set is empty' '
	caller_inheritable &&
	bundle_new "del(.process.capabilities.inheritable)" &&
	probe_report &&
	report_eq .caps.inheritable "[]"
'

expect_field process.capabilities.inheritable
test_expect_success '[CVE-2022-29162] run: the inheritable set is exactly process.capabilities.inheritable' '
	caller_inheritable &&
	bundle_new ".process.capabilities.inheritable = [\"CAP_KILL\"]" &&
	probe_report &&
	report_eq .caps.inheritable "[\"CAP_KILL\"]"
'

expect_field process.capabilities.inheritable
test_expect_success '[CVE-2022-29162] exec --process without inheritable: the inheritable set is empty' '
	test_when_finished cleanup_ct &&
	caller_inheritable &&
	bundle_new ".process.capabilities.inheritable = [\"CAP_KILL\"] | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	jq ".process | del(.capabilities.inheritable) | .args = [\"/probe\", \"report\"]" "$BUNDLE/config.json" >process.json &&
	rt exec --process process.json "$CID" >"$REPORT" 2>exec.err &&
	report_eq .caps.inheritable "[]"
'

expect_field process.capabilities.inheritable
test_expect_success '[CVE-2022-29162] exec --cap adds a capability, but not to the inheritable set' '
	test_when_finished cleanup_ct &&
	caller_inheritable &&
	bundle_new "del(.process.capabilities.inheritable) | probe([\"sleep\", \"30\"])" &&
	start_bg &&
	if ! rt exec --cap CAP_CHOWN "$CID" /probe report >"$REPORT" 2>exec.err; then
		grep -qi "cap" exec.err && ! grep -qi "usage\|unknown\|unrecognized\|flag provided" exec.err ||
			skip_test "no exec --cap: $(head -c 100 exec.err)"
		why "exec --cap failed: $(head -c 200 exec.err)"
		return 1
	fi &&
	report_eq .caps.inheritable "[]" &&
	report_expect "(.caps.effective | index(\"CAP_CHOWN\")) != null" "CAP_CHOWN effective after --cap"
'
test_done
