#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: the state directory keeps other local users out (config.json holds process.env secrets; the exec fifo starts the container)'
# shellcheck source=../lib.sh
. ../lib.sh

# The other local user: urun-test when the runtime runs as root, nobody when
# it runs as urun-test.
if [ "$RT_UNPRIV" = 1 ]; then OTHER=nobody; else OTHER=urun-test; fi

# as_other CMD...: run CMD as $OTHER.
as_other() {
	setpriv --reuid="$OTHER" --regid="$(id -g "$OTHER")" --clear-groups "$@"
}

# other_reaches_: $OTHER can reach the test directory (else the checks below
# would prove nothing).
other_reaches_() {
	as_other test -x "$TEST_DIR" ||
		skip_test "$OTHER cannot reach $TEST_DIR: the check would prove nothing"
}

# secret_bundle_: a created container whose process.env holds a canary.
secret_bundle_() {
	SECRET=canary-$TEST_MARK-$RANDOM
	bundle_new --arg s "SECRET=$SECRET" "env_add(\$s) | probe([\"sleep\", \"30\"])" &&
	ct_create
}

test_expect_success ROOT '[state-perms] a new state root is 0700' '
	test_when_finished cleanup_ct &&
	bundle_new &&
	ct_create &&
	mode=$(stat -c %a "$TEST_STATE") &&
	{ [ "$mode" = 700 ] || why "state root mode $mode, want 700"; }
'

test_expect_success ROOT '[state-perms] an existing 0711 state root (an older urun) is tightened to 0700' '
	test_when_finished cleanup_ct &&
	mkdir -m 0711 "$TEST_STATE" &&
	bundle_new &&
	ct_create &&
	mode=$(stat -c %a "$TEST_STATE") &&
	{ [ "$mode" = 700 ] || why "state root mode $mode after create, want 700"; }
'

test_expect_success '[state-perms] no file in the state directory grants access to group or others' '
	test_when_finished cleanup_ct &&
	secret_bundle_ &&
	open=$(find "$TEST_STATE" -mindepth 1 \( -type f -o -type p \) -perm /077 -printf "%m %P\n") &&
	{ [ -z "$open" ] || why "open to group/others: $(tr "\n" " " <<<"$open")"; }
'

test_expect_success '[state-perms] another local user cannot read the process environment from the state directory' '
	test_when_finished cleanup_ct &&
	secret_bundle_ &&
	other_reaches_ &&
	files=$(find "$TEST_STATE" -type f) &&
	{ [ -n "$files" ] || skip_test "no files in the state directory"; } &&
	leaked="" &&
	while read -r f; do
		if as_other cat "$f" 2>/dev/null | grep -qF "$SECRET"; then leaked+=" ${f#"$TEST_STATE"/}"; fi
	done <<<"$files" &&
	{ [ -z "$leaked" ] || why "$OTHER read process.env from:$leaked"; }
'

test_expect_success '[state-perms] another local user cannot write the exec fifo' '
	test_when_finished cleanup_ct &&
	secret_bundle_ &&
	other_reaches_ &&
	fifos=$(find "$TEST_STATE" -type p) &&
	{ [ -n "$fifos" ] || skip_test "the runtime keeps no fifo in its state directory"; } &&
	opened="" &&
	while read -r f; do
		# an open for writing blocks (no reader) when permitted: 124
		timeout 1 setpriv --reuid="$OTHER" --regid="$(id -g "$OTHER")" --clear-groups \
			bash -c "exec 3>\"\$1\"" - "$f" 2>/dev/null
		[ $? != 124 ] || opened+=" ${f#"$TEST_STATE"/}"
	done <<<"$fifos" &&
	{ [ -z "$opened" ] || why "$OTHER opened for writing:$opened"; } &&
	json_eq <(rt state "$CID") .status "\"created\""
'
test_done
