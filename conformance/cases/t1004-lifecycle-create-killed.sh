#!/bin/bash
# shellcheck disable=SC2016,SC2034,SC2119,SC2317 # test bodies: single-quoted code run by eval
test_description='create killed by SIGKILL at any moment: delete --force leaves nothing (no state, temporary directory, process, cgroup or mount)'
# shellcheck source=../lib.sh
. ../lib.sh

# runtime_pid_ PID: the first process at or under PID that carries this
# test's mark (the runtime; not the container init below it).
runtime_pid_() {
	local p=$1 env_ c kids=() IFS=$'\n'

	mapfile -d '' -t env_ 2>/dev/null <"/proc/$p/environ"
	if [[ $'\n'"${env_[*]}"$'\n' == *$'\n'"CONFORM_TEST=$TEST_MARK"$'\n'* ]]; then
		printf '%s\n' "$p"
		return 0
	fi
	IFS=' ' read -r -a kids 2>/dev/null <"/proc/$p/task/$p/children"
	for c in "${kids[@]}"; do
		runtime_pid_ "$c" && return 0
	done
	return 1
}

# kill_create_at_ MS: start create, SIGKILL the runtime after MS milliseconds
# (at once if it has not started by then), wait for it.
kill_create_at_() {
	local bg rp
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
	bg=$!
	nap "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
	rp=$(runtime_pid_ "$bg") && kill -KILL "$rp" 2>/dev/null
	wait "$bg" 2>/dev/null
	printf 'killed %s after %s ms\n' "${rp:-nothing (create had ended)}" "$1" >&9
	return 0
}

# clean_after_kill_ WHAT: delete --force, then nothing of $CID may be left,
# also no hidden entry (a temporary directory) in the state root.
clean_after_kill_() {
	local e hidden=''
	rt delete --force "$CID" >/dev/null 2>del.err
	for e in "$TEST_STATE"/* "$TEST_STATE"/.[!.]*; do
		[[ -e $e && ${e##*/} == *"$CID"* ]] && hidden+=" ${e##*/}"
	done
	[ -z "$hidden" ] || { why "$1: state root still holds:$hidden ($(first_line_ del.err))"; return 1; }
	! rt_raw_ state "$CID" >/dev/null 2>&1 || { why "$1: '$CID' still exists"; return 1; }
	leftovers_
	[ -z "$LEFTOVERS" ] || { why "$1: left behind: $LEFTOVERS"; return 1; }
}

# The windows where create has made something and not yet recorded it are a
# few milliseconds wide: kill at every few milliseconds of a create's run.
test_expect_success 'SIGKILL of create at 30 moments across its run: delete --force leaves nothing each time' '
	bundle_new "probe([\"sleep\", \"30\"])" &&
	t0=${EPOCHREALTIME/./} &&
	ct_create &&
	dur=$(( (${EPOCHREALTIME/./} - t0) / 1000 )) &&
	rt delete --force "$CID" &&
	n=30 end=$(( ${EPOCHREALTIME/./} / 1000 + 10000 )) &&
	for (( i = 0; i < n; i++ )); do
		# a slow host: what fits in 10 s (the watchdog allows 20)
		if [ $(( ${EPOCHREALTIME/./} / 1000 )) -gt "$end" ]; then
			printf "stopped after %d of %d moments (10 s)\n" "$i" "$n" >&9
			break
		fi
		ms=$(( dur * i / n )) &&
		kill_create_at_ "$ms" &&
		clean_after_kill_ "killed after ${ms} ms (create takes ${dur} ms)" || return 1
	done
'

# hook_bundle_ STAGE: a hook for STAGE that notes it runs, then sleeps (not
# the runtime: it carries no leak mark, and outlives a killed create).
hook_bundle_() {
	hook_script hook.sh "echo x >'$TEST_DIR/in-hook'; exec sleep 2" &&
	bundle_new --arg h "$TEST_DIR/hook.sh" --arg stage "$1" \
		"hook(\$stage; {path: \$h, args: [\"hook.sh\"], env: [\"PATH=/usr/bin:/bin\"]})
		| probe([\"sleep\", \"30\"])"
}

kill_in_hook_() {
	local bg rp
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
	bg=$!
	wait_for_file in-hook 5 || { kill -KILL "$(runtime_pid_ "$bg")" 2>/dev/null; return 1; }
	rp=$(runtime_pid_ "$bg") && kill -KILL "$rp" 2>/dev/null
	wait "$bg" 2>/dev/null
	return 0
}

test_expect_success 'SIGKILL of create while a createRuntime hook runs: delete --force leaves nothing' '
	hook_bundle_ createRuntime &&
	kill_in_hook_ &&
	clean_after_kill_ "killed in createRuntime"
'

test_expect_success 'SIGKILL of create while a createContainer hook runs: delete --force leaves nothing' '
	hook_bundle_ createContainer &&
	kill_in_hook_ &&
	clean_after_kill_ "killed in createContainer"
'
test_done
