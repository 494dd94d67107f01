#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='security: --pid-file in a shared directory, ids that hide, a damaged state.json'
# shellcheck source=../lib.sh
. ../lib.sh

# The other local user: urun-test when the runtime runs as root, nobody when
# it runs as urun-test.
if [ "$RT_UNPRIV" = 1 ]; then OTHER=nobody RUID=$RT_UID; else OTHER=urun-test RUID=0; fi

# plant_ NAME: a sticky world-writable pub/ (a /tmp) where $OTHER has made the
# temporary names a runtime may use for pub/NAME (NAME.tmp, .NAME) as files
# of its own.
plant_() {
	mkdir -m 1777 pub &&
	for f in "pub/$1.tmp" "pub/.$1"; do
		setpriv --reuid="$OTHER" --regid="$(id -g "$OTHER")" --clear-groups \
			sh -c "echo planted >\"\$1\" && chmod 666 \"\$1\"" - "$f" || return 1
	done
}

# pid_file_ok_ NAME PID: pub/NAME holds PID, belongs to the runtime's user,
# and $OTHER's files are untouched.
pid_file_ok_() {
	local f owner
	owner=$(stat -c %u "pub/$1") || { why "no pid file pub/$1"; return 1; }
	[ "$owner" = "$RUID" ] || { why "pub/$1 belongs to uid $owner ($OTHER planted it), not the runtime user"; return 1; }
	[ "$(<"pub/$1")" = "$2" ] || { why "pub/$1 holds \"$(<"pub/$1")\", want $2"; return 1; }
	for f in "pub/$1.tmp" "pub/.$1"; do
		[ "$(<"$f")" = planted ] || { why "$f (planted by $OTHER) was rewritten"; return 1; }
	done
}

test_expect_success '[pid-file] create --pid-file never reuses a temporary file another user planted' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	plant_ pid &&
	if rt create --bundle "$BUNDLE" --pid-file "$TEST_DIR/pub/pid" "$CID" >out 2>err; then
		pid_file_ok_ pid "$(state_pid)"
	else
		printf "create refused (acceptable): %s\n" "$(first_line_ err)" >&9 &&
		nothing_left
	fi
'

test_expect_success '[pid-file] run --detach --pid-file never reuses a temporary file another user planted' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	plant_ pid &&
	if rt run --detach --bundle "$BUNDLE" --pid-file "$TEST_DIR/pub/pid" "$CID" </dev/null >out 2>err; then
		pid_file_ok_ pid "$(state_pid)"
	else
		printf "run refused (acceptable): %s\n" "$(first_line_ err)" >&9 &&
		nothing_left
	fi
'

test_expect_success '[pid-file] exec --pid-file never reuses a temporary file another user planted' '
	test_when_finished cleanup_ct &&
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	plant_ epid &&
	if rt exec --detach --pid-file "$TEST_DIR/pub/epid" "$CID" /probe sleep 30 </dev/null >out 2>err; then
		epid=$(<pub/epid) &&
		{ [ -d "/proc/$epid" ] || why "pid file holds $epid, not a process"; } &&
		pid_file_ok_ epid "$epid"
	else
		printf "exec refused (acceptable): %s\n" "$(first_line_ err)" >&9
	fi
'

test_expect_success '[state-ids] an id starting with "." is refused, or listed like any other' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	id=".$CID" &&
	test_when_finished "cleanup_ct $id" &&
	if rt create --bundle "$BUNDLE" "$id" >out 2>err; then
		rt list -q >ids &&
		{ grep -qxF -- "$id" ids || why "create accepted \"$id\" but list does not show it"; }
	else
		{ [ -s err ] || why "create failed without a message"; } &&
		printf "refused: %s\n" "$(first_line_ err)" >&9
	fi
'

test_expect_success '[state-damage] a truncated state.json: state fails, list works, delete --force stops the container and removes everything' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	start_bg &&
	pid=$(state_pid) &&
	f=$TEST_STATE/$CID/state.json &&
	{ [ -f "$f" ] || skip_test "the runtime keeps no $CID/state.json"; } &&
	head -c 20 "$f" >part && cat part >"$f" &&
	{ ! rt state "$CID" >state.out 2>state.err || why "state succeeded on a damaged state.json: $(head -c 100 state.out)"; } &&
	{ [ -s state.err ] || why "state failed without a message"; } &&
	{ rt list >list.out 2>list.err || why "list fails when one container'"'"'s state.json is damaged"; } &&
	{ rt delete --force "$CID" 2>del.err || why "delete --force failed: $(first_line_ del.err)"; } &&
	wait_for_gone "$pid" &&
	nothing_left
'
test_done
