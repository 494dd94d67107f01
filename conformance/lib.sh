# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# lib.sh: test library for conform's cases, after git's t/test-lib.sh.
#
# A case script (cases/tNNNN-area-detail.sh) looks like
#
#	test_description='UTS namespace: hostname from config.json'
#	. ../lib.sh
#	expect_field hostname
#	test_expect_success 'the process sees the configured hostname' '
#		bundle_new ".hostname = \"conform\"" &&
#		probe_report &&
#		report_eq .hostname "\"conform\""
#	'
#	test_done
#
# conform runs each script once per runtime, with the runtime's context in
# CONFORM_CTX (see conform). Each test body runs in its own subshell, in its own
# directory ($TEST_DIR) with its own runtime state root, under a watchdog.
# Results go to $CONFORM_RESULTS (one JSON object per line) and $CONFORM_TSV;
# conform turns them into TAP and the report.
#
# Declared vs real: expect_field names the config fields the next test
# covers. When the runtime declares one of them rejected (or ignored), the
# first create/run of a bundle that contains the field is replaced by the
# generic check: create must fail non-zero naming the field and leave nothing
# (or: run must succeed). Otherwise the body must show the field's effect.

CONFORM_DIR=${CONFORM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
CONFORM_SCRIPT=${CONFORM_SCRIPT:-$(basename "$0" .sh)}
CONFORM_TIMEOUT=${CONFORM_TIMEOUT:-20}
CONFORM_RT_TIMEOUT=${CONFORM_RT_TIMEOUT:-10}

test_count=0
test_fields=()
test_reqs=()
# Number part of the script name: t1000-lifecycle -> 1000.
script_num=${CONFORM_SCRIPT%%-*}
script_num=${script_num#t}

# Functions for config patches, prepended to every jq filter given to
# bundle_new and bundle_edit.
# shellcheck disable=SC2016 # jq code
JQ_PRELUDE='
def probe(a): .process.args = ["/probe"] + a;
def ns_del(t): .linux.namespaces = ((.linux.namespaces // []) | map(select(.type != t)));
def ns_add(t): ns_del(t) | .linux.namespaces += [{type: t}];
def ns_path(t; p): ns_del(t) | .linux.namespaces += [{type: t, path: p}];
def has_ns(t): any((.linux.namespaces // [])[]; .type == t);
def mount_add(m): .mounts = ((.mounts // []) + [m]);
def mount_del(d): .mounts = ((.mounts // []) | map(select(.destination != d)));
def env_add(e): .process.env = ((.process.env // []) + [e]);
def hook(stage; h): .hooks[stage] = ((.hooks[stage] // []) + [h]);
def no_cgroup_mount: mount_del("/sys/fs/cgroup");
def shared: mount_add({destination: "/shared", type: "bind", source: ($dir + "/shared"), options: ["rbind", "rw"]});
def writable: .root.readonly = false;
'

# ---------------------------------------------------------------- listing

if [ "${CONFORM_LIST:-0}" = 1 ]; then
	# List mode: print one line per test and run nothing:
	# script TAB number TAB title TAB fields TAB requirements TAB prereqs
	expect_field() { test_fields+=("$@"); }
	expect_req() { test_reqs+=("$@"); }
	test_list_() {
		local IFS=,
		test_count=$((test_count + 1))
		# shellcheck disable=SC2053 # glob match on purpose
		[ -z "${CONFORM_ONLY_TEST:-}" ] || [[ $2 == $CONFORM_ONLY_TEST ]] || { test_fields=(); test_reqs=(); return; }
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$CONFORM_SCRIPT" "$test_count" "$2" \
			"${test_fields[*]}" "${test_reqs[*]}" "$1"
		test_fields=()
		test_reqs=()
	}
	test_expect_success() {
		if [ $# = 3 ]; then test_list_ "$1" "$2"; else test_list_ "" "$1"; fi
	}
	test_expect_failure() {
		if [ $# = 4 ]; then test_list_ "$1" "$2"; else test_list_ "" "$1"; fi
	}
	test_set_prereq() { :; }
	test_done() { exit 0; }
	# shellcheck disable=SC2317 # exit when run rather than sourced
	return 0 2>/dev/null || exit 0
fi

# ---------------------------------------------------------------- context

if [ -z "${CONFORM_CTX:-}" ] || [ ! -f "$CONFORM_CTX/rt.sh" ]; then
	echo "lib.sh: run cases through conform (CONFORM_CTX is not set)" >&2
	exit 2
fi
# shellcheck source=/dev/null
. "$CONFORM_CTX/rt.sh"
: "${RT_LABEL:?}" "${RT_ROOTFS:?}" "${RT_TAG:?}"
CONFORM_WORK=${CONFORM_WORK:?}
CONFORM_RESULTS=${CONFORM_RESULTS:?}
CONFORM_TSV=${CONFORM_TSV:-$CONFORM_RESULTS.tsv}
CONFORM_LOGDIR=${CONFORM_LOGDIR:-$CONFORM_WORK}

# Declarations: verdict TAB field TAB reason, one per line.
declare -A DECL_VERDICT=() DECL_WHY=()
while IFS=$'\t' read -r v f why; do
	[ -n "$f" ] || continue
	DECL_VERDICT[$f]=$v
	DECL_WHY[$f]=$why
done <"$CONFORM_CTX/decl.tsv"

# Run-wide facts from conform.
RT_SKIP_ALL=${RT_SKIP_ALL:-}

# (one mkdir: the work directory, the logs, the helper's directory below)
HELPER_DIR_=$CONFORM_WORK/.helper
mkdir -p "$CONFORM_WORK" "$CONFORM_LOGDIR" "$HELPER_DIR_"

# ---------------------------------------------------------------- JSON output

# json_str VAR STRING: set VAR to STRING as a JSON string literal (control
# characters dropped). No subshell: results are written for every test.
JSON_CTL_=$'\001-\010\013\014\016-\037'
# shellcheck disable=SC2034 # out_ is a nameref to the caller's variable
json_str() {
	local -n out_=$1
	local s=${2//[$JSON_CTL_]/}
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/}
	out_="\"$s\""
}

# json_arr VAR ITEM...: set VAR to a JSON array of strings.
json_arr() {
	local -n arr_=$1
	local sep='' x q
	shift
	arr_='['
	for x in "$@"; do
		json_str q "$x"
		arr_+=$sep$q
		sep=,
	done
	arr_+=']'
}

# first_line_ FILE: the first line of FILE that reads like an error (else
# the first non-empty one), at most 300 bytes.
first_line_() {
	local l first=''
	while IFS= read -r l; do
		[ -n "$l" ] || continue
		[ -n "$first" ] || first=$l
		case $l in
		*level=warning*|*warning:*) ;;
		*rror*|*failed*|*fail*|*denied*|*not\ *) first=$l; break ;;
		esac
	done <"$1"
	printf '%s' "${first:0:300}"
}

# ---------------------------------------------------------------- prerequisites

declare -A PREREQ_CACHE=()

# test_set_prereq NAME: declare a prerequisite satisfied.
test_set_prereq() { PREREQ_CACHE[$1]=1; }

# prereq_eval_ NAME: 0 when the prerequisite holds; sets PREREQ_WHY otherwise.
prereq_eval_() {
	PREREQ_WHY=''
	case $1 in
	ROOT) [ "$RT_UNPRIV" = 0 ] || PREREQ_WHY="needs the runtime to run as root" ;;
	UNPRIV) [ "$RT_UNPRIV" = 1 ] || PREREQ_WHY="needs an unprivileged runtime (--unprivileged)" ;;
	CGROUP)
		if [ "$RT_CGROUP" = none ]; then
			PREREQ_WHY="cgroups: ${RT_CGROUP_NOTE:-the runtime applies no cgroup settings here}"
		elif [ "$RT_UNPRIV" = 1 ]; then
			PREREQ_WHY="unprivileged: no delegated cgroup"
		fi ;;
	APPARMOR)
		[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
			[ -d /sys/kernel/security/apparmor ] ||
			PREREQ_WHY="host has no AppArmor" ;;
	SELINUX) [ -e /sys/fs/selinux/enforce ] || PREREQ_WHY="host has no SELinux" ;;
	TIMENS) [ -e /proc/self/ns/time ] || PREREQ_WHY="kernel has no time namespaces" ;;
	USERNS)
		[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
			PREREQ_WHY="user namespaces are disabled" ;;
	HUGETLB)
		[ -n "$(ls /sys/kernel/mm/hugepages 2>/dev/null)" ] ||
			PREREQ_WHY="kernel has no huge pages" ;;
	RESCTRL) grep -q ' resctrl ' /proc/self/mountinfo || PREREQ_WHY="no resctrl filesystem mounted" ;;
	NORESCTRL) ! grep -q ' resctrl ' /proc/self/mountinfo || PREREQ_WHY="resctrl is mounted" ;;
	PYTHON3) command -v python3 >/dev/null || PREREQ_WHY="python3 is not installed" ;;
	SMP) [ "$(nproc)" -ge 2 ] || PREREQ_WHY="needs 2 CPUs" ;;
	*) [ -n "${PREREQ_CACHE[$1]:-}" ] || PREREQ_WHY="prerequisite $1 not satisfied" ;;
	esac
	[ -z "$PREREQ_WHY" ]
}

# test_have_prereq LIST: LIST is comma-separated; !NAME negates.
# Sets PREREQ_WHY to the first missing one.
test_have_prereq() {
	local p name IFS=,
	for p in $1; do
		name=${p#!}
		if prereq_eval_ "$name"; then
			[ "$p" = "$name" ] || { PREREQ_WHY="not for: $name"; return 1; }
		else
			[ "$p" != "$name" ] || return 1
			PREREQ_WHY=''
		fi
	done
	return 0
}

# ---------------------------------------------------------------- declarations

expect_field() { test_fields+=("$@"); }
expect_req() { test_reqs+=("$@"); }

# decl_lookup_ FIELD: the declared verdict of FIELD ("a.b.c" or "a.b=value"):
# the field's own entry, else that of its nearest listed ancestor, else
# supported. Sets DECL_V and DECL_E (the entry that decided).
decl_lookup_() {
	local f=$1 p
	DECL_V=supported DECL_E=''
	if [ -n "${DECL_VERDICT[$f]:-}" ]; then
		DECL_V=${DECL_VERDICT[$f]} DECL_E=$f
		return
	fi
	p=${f%%=*}
	while [ -n "$p" ]; do
		if [ -n "${DECL_VERDICT[$p]:-}" ]; then
			DECL_V=${DECL_VERDICT[$p]} DECL_E=$p
			return
		fi
		[ "${p%.*}" != "$p" ] || break
		p=${p%.*}
	done
}

# decl_test_ FIELD...: combined verdict of a test (rejected beats ignored beats
# supported). Sets TEST_DECL, TEST_DECL_ENTRIES (entries), TEST_DECL_FIELDS.
decl_test_() {
	local f
	TEST_DECL=supported TEST_DECL_ENTRIES=() TEST_DECL_FIELDS=()
	for f in "$@"; do
		decl_lookup_ "$f"
		case $DECL_V in
		rejected)
			if [ "$TEST_DECL" != rejected ]; then
				TEST_DECL_ENTRIES=() TEST_DECL_FIELDS=()
			fi
			TEST_DECL=rejected
			TEST_DECL_ENTRIES+=("$DECL_E") TEST_DECL_FIELDS+=("$f") ;;
		ignored)
			[ "$TEST_DECL" = rejected ] && continue
			TEST_DECL=ignored
			TEST_DECL_ENTRIES+=("$DECL_E") TEST_DECL_FIELDS+=("$f") ;;
		esac
	done
}

# ---------------------------------------------------------------- running tests

# why MESSAGE: record why the current test fails (the first reason wins) and
# return 1, for "cond || why 'what went wrong'".
why() {
	[ -s "$TEST_DIR/.reason" ] || printf '%s\n' "$*" >"$TEST_DIR/.reason"
	{ printf 'conform: %s\n' "$*" >&9; } 2>/dev/null
	return 1
}

# test_when_finished COMMAND...: run COMMAND after the body, whatever its
# outcome (before the leak check), e.g. test_when_finished cleanup_ct.
test_when_finished() {
	printf '%s\n' "$*" >>"$TEST_DIR/.finally"
}

# set_verdict_ VERDICT REASON: final verdict decided inside the body.
set_verdict_() {
	printf '%s\t%s\n' "$1" "$2" >"$TEST_DIR/.verdict"
}

# skip_test REASON: end the current test as skipped (from inside a body).
skip_test() {
	set_verdict_ skipped "$*"
	kill -TERM "$TEST_BODY_PID" 2>/dev/null
	exit 0
}

# A test body runs in a subshell in $TEST_DIR; this is its environment.
test_body_() {
	TEST_BODY_PID=$BASHPID
	printf '%s %s %s\n' "$BASHPID" $(( ${EPOCHREALTIME%.*} + CONFORM_TIMEOUT )) "$TEST_DIR" >"$WATCH_FILE"
	cd "$TEST_DIR" || exit 1
	# fd 9: the test log, for traces that must not mix with redirected output
	exec 9>>"$TEST_DIR/.log"
	trap - EXIT
	if [ -n "${CONFORM_TRACE:-}" ]; then
		PS4='+ ${EPOCHREALTIME#*.} '
		set -x
	fi
	eval "$1"
}

# nap SECONDS: sleep without starting a process (forks are costly in some
# VMs): read with a timeout from a pipe nobody writes to.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD"; return 0; }

# One watchdog per script: a test body writes "PID DEADLINE DIR" to
# $WATCH_FILE when it starts; past the deadline the watchdog records the
# timeout in DIR and kills the body.
WATCH_FILE=$CONFORM_WORK/.watch
watchdog_() {
	local wpid wdeadline wdir
	while kill -0 "$1" 2>/dev/null; do
		nap 0.5
		wpid='' wdeadline='' wdir=''
		read -r wpid wdeadline wdir <"$WATCH_FILE" 2>/dev/null
		if [ -z "$wpid" ] || [ "${EPOCHREALTIME%.*}" -lt "$wdeadline" ]; then
			continue
		fi
		printf 'timed out after %ss\n' "$CONFORM_TIMEOUT" >"$wdir/.timedout"
		kill -TERM "$wpid" 2>/dev/null
		: >"$WATCH_FILE"
	done
}
: >"$WATCH_FILE"
watchdog_ $$ &
WATCHDOG_PID=$!
trap 'kill $WATCHDOG_PID $HELPER_PID_ 2>/dev/null' EXIT

# ---------------------------------------------------------------- helper

# One conform-helper server per script (conformance/helper) runs the jq
# calls and the bundle copies: each is then two small file writes and a
# poll instead of a process, which is most of its cost on small VMs.
# Without the server (or with CONFORM_HELPER=0) the programs run as processes.
HELPER_PID_='' HELPER_SEQ_=0 HELPER_RC_=0
if [ "${CONFORM_HELPER:-1}" != 0 ] && [ -x "$CONFORM_DIR/helper/conform-helper" ] &&
	[ -d "$HELPER_DIR_" ]; then
	"$CONFORM_DIR/helper/conform-helper" "$HELPER_DIR_/fifo" </dev/null 2>>"$HELPER_DIR_/log" &
	HELPER_PID_=$!
fi

# helper_call_ OPERATION TO ARG...: run one request in the server, its
# standard output to the file TO ("-": to ours); HELPER_RC_ is its exit
# status. Fails (the caller then runs the program itself) when the server
# is gone or does not answer within 10 seconds.
helper_call_() {
	local op=$1 to=$2 req out s rc='' end
	shift 2
	[ -n "$HELPER_PID_" ] || return 1
	req=$HELPER_DIR_/$BASHPID.$HELPER_SEQ_
	while [ -e "$req" ]; do
		HELPER_SEQ_=$((HELPER_SEQ_ + 1))
		req=$HELPER_DIR_/$BASHPID.$HELPER_SEQ_
	done
	HELPER_SEQ_=$((HELPER_SEQ_ + 1))
	out=$req.out
	if [ "$to" != - ]; then
		out=$to
		[[ $out == /* ]] || out=$PWD/$out
	fi
	printf '%s\0' "$op" "$PWD" "$out" "$req.err" "$@" 2>/dev/null >"$req" || return 1
	end=$(( ${EPOCHREALTIME/./} + 10000000 ))
	# the server makes its FIFO when it starts
	while [ ! -p "$HELPER_DIR_/fifo" ]; do
		kill -0 "$HELPER_PID_" 2>/dev/null && [ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		nap 0.001
	done
	kill -0 "$HELPER_PID_" 2>/dev/null || return 1
	trap '' PIPE
	printf '%s\n' "$req" 2>/dev/null >"$HELPER_DIR_/fifo"
	rc=$?
	trap - PIPE
	[ "$rc" = 0 ] || return 1
	while [ ! -e "$req.rc" ]; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		nap 0.0005
	done
	read -r rc <"$req.rc"
	if [ "$to" = - ] && [ -s "$out" ]; then
		IFS= read -r -d '' s <"$out"
		printf '%s' "$s"
	fi
	if [ -s "$req.err" ]; then
		IFS= read -r -d '' s <"$req.err"
		printf '%s' "$s" >&2
	fi
	HELPER_RC_=${rc:-125}
}

# copy_tree SRC DEST: cp -a SRC DEST, for a new DEST.
copy_tree() {
	if helper_call_ copy - "$1" "$2"; then
		return "$HELPER_RC_"
	fi
	cp -a "$1" "$2"
}

# jq ARG...: jq's command line (conform's CONFORM_JQ: gojq or jq).
jq() {
	{ local -; set +x; } 2>/dev/null # no trace in its output
	jq_to_ - "$@"
}

# jq_to_ FILE ARG...: jq with its standard output written to FILE ("-": to
# stdout); the server writes FILE itself, and an existing FILE keeps its owner.
jq_to_() {
	{ local -; set +x; } 2>/dev/null
	local to=$1
	shift
	# the server runs gojq's code: only when that is conform's choice
	if [ "${CONFORM_JQ:-jq}" = gojq ] && jq_servable_ "$@" && helper_call_ jq "$to" "$@"; then
		return "$HELPER_RC_"
	fi
	if [ "$to" = - ]; then
		command "${CONFORM_JQ:-jq}" "$@"
	else
		command "${CONFORM_JQ:-jq}" "$@" >"$to"
	fi
}

# jq_servable_ ARG...: the server can run these jq arguments: the input
# comes from files (or -n without input/inputs), and no path is one of our fds.
jq_servable_() {
	local a skip=0 query='' files=0 null=''
	for a; do
		if [ "$skip" -gt 0 ]; then
			skip=$((skip - 1))
			[[ $a != /dev/fd/* && $a != /proc/self/* ]] || return 1
			continue
		fi
		case $a in
		--arg|--argjson|--slurpfile|--rawfile) skip=2 ;;
		--indent) skip=1 ;;
		-f|--from-file|-L|--args|--jsonargs|--stream|--seq|--) return 1 ;;
		-n|--null-input) null=1 ;;
		--*) ;;
		-?*) [[ $a != *n* ]] || null=1 ;;
		*)
			if [ -z "$query" ]; then
				query=$a
			else
				[[ $a != /dev/fd/* && $a != /proc/self/* ]] || return 1
				files=$((files + 1))
			fi ;;
		esac
	done
	[ -n "$query" ] || return 1
	[ "$files" -gt 0 ] || { [ -n "$null" ] && [[ $query != *input* ]]; }
}

# test_dirs_: make $TEST_DIR and $TEST_DIR/shared; directories are made 32
# tests at a time (one mkdir instead of one per test).
TEST_DIRS_MADE_=0
test_dirs_() {
	if [ "$test_count" -gt "$TEST_DIRS_MADE_" ]; then
		local d=() i
		for (( i = test_count; i < test_count + 32; i++ )); do
			d+=("$CONFORM_WORK/$i" "$CONFORM_WORK/$i/shared")
		done
		mkdir -p "${d[@]}"
		[ "$RT_UNPRIV" = 0 ] || chown "$RT_UID:$RT_GID" "${d[@]}"
		TEST_DIRS_MADE_=$(( test_count + 31 ))
	fi
}

test_run_() {
	local prereq_=$1 title_=$2 known_=$3 body_=$4
	local verdict_='' reason_='' decl_json_ rc_ t0_ t1_ left_ log_
	local fields_=("${test_fields[@]}") reqs_=("${test_reqs[@]}")
	test_fields=()
	test_reqs=()
	test_count=$((test_count + 1))

	if [ -n "${CONFORM_ONLY_TEST:-}" ]; then
		# shellcheck disable=SC2053 # glob match on purpose
		[[ $title_ == $CONFORM_ONLY_TEST ]] || return 0
	fi

	TEST_DIR=$CONFORM_WORK/$test_count
	TEST_STATE=$TEST_DIR/.state
	TEST_MARK=$RT_TAG-$script_num-$test_count
	CID=$TEST_MARK
	BUNDLE=''
	REPORT=$TEST_DIR/report.json
	export TEST_DIR TEST_STATE TEST_MARK CID BUNDLE REPORT
	t0_=$EPOCHREALTIME
	pids_snapshot_

	decl_test_ "${fields_[@]}"
	decl_json_=$TEST_DECL
	local mode_pre_='' host_pre_='' p_ IFS=,
	for p_ in $prereq_; do
		case ${p_#!} in
		ROOT|UNPRIV) mode_pre_+=${mode_pre_:+,}$p_ ;;
		*) host_pre_+=${host_pre_:+,}$p_ ;;
		esac
	done
	unset IFS

	if [ -n "$RT_SKIP_ALL" ]; then
		verdict_=skipped reason_=$RT_SKIP_ALL
	elif [ -n "$mode_pre_" ] && ! test_have_prereq "$mode_pre_"; then
		verdict_=skipped reason_=$PREREQ_WHY
	elif [ "$TEST_DECL" = supported ] && [ -n "$host_pre_" ] && ! test_have_prereq "$host_pre_"; then
		verdict_=skipped reason_=$PREREQ_WHY
	fi

	local ran_=''
	if [ -z "$verdict_" ]; then
		ran_=1
		test_dirs_
		log_=$TEST_DIR/.log
		{
			printf '# %s %s.%s: %s\n' "$RT_LABEL" "$CONFORM_SCRIPT" "$test_count" "$title_"
			printf '# fields: %s; declared: %s %s\n' "${fields_[*]}" "$TEST_DECL" "${TEST_DECL_ENTRIES[*]}"
		} >"$log_"
		(test_body_ "$body_") >>"$log_" 2>&1 </dev/null
		rc_=$?
		: >"$WATCH_FILE"

		if [ -s "$TEST_DIR/.finally" ]; then
			# shellcheck disable=SC2030 # the subshell's own TEST_BODY_PID
			(
			TEST_BODY_PID=$BASHPID
			printf '%s %s %s\n' "$BASHPID" $(( ${EPOCHREALTIME%.*} + CONFORM_TIMEOUT )) "$TEST_DIR" >"$WATCH_FILE"
			cd "$TEST_DIR" && exec 9>>"$log_" && eval "$(<"$TEST_DIR/.finally")"
		) >>"$log_" 2>&1 </dev/null
		: >"$WATCH_FILE"
		fi

		local first_=''
		[ ! -s "$TEST_DIR/.reason" ] || read -r first_ <"$TEST_DIR/.reason"
		if [ -s "$TEST_DIR/.verdict" ]; then
			IFS=$'\t' read -r verdict_ reason_ <"$TEST_DIR/.verdict"
		elif [ -s "$TEST_DIR/.timedout" ]; then
			verdict_=fail reason_="test $(<"$TEST_DIR/.timedout")${first_:+: $first_}"
			local last_=''
			[ ! -s "$TEST_DIR/.lastrt" ] || read -r last_ <"$TEST_DIR/.lastrt"
			[[ $last_ != *": running" ]] || reason_+=" (the runtime hung: ${last_%: running})"
		elif [ "$rc_" = 0 ]; then
			verdict_=pass
		else
			verdict_=fail
			if [ -n "$first_" ]; then
				reason_=$first_
			elif [ -s "$TEST_DIR/.lastrt" ]; then
				read -r reason_ <"$TEST_DIR/.lastrt"
				reason_="command failed after: $reason_"
			else
				reason_="test body failed (exit $rc_)"
			fi
		fi
	fi

	left_=''
	if [ -n "$ran_" ]; then
		leftovers_ cleanup
		left_=$LEFTOVERS
	fi
	if [ -n "$left_" ]; then
		case $verdict_ in
		pass|rejected-as-declared|ignored-as-declared) verdict_=fail reason_="left behind: $left_" ;;
		fail) [[ $reason_ == *"left behind: "* ]] || reason_+="; left behind: $left_" ;;
		esac
	fi

	local is_known_=false
	if [[ $known_ == \[*\]\ * ]]; then
		# "[NAME,...] reason": a known breakage of those runtimes only
		local scope_=${known_%%]*}
		scope_=${scope_#[}
		[[ ,$scope_, == *,"$RT_NAME",* ]] || known_=''
	fi
	if [ -n "$known_" ]; then
		case $verdict_ in
		fail) verdict_=skipped is_known_=true reason_="known breakage: $known_ ($reason_)" ;;
		pass) reason_="known breakage fixed: $known_" ;;
		esac
	fi

	t1_=$EPOCHREALTIME
	local ms_=$(( (${t1_/./} - ${t0_/./}) / 1000 ))
	local secs_
	printf -v secs_ '%d.%03d' $((ms_ / 1000)) $((ms_ % 1000))
	local logrel_='' j_rt j_mode j_script j_case j_title j_fields j_reqs j_verdict j_decl j_declby j_reason j_log
	if [ "$verdict_" != pass ] && [ -f "$TEST_DIR/.log" ]; then
		logrel_=$CONFORM_SCRIPT.$test_count.log
		cp "$TEST_DIR/.log" "$CONFORM_LOGDIR/$logrel_"
	fi
	json_str j_rt "$RT_LABEL"
	if [ "$RT_UNPRIV" = 1 ]; then json_str j_mode unprivileged; else json_str j_mode root; fi
	json_str j_script "$CONFORM_SCRIPT"
	json_str j_case "$CONFORM_SCRIPT.$test_count"
	json_str j_title "$title_"
	json_arr j_fields "${fields_[@]}"
	json_arr j_reqs "${reqs_[@]}"
	json_str j_verdict "$verdict_"
	json_str j_decl "$decl_json_"
	json_arr j_declby "${TEST_DECL_ENTRIES[@]}"
	json_str j_reason "$reason_"
	json_str j_log "$logrel_"
	printf '{"runtime":%s,"mode":%s,"script":%s,"num":%d,"case":%s,"title":%s,"fields":%s,"requirements":%s,"verdict":%s,"known":%s,"declared":%s,"declared_by":%s,"reason":%s,"time":%s,"log":%s}\n' \
		"$j_rt" "$j_mode" "$j_script" "$test_count" "$j_case" "$j_title" "$j_fields" "$j_reqs" \
		"$j_verdict" "$is_known_" "$j_decl" "$j_declby" "$j_reason" "$secs_" "$j_log" >>"$CONFORM_RESULTS"
	local r1_=${reason_//$'\t'/ }
	printf '%s\t%s\t%s\t%s\t%s\n' "$verdict_" "$is_known_" "$test_count" "${title_//$'\t'/ }" \
		"${r1_//$'\n'/ }" >>"$CONFORM_TSV"

	# test directories go with the script's work directory (conform)
}

# test_expect_success [PREREQ] TITLE BODY
test_expect_success() {
	if [ $# = 3 ]; then
		test_run_ "$1" "$2" "" "$3"
	else
		test_run_ "" "$1" "" "$2"
	fi
}

# test_expect_failure [PREREQ] TITLE REASON BODY: a known gap of the harness
# or of every runtime, with the reason; never a silent skip. A REASON that
# begins with "[NAME,...] " is a known breakage of the runtimes of those
# names (the runtime path's basename) only: for the others the test is an
# ordinary test_expect_success.
test_expect_failure() {
	if [ $# = 4 ]; then
		test_run_ "$1" "$2" "$3" "$4"
	else
		test_run_ "" "$1" "$2" "$3"
	fi
}

test_done() {
	exit 0
}

# ---------------------------------------------------------------- the runtime

# rt ARG...: call the runtime under test with its profile's command prefix,
# global arguments and this test's state root; as the unprivileged user when
# conform runs with --unprivileged. Bounded by CONFORM_RT_TIMEOUT.
rt() {
	local rc sub
	rt_subcommand_ "$@"
	sub=$RT_SUB
	case $sub in
	create|run)
		if [ "$TEST_DECL" != supported ] && [ ! -e "$TEST_DIR/.intercepted" ]; then
			rt_intercept_ "$@"
		fi ;;
	esac
	{ printf '+ rt %s\n' "$*" >&9; } 2>/dev/null
	printf 'rt %s: running\n' "$*" >"$TEST_DIR/.lastrt"
	rt_raw_ "$@"
	rc=$?
	printf 'rt %s: exit %s\n' "$*" "$rc" >"$TEST_DIR/.lastrt"
	return "$rc"
}

# rt_raw_ ARG...: the runtime call itself. Inside a test body the script's
# watchdog bounds it (a hung runtime is then found and killed as a
# leftover); elsewhere (cleanup) timeout(1) does.
rt_raw_() {
	local t=()
	# shellcheck disable=SC2031 # set in the body's subshell on purpose
	[ -n "${TEST_BODY_PID:-}" ] || t=(timeout -k 2 "$CONFORM_RT_TIMEOUT")
	if [ "$RT_UNPRIV" = 1 ]; then
		(
			# expanded before user_env_ unexports TEST_STATE and TEST_MARK
			local argv=("${t[@]}" setpriv --reuid="$RT_UID" --regid="$RT_GID" --init-groups
				"${RT_CMD[@]}" "${RT_GLOBAL[@]}" "$RT_ROOT_ARG" "$TEST_STATE" "$@") mark=$TEST_MARK
			user_env_
			export CONFORM_TEST=$mark
			exec "${argv[@]}"
		)
	else
		CONFORM_TEST=$TEST_MARK "${t[@]}" "${RT_CMD[@]}" "${RT_GLOBAL[@]}" "$RT_ROOT_ARG" "$TEST_STATE" "$@"
	fi
}

# rt_as_user_ CMD...: run a helper command (not the runtime: it does not
# carry the leak mark) as the runtime's user.
rt_as_user_() {
	if [ "$RT_UNPRIV" = 1 ]; then
		(
			user_env_
			exec setpriv --reuid="$RT_UID" --regid="$RT_GID" --init-groups "$@"
		)
	else
		"$@"
	fi
}

# user_env_: in a subshell that is about to exec a program as the
# runtime's user, make the environment that of the user's login: what
# env -i VAR=... would do, without the env process.
user_env_() {
	local names=() f=$HELPER_DIR_/.env.$BASHPID
	compgen -e >"$f"
	mapfile -t names <"$f"
	unset "${names[@]}" 2>/dev/null
	export HOME="$RT_HOME" PATH="$RT_PATH_ENV" XDG_RUNTIME_DIR="$RT_XDG" USER="$RT_USER" LOGNAME="$RT_USER"
}

# rt_subcommand_ ARG...: RT_SUB = the first argument that is not an option.
rt_subcommand_() {
	local a
	RT_SUB=''
	for a in "$@"; do
		case $a in
		-*) ;;
		*) RT_SUB=$a; return ;;
		esac
	done
}

# rt_bundle_id_ ARG...: from create/run arguments, BUNDLE_ARG and ID_ARG.
rt_bundle_id_() {
	BUNDLE_ARG=$PWD ID_ARG=''
	while [ $# -gt 0 ]; do
		case $1 in
		--bundle|-b) BUNDLE_ARG=$2; shift ;;
		--bundle=*) BUNDLE_ARG=${1#--bundle=} ;;
		--pid-file|--console-socket|--preserve-fds) shift ;;
		-*) ;;
		*) ID_ARG=$1 ;;
		esac
		shift
	done
}

# config_has_ CONFIG FIELD...: succeed when CONFIG contains one of the fields
# (dotted, array indices dropped; "path=value" matches a scalar value).
config_has_() {
	local cfg=$1 keys f
	shift
	keys=$(jq -r '[paths as $p | ($p | map(select(type == "string")) | join(".")) as $k
		| $k, (getpath($p) | select(type != "object" and type != "array")
		| "\($k)=\(tostring)")] | unique[]' "$cfg" 2>/dev/null) || return 1
	for f in "$@"; do
		if [[ $f == *=* ]]; then
			grep -qxF -- "$f" <<<"$keys" && return 0
		else
			awk -v f="$f" '$0 == f || index($0, f ".") == 1 { found = 1 } END { exit !found }' <<<"$keys" && return 0
		fi
	done
	return 1
}

# rt_intercept_ ARG...: the generic declared-rejected / declared-ignored check,
# in place of the body, for the first bundle that contains a declared field.
rt_intercept_() {
	rt_bundle_id_ "$@"
	config_has_ "$BUNDLE_ARG/config.json" "${TEST_DECL_FIELDS[@]}" || return 0
	: >"$TEST_DIR/.intercepted"
	local id=${ID_ARG:-$CID} rc names n out
	if [ "$TEST_DECL" = rejected ]; then
		printf '+ declared rejected (%s): %s must fail naming the field\n' "${TEST_DECL_ENTRIES[*]}" "${RT_REJECT_AT:-create}" >&9
		rt_raw_ create --bundle "$BUNDLE_ARG" "$id" >"$TEST_DIR/.decl.out" 2>"$TEST_DIR/.decl.err"
		rc=$?
		if [ "$rc" = 0 ] && [ "${RT_REJECT_AT:-create}" = start ]; then
			# the profile says this runtime refuses at start (ch-run-oci)
			rt_raw_ start "$id" >>"$TEST_DIR/.decl.out" 2>>"$TEST_DIR/.decl.err"
			rc=$?
			rt_raw_ delete --force "$id" >/dev/null 2>&1
		fi
		cat "$TEST_DIR/.decl.out" "$TEST_DIR/.decl.err" >&2
		if [ "$rc" = 0 ]; then
			rt_raw_ delete --force "$id" >/dev/null 2>&1
			set_verdict_ fail "declared rejected (${TEST_DECL_ENTRIES[*]}) but create succeeded"
		elif [ "$rc" = 124 ]; then
			set_verdict_ fail "declared rejected (${TEST_DECL_ENTRIES[*]}) but create timed out"
		else
			# the field, its last component, the value of a "field=value"
			# entry, and every ancestor that is declared rejected too
			names=()
			local a
			for n in "${TEST_DECL_FIELDS[@]}" "${TEST_DECL_ENTRIES[@]}"; do
				names+=("${n%%=*}" "${n##*.}")
				[[ $n != *=* ]] || names+=("${n#*=}")
				a=${n%%=*}
				while [ "${a%.*}" != "$a" ]; do
					a=${a%.*}
					[ "${DECL_VERDICT[$a]:-}" != rejected ] || names+=("$a")
				done
			done
			leftovers_
			out=$LEFTOVERS
			if ! printf '%s\n' "${names[@]}" | grep -qiF -f - "$TEST_DIR/.decl.err" "$TEST_DIR/.decl.out"; then
				set_verdict_ fail "declared rejected (${TEST_DECL_ENTRIES[*]}): create failed (exit $rc) without naming the field: $(head -c 200 "$TEST_DIR/.decl.err" | tr '\n' ' ')"
			elif rt_raw_ state "$id" >/dev/null 2>&1; then
				set_verdict_ fail "declared rejected: create failed but '$id' still exists"
			elif [ -n "$out" ]; then
				set_verdict_ fail "declared rejected: create failed but left behind: $out"
			else
				set_verdict_ rejected-as-declared "refused as declared (${TEST_DECL_ENTRIES[*]}: ${DECL_WHY[${TEST_DECL_ENTRIES[0]}]}): $(first_line_ "$TEST_DIR/.decl.err")"
			fi
		fi
	else
		printf '+ declared ignored (%s): run must succeed\n' "${TEST_DECL_ENTRIES[*]}" >&9
		jq '.process.args = ["/probe", "report"] | .process.terminal = false' "$BUNDLE_ARG/config.json" \
			>"$TEST_DIR/.decl.json" && cat "$TEST_DIR/.decl.json" >"$BUNDLE_ARG/config.json"
		rt_raw_ run --bundle "$BUNDLE_ARG" "$id" >"$TEST_DIR/.decl.out" 2>"$TEST_DIR/.decl.err"
		rc=$?
		cat "$TEST_DIR/.decl.err" >&2
		if [ "$rc" = 0 ]; then
			set_verdict_ ignored-as-declared "ran as declared (${TEST_DECL_ENTRIES[*]} ignored: ${DECL_WHY[${TEST_DECL_ENTRIES[0]}]})"
		else
			set_verdict_ fail "declared ignored (${TEST_DECL_ENTRIES[*]}) but run failed (exit $rc): $(head -c 200 "$TEST_DIR/.decl.err" | tr '\n' ' ')"
		fi
	fi
	# shellcheck disable=SC2031 # set in the body's subshell on purpose
	kill -TERM "$TEST_BODY_PID" 2>/dev/null
	exit 0
}

# ---------------------------------------------------------------- leftovers

# pids_snapshot_: note the processes that exist now (before a test body):
# marked_pids_ then reads the environment only of those that appeared since.
declare -A PIDS_BEFORE_=()
pids_snapshot_() {
	local f
	PIDS_BEFORE_=()
	for f in /proc/[0-9]*; do
		PIDS_BEFORE_[${f#/proc/}]=1
	done
}

# marked_pids_ ENTRY: MARKED_PIDS = the processes (new since the snapshot)
# whose environment holds ENTRY ("NAME=value"). Read with builtins: one
# grep over /proc costs ten times more here, for every test (process
# creation is slow in VMs).
marked_pids_() {
	local f pid env_ IFS=$'\n'
	MARKED_PIDS=()
	for f in /proc/[0-9]*; do
		pid=${f#/proc/}
		[ -z "${PIDS_BEFORE_[$pid]:-}" ] || continue
		mapfile -d '' -t env_ 2>/dev/null <"$f/environ" || continue
		[[ $'\n'"${env_[*]}"$'\n' == *$'\n'"$1"$'\n'* ]] || continue
		MARKED_PIDS+=("$pid")
	done
}

# leftovers_ [cleanup]: print what this test left behind (state entries,
# processes, mounts under $TEST_DIR), one "; "-separated line. With
# "cleanup", also remove it: force delete, SIGKILL, lazy unmount.
leftovers_() {
	local cleanup=${1:-} what=() id ids pid cg live m mounts=() entries
	LEFTOVERS=''
	entries=("$TEST_STATE"/*)
	if [ -e "${entries[0]}" ]; then
		if ids=$(rt_raw_ list -q 2>/dev/null); then
			:
		else
			ids=''
			for id in "${entries[@]}"; do ids+=" ${id##*/}"; done
		fi
		for id in $ids; do
			what+=("container $id")
			[ -z "$cleanup" ] || rt_raw_ delete --force "$id" >/dev/null 2>&1
		done
	fi
	# processes: the runtime and the container carry CONFORM_TEST=<mark>
	marked_pids_ "CONFORM_TEST=$TEST_MARK"
	for pid in "${MARKED_PIDS[@]}"; do
		if [ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ]; then
			continue
		fi
		local cmd=''
		read -r -d '' cmd 2>/dev/null <"/proc/$pid/cmdline"
		case $cmd in timeout) continue ;; esac
		local argv=()
		mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null
		what+=("process $pid (${argv[*]:0:4})")
		[ -z "$cleanup" ] || kill -KILL "$pid" 2>/dev/null
	done
	# cgroups named after the test (see cgroup_leak_dirs_); one that only
	# holds zombies is left alone (PID 1 here does not reap)
	cgroup_leak_dirs_
	local d cgs=(/sys/fs/cgroup/*/*/*"$TEST_MARK"*)
	for d in "${CG_LEAK_DIRS_[@]}"; do
		cgs+=("$d"/*"$TEST_MARK"*)
	done
	for cg in "${cgs[@]}"; do
		[ -d "$cg" ] || continue
		live=''
		for pid in $(<"$cg/cgroup.procs"); do
			pid_alive "$pid" && live+=" $pid"
		done 2>/dev/null
		if [ -n "$live" ]; then
			what+=("cgroup $cg (processes$live)")
			# shellcheck disable=SC2086 # a list of pids
			[ -z "$cleanup" ] || kill -KILL $live 2>/dev/null
		elif [ -z "$(<"$cg/cgroup.procs")" ]; then
			what+=("cgroup $cg")
			[ -z "$cleanup" ] || rmdir "$cg" 2>/dev/null
		fi 2>/dev/null
	done
	local _a _b _c _d mp _rest
	while read -r _a _b _c _d mp _rest; do
		[[ $mp == "$TEST_DIR"/* ]] && mounts+=("$mp")
	done </proc/self/mountinfo
	for m in "${mounts[@]}"; do
		what+=("mount $m")
	done
	if [ -n "$cleanup" ]; then
		for (( m = ${#mounts[@]} - 1; m >= 0; m-- )); do
			umount -l "${mounts[m]}" 2>/dev/null
		done
	fi
	local w
	for w in "${what[@]}"; do
		LEFTOVERS+=${LEFTOVERS:+; }$w
	done
}

# no_crash [RC]: the last runtime call (or RC) did not die of a signal.
no_crash() {
	local rc=${1:-}
	[ -n "$rc" ] || rc=$(sed -n 's/.*: exit \([0-9]*\)$/\1/p' "$TEST_DIR/.lastrt")
	[ -z "$rc" ] || [ "$rc" -le 128 ] || [ "$rc" -gt 192 ] ||
		why "the runtime died of signal $((rc - 128))"
}

# nothing_left ID: the runtime no longer knows ID and the test left no
# process, mount or state behind.
nothing_left() {
	local id=${1:-$CID} out
	if rt_raw_ state "$id" >/dev/null 2>&1; then
		why "'$id' still exists (state succeeds)"
		return 1
	fi
	leftovers_
	[ -z "$LEFTOVERS" ] || why "left behind: $LEFTOVERS"
}

# ---------------------------------------------------------------- bundles

# bundle_new [-n NAME] [--novalidate] [--arg K V | --argjson K V]... [FILTER]:
# make $TEST_DIR/NAME (default "bundle") with a copy of the rootfs and a
# config.json = base config | .ociVersion = profile's | FILTER, and set
# BUNDLE to it. FILTER may use the JQ_PRELUDE functions and $dir (TEST_DIR),
# $bundle, $uid, $gid (the runtime user's). Every bundle's process gets
# CONFORM_TEST=<mark> in its environment (leak detection), second, after
# the first user variable: a runtime that drops the first or the last
# entry of process.env then drops a user variable that a case can see,
# not only the mark (t4011 checks the mark itself).
bundle_new() {
	local name=bundle invalid='' jqargs=() filter=.
	while [ $# -gt 0 ]; do
		case $1 in
		-n) name=$2; shift ;;
		--novalidate) invalid=1 ;;
		--arg|--argjson) jqargs+=("$1" "$2" "$3"); shift 2 ;;
		*) filter=$1 ;;
		esac
		shift
	done
	BUNDLE=$TEST_DIR/$name
	# RT_TEMPLATE holds rootfs/ and an empty config.json, both owned by the
	# runtime's user: one copy makes the bundle, and writing config.json
	# keeps its owner (no chown)
	copy_tree "$RT_TEMPLATE" "$BUNDLE" || { why "cannot copy the rootfs"; return 1; }
	bundle_write_ "$CONFORM_CTX/base.json" "$filter" "${jqargs[@]}" || return 1
	if [ -z "$invalid" ]; then
		bundle_validate_ || return 1
	fi
	return 0
}

# bundle_edit [--arg K V]... FILTER: patch $BUNDLE/config.json.
bundle_edit() {
	local jqargs=()
	while [ $# -gt 1 ]; do
		jqargs+=("$1" "$2" "$3")
		shift 3
	done
	cp "$BUNDLE/config.json" "$BUNDLE/.config.prev"
	bundle_write_ "$BUNDLE/.config.prev" "$1" "${jqargs[@]}"
}

bundle_write_() {
	local src=$1 filter=$2
	shift 2
	if [ "$filter" = . ] && [ $# = 0 ] && [ "$src" = "$CONFORM_CTX/base.json" ]; then
		# the common case without jq: base.json carries CONFORM_TEST=@MARK@
		[ -n "${BASE_JSON_:-}" ] || BASE_JSON_=$(<"$CONFORM_CTX/base.json")
		printf '%s\n' "${BASE_JSON_//@MARK@/$TEST_MARK}" >"$BUNDLE/config.json"
		return
	fi
	jq_to_ "$BUNDLE/config.json" "$@" --arg dir "$TEST_DIR" --arg bundle "$BUNDLE" --arg mark "CONFORM_TEST=$TEST_MARK" \
		--argjson uid "$RT_UID" --argjson gid "$RT_GID" --arg oci "$RT_OCI" \
		"$JQ_PRELUDE .ociVersion = \$oci | ($filter)
		| if .process then .process.env = ([(.process.env // [])[] | select(startswith(\"CONFORM_TEST=\") | not)]
			| .[:1] + [\$mark] + .[1:]) else . end" \
		"$src" 2>"$TEST_DIR/.jqerr" ||
		{ why "harness: bad jq filter: $(<"$TEST_DIR/.jqerr")"; return 1; }
}

# bundle_validate_: when conform found the runtime-tools validator, check
# the bundle with it; an invalid bundle is a harness bug.
bundle_validate_() {
	[ -n "${RT_VALIDATOR:-}" ] || return 0
	"$RT_VALIDATOR" "$BUNDLE" >/dev/null 2>"$TEST_DIR/.validate" ||
		why "harness: bundle fails oci-validate: $(head -n1 "$TEST_DIR/.validate")"
}

# config_get JQ: read from $BUNDLE/config.json.
config_get() { jq -r "$1" "$BUNDLE/config.json"; }

# ---------------------------------------------------------------- probe

# probe_report [ID]: run $BUNDLE (its process.args decide what the probe
# does; the base config runs "/probe report") and keep stdout in $REPORT.
probe_report() {
	local id=${1:-$CID} rc
	rt run --bundle "$BUNDLE" "$id" >"$REPORT" 2>"$TEST_DIR/run.err"
	rc=$?
	[ "$rc" = 0 ] || { why "run failed (exit $rc): $(first_line_ "$TEST_DIR/run.err")"; return 1; }
}

# report_eq JQPATH EXPECTED [JQPATH EXPECTED]...: compare values of the probe
# report with expected compact JSON, e.g. report_eq .umask 18 .cwd '"/tmp"'.
report_eq() { json_eq "$REPORT" "$@"; }

# json_eq FILE JQPATH EXPECTED...: the same for any JSON file; EXPECTED is a
# JSON value (or a jq expression). One jq run for all pairs.
json_eq() {
	local file=$1 prog='' i=0 out n
	shift
	local args=("$@")
	while [ $i -lt ${#args[@]} ]; do
		prog+="(((${args[i]}) | tojson) as \$a | ((${args[i + 1]}) | tojson) as \$b
			| if \$a == \$b then empty else \"$i\\t\\(\$a)\" end), "
		i=$((i + 2))
	done
	jq -r "${prog}empty" "$file" >"$TEST_DIR/.jq" 2>&1
	local jrc=$?
	out=$(<"$TEST_DIR/.jq")
	[ "$jrc" = 0 ] ||
		{ why "${file##*/}: not the expected JSON: $(printf '%s' "$out" | head -c 100) / $(head -c 200 "$file" | tr '\n' ' ')"; return 1; }
	[ -n "$out" ] || return 0
	n=${out%%$'\t'*}
	out=${out#*$'\t'}
	why "${file##*/}: ${args[n]} is $(printf '%s' "${out%%$'\n'*}" | head -c 200), want ${args[n + 1]}"
}

# report_expect JQBOOL [DESCRIPTION]: a jq condition on the probe report.
report_expect() { json_expect "$REPORT" "$@"; }

# json_expect FILE JQBOOL [DESCRIPTION]
json_expect() {
	local out
	if jq -e "$2" "$1" >"$TEST_DIR/.jq" 2>&1; then
		return 0
	fi
	out=$(<"$TEST_DIR/.jq")
	why "${1##*/}: ${3:-expected $2}${out:+ (got $(printf '%s' "$out" | head -c 150 | tr '\n' ' '))}"
}

# ---------------------------------------------------------------- state

# state_json ID [FILE]: write the runtime's state of ID to FILE (default
# $TEST_DIR/state.json).
state_json() {
	local id=${1:-$CID} f=${2:-$TEST_DIR/state.json}
	rt state "$id" >"$f" || { why "state $id failed"; return 1; }
}

# state_status ID: print the status field ("" when state fails).
state_status() {
	local out
	rt state "${1:-$CID}" >"$TEST_DIR/.state.json" 2>/dev/null || return 0
	out=$(<"$TEST_DIR/.state.json")
	[[ $out =~ \"status\":[[:space:]]*\"([^\"]*)\" ]] && printf '%s\n' "${BASH_REMATCH[1]}"
}

# state_pid ID: print the pid field ("" when state fails or has none).
state_pid() {
	local out
	rt state "${1:-$CID}" >"$TEST_DIR/.state.json" 2>/dev/null || return 0
	out=$(<"$TEST_DIR/.state.json")
	[[ $out =~ \"pid\":[[:space:]]*([0-9]+) ]] && printf '%s\n' "${BASH_REMATCH[1]}"
}

# state_valid FILE: FILE holds a state per state-schema.json (v1.3.0): an
# object with string ociVersion, id, bundle (absolute), status one
# of creating/created/running/stopped, integer pid >= 0 (required on Linux
# when created or running), annotations a map of strings.
state_valid() {
	local f=${1:-$TEST_DIR/state.json} out
	out=$(jq -r '
		[ (if type != "object" then "not an object" else empty end),
		  (if (.ociVersion | type) != "string" then "ociVersion missing or not a string" else empty end),
		  (if (.id | type) != "string" then "id missing or not a string" else empty end),
		  (if (.bundle | type) != "string" then "bundle missing or not a string"
		   elif (.bundle | startswith("/") | not) then "bundle is not an absolute path (runtime.md#state)" else empty end),
		  (if (.status | type) != "string" then "status missing or not a string"
		   elif ([.status] | inside(["creating", "created", "running", "stopped"]) | not)
		   then "status \(.status) is not in the schema enum" else empty end),
		  (if has("pid") and ((.pid | type) != "number" or .pid != (.pid | floor) or .pid < 0)
		   then "pid is not an integer >= 0" else empty end),
		  (if (.status == "created" or .status == "running") and ((.pid // 0) <= 0)
		   then "pid missing while \(.status)" else empty end),
		  (if has("annotations") and (.annotations != null) and ((.annotations | type) != "object"
		     or (.annotations | to_entries | any(.value | type != "string")))
		   then "annotations is not a map of strings" else empty end)
		] | join("; ")' "$f" 2>&1) || { why "state is not JSON: $(head -c 200 "$f")"; return 1; }
	[ -z "$out" ] || why "state violates state-schema: $out"
}

# wait_for_status ID STATUS [SECONDS]: poll state until STATUS (bounded).
wait_for_status() {
	local id=$1 want=$2 max=${3:-5} s='' end
	end=$(( ${EPOCHREALTIME/./} / 1000 + max * 1000 ))
	while :; do
		s=''
		if rt state "$id" >"$TEST_DIR/.state.json" 2>/dev/null; then
			s=$(<"$TEST_DIR/.state.json")
			[[ $s =~ \"status\":[[:space:]]*\"([^\"]*)\" ]] && s=${BASH_REMATCH[1]}
		fi
		[ "$s" = "$want" ] && return 0
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ] || break
		nap 0.05
	done
	why "status of $id is '${s:0:40}', want $want (waited ${max}s)"
}

# wait_for_file PATH [SECONDS]: poll until PATH exists and is not empty.
wait_for_file() {
	local f=$1 max=${2:-5} end
	end=$(( ${EPOCHREALTIME/./} / 1000 + max * 1000 ))
	while [ ! -s "$f" ]; do
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ] || { why "${f##*/} did not appear within ${max}s"; return 1; }
		nap 0.02
	done
}

# wait_for_gone PID [SECONDS]: poll until PID is gone or a zombie (this
# host's PID 1 does not reap orphans: a zombie container init is stopped).
wait_for_gone() {
	local pid=$1 max=${2:-5} end
	end=$(( ${EPOCHREALTIME/./} / 1000 + max * 1000 ))
	while pid_alive "$pid"; do
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ] || { why "process $pid still alive after ${max}s"; return 1; }
		nap 0.02
	done
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local st
	read -r st <"/proc/$1/stat" 2>/dev/null || return 1
	st=${st##*) }
	st=${st%% *}
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# ct_create [ID] [ARG...]: create $BUNDLE as ID (default $CID). The
# container's stdout and stderr (inherited from create) go to
# $TEST_DIR/ID.out and ID.err, with the runtime's own messages.
ct_create() {
	local id=${1:-$CID} rc
	shift
	rt create --bundle "$BUNDLE" "$@" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err"
	rc=$?
	[ "$rc" = 0 ] || { why "create failed (exit $rc): $(first_line_ "$TEST_DIR/$id.err")"; return 1; }
}

# start_bg [ID]: create and start $BUNDLE as ID (for long-running probes).
start_bg() {
	local id=${1:-$CID}
	ct_create "$id" || return 1
	rt start "$id" || { why "start $id failed"; return 1; }
}

# cleanup_ct [ID]...: force-delete containers (default $CID), ignoring
# errors; for the end of a body, so that leaks are only what delete leaves.
cleanup_ct() {
	local id
	for id in "${@:-$CID}"; do
		rt_raw_ delete --force "$id" >/dev/null 2>&1
	done
	return 0
}

# ---------------------------------------------------------------- host views

# subid_map: print a jq filter that gives the container more ids than 0: as
# root, nothing to do ("."); unprivileged, uid and gid 0 stay the runtime
# user's and 1..N map to its subordinate range in /etc/subuid and
# /etc/subgid (the runtime then needs newuidmap and newgidmap). Skips the
# test when the user has no range. For cases with a non-root process user.
subid_map() {
	[ "$RT_UNPRIV" = 1 ] || { printf '.\n'; return 0; }
	local kind name start count u='' g=''
	for kind in uid gid; do
		[ -r "/etc/sub$kind" ] || continue
		while IFS=: read -r name start count; do
			[ "$name" = "$RT_USER" ] || [ "$name" = "$RT_UID" ] || continue
			if [ "$kind" = uid ]; then u="$start $count"; else g="$start $count"; fi
			break
		done <"/etc/sub$kind"
	done
	[ -n "$u" ] && [ -n "$g" ] ||
		skip_test "unprivileged: $RT_USER has no range in /etc/subuid and /etc/subgid (a second uid needs newuidmap)"
	printf '.linux.uidMappings = [{containerID: 0, hostID: %s, size: 1}, {containerID: 1, hostID: %s, size: %s}]
		| .linux.gidMappings = [{containerID: 0, hostID: %s, size: 1}, {containerID: 1, hostID: %s, size: %s}]\n' \
		"$RT_UID" "${u% *}" "${u#* }" "$RT_GID" "${g% *}" "${g#* }"
}

# host_ns TYPE: inode of the harness's (the host's) namespace TYPE.
host_ns() { stat -L -c %i "/proc/self/ns/$1"; }

# cgroup_mounts_: fill CG_MNT (controller -> v1 mount point; _v2_ -> the v2
# mount point) from /proc/self/mountinfo, once per script.
declare -A CG_MNT=()
CG_MNT_DONE_=''
cgroup_mounts_() {
	[ -z "$CG_MNT_DONE_" ] || return 0
	local line fields post opts c
	while IFS= read -r line; do
		post=${line#* - }
		read -r -a fields <<<"$line"
		case $post in
		cgroup2\ *) [ -n "${CG_MNT[_v2_]:-}" ] || CG_MNT[_v2_]=${fields[4]} ;;
		cgroup\ *)
			opts=${post##* }
			for c in ${opts//,/ }; do
				[ -n "${CG_MNT[$c]:-}" ] || CG_MNT[$c]=${fields[4]}
			done ;;
		esac
	done </proc/self/mountinfo
	CG_MNT_DONE_=1
}

# cgroup_leak_dirs_: CG_LEAK_DIRS_ = where a test's cgroups appear besides
# one level down (leftovers_ looks there too), once per script: every
# hierarchy's root (the default cgroupsPath is often the container ID) and
# the harness's own cgroup (for runtimes that place containers relative to
# theirs; here v1 memory sits two levels down).
CG_LEAK_DIRS_=()
cgroup_leak_dirs_() {
	[ ${#CG_LEAK_DIRS_[@]} = 0 ] || return 0
	local hid ctrls rel m
	cgroup_mounts_
	CG_LEAK_DIRS_=(/sys/fs/cgroup/*)
	while IFS=: read -r hid ctrls rel; do
		[ "$rel" != / ] || continue
		m=${CG_MNT[${ctrls%%,*}]:-}
		[ -n "$ctrls" ] || m=${CG_MNT[_v2_]:-}
		[ -z "$m" ] || CG_LEAK_DIRS_+=("$m$rel")
	done </proc/self/cgroup
}

# cgroup_dir PID CONTROLLER: host directory of PID's cgroup for CONTROLLER
# ("" for the v2 hierarchy), in CG_DIR and on stdout; empty when not found.
cgroup_dir() {
	cgroup_dir_ "$@"
	[ -z "$CG_DIR" ] || printf '%s\n' "$CG_DIR"
}
cgroup_dir_() {
	local pid=$1 ctrl=$2 line hid ctrls rel c
	CG_DIR=''
	cgroup_mounts_
	while IFS=: read -r hid ctrls rel; do
		if [ -z "$ctrl" ]; then
			if [ "$hid" != 0 ] || [ -n "$ctrls" ]; then
				continue
			fi
		else
			[[ ,$ctrls, == *,"$ctrl",* ]] || continue
		fi
		c=${ctrl:-_v2_}
		[ -z "${CG_MNT[$c]:-}" ] || CG_DIR=${CG_MNT[$c]}$rel
		return 0
	done <"/proc/$pid/cgroup" 2>/dev/null
}

# cgroup_read PID V1CONTROLLER V1FILE V2FILE: print the value the runtime set
# for PID's cgroup: the v2 file when the process sits in a v2 cgroup that has
# it, else the v1 controller's file. Fails (with a reason) when neither exists.
cgroup_read() {
	local pid=$1 c1=$2 f1=$3 f2=$4 d root
	cgroup_dir_ 1 ""
	root=${CG_DIR%/}
	cgroup_dir_ "$pid" ""
	d=$CG_DIR
	if [ -n "$f2" ] && [ -n "$d" ] && [ "${d%/}" != "$root" ] && [ -f "$d/$f2" ]; then
		printf '%s\n' "$(<"$d/$f2")"
		return
	fi
	if [ -n "$c1" ]; then
		cgroup_dir_ "$pid" "$c1"
		d=$CG_DIR
		if [ -n "$d" ] && [ -f "$d/$f1" ]; then
			printf '%s\n' "$(<"$d/$f1")"
			return
		fi
	fi
	local cg
	cg=$(<"/proc/$pid/cgroup")
	why "no cgroup file ${f2:-} / $c1/${f1:-} for pid $pid (${cg//$'\n'/ })"
	return 1
}

# require_cgroup_manager: inside a body, after bundle_new: skip the test when
# the runtime's profile says it applies no cgroup settings to this config.
require_cgroup_manager() {
	if [ -n "${RT_CGROUP_OFF_IF:-}" ] && jq -e "$RT_CGROUP_OFF_IF" "$BUNDLE/config.json" >/dev/null 2>&1; then
		skip_test "arrangement: ${RT_CGROUP_OFF_WHY}"
	fi
}

# cgroup_available CONTROLLER: the controller is on a hierarchy the runtime
# uses here (profile: v2 only, or either).
cgroup_available() {
	local c=$1 v2
	cgroup_mounts_
	v2=${CG_MNT[_v2_]:-}
	if [ -n "$v2" ] && [[ " $(<"$v2/cgroup.controllers") " == *" $c "* ]]; then
		return 0
	fi
	[ "$RT_CGROUP" != v2 ] || return 1
	[ -n "${CG_MNT[$c]:-}" ]
}

# require_cgroup CONTROLLER: inside a body, after bundle_new: skip the test
# when the runtime cannot apply CONTROLLER here (profile arrangement, or the
# controller is on no hierarchy it uses).
require_cgroup() {
	require_cgroup_manager
	cgroup_available "$1" ||
		skip_test "the $1 controller is not available on the cgroup hierarchy the runtime uses here"
}

# hook_script NAME BODY: write an executable /bin/sh hook $TEST_DIR/NAME.
hook_script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$TEST_DIR/$1"
	chmod 755 "$TEST_DIR/$1"
}

# console_listen SOCKET OUT: start the console-socket receiver in the
# background (as the runtime's user); it writes the pty's output to OUT and
# its window size to OUT.size. Waits until the socket exists.
console_listen() {
	rt_as_user_ python3 "$CONFORM_DIR/wrappers/console-recv" "$1" "$2" "${CONFORM_RT_TIMEOUT}" \
		>"$TEST_DIR/console-recv.log" 2>&1 &
	CONSOLE_PID=$!
	test_when_finished "kill $CONSOLE_PID 2>/dev/null; true"
	wait_for_socket_ "$1"
}

# wait_for_socket_ PATH: wait (bounded) until PATH is a socket.
wait_for_socket_() {
	local end=$(( ${EPOCHREALTIME/./} / 1000 + 5000 ))
	while [ ! -S "$1" ]; do
		[ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$end" ] || { why "${1##*/} did not appear"; return 1; }
		nap 0.02
	done
}

# console_wait: wait for the receiver to finish (it ends at EOF or timeout).
console_wait() {
	wait "$CONSOLE_PID"
	local rc=$?
	cat "$TEST_DIR/console-recv.log" >&2
	[ "$rc" = 0 ] || why "console receiver: $(tail -n1 "$TEST_DIR/console-recv.log")"
}
