# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2154,SC2034,SC2046,SC2120,SC2119
# (SC2154, SC2034: globals shared with engines.sh and the engine files;
# SC2046: pid lists split on purpose; SC2119/20: errtail's count is optional)
# lib.sh: checks, parallel workers, TAP output and counters for engines.sh
# and the per-engine files it sources. Every check belongs to the current
# runtime ($RT: urun, runc, or all for setup) and engine ($ENGINE, e.g.
# "podman root"); the summary prints the counts of each runtime side by side.
#
# Checks only record their results (in $RES); flush prints them as TAP, in
# order, and counts them. That lets the engines (see suites), and the checks
# of urun and of runc on each (see workers), run at the same time and still
# print one after the other.
#
# Known failures: `known A check ...` marks a check that fails with urun
# today because of cause A of issue 9. While A is listed in KNOWN_CAUSES a
# failure of that check with urun is printed as "not ok ... # TODO cause A"
# and does not fail the suite; a pass is printed with a note, and the summary
# names the causes all of whose checks pass. With runc, and once A is dropped
# from the list, such a check counts as any other.

n=0 failed=0 todo=0 skipped=0 cause_passes="" cause_fails=""
declare -A passes=() totals=() engines_seen=()
engine_order=()
cause=""
RT=all ENGINE=setup

# known CAUSE CMD...: run the check CMD with CAUSE (may be empty) as its
# known failure.
known() {
	cause=$1
	shift
	"$@"
	cause=""
}

# _record pass|fail|skip WHAT DETAIL: one result, a line of $RES.
_record() {
	local now=${EPOCHREALTIME/./}
	local ms=$(((now - ${last_check:-$now}) / 1000))	# since the previous check
	last_check=$now
	printf '%s\037%s\037%s\037%s\037%s\037%s\037%s\n' "$1" "$RT" "$ENGINE" "$2" "$cause" "$ms" \
		"$(tr '\n' ' ' <<<"${3:-}")" >>"$RES"
}
ok() { _record pass "$1"; }
not_ok() { _record fail "$1" "$2"; }
# skip WHAT WHY: a check this machine cannot run; not counted in N/M.
skip() { _record skip "$1" "$2"; }

# flush [FILE]: print the results recorded in FILE (default $RES) as TAP and
# count them; FILE is emptied.
flush() {
	local f=${1:-$RES} st rt eng what cs ms detail key took line
	[ -f "$f" ] || return 0
	while IFS=$'\037' read -r st rt eng what cs ms detail; do
		n=$((n + 1))
		took=""
		[ -n "${ENGINES_TIMES:-}" ] && took=" ($ms ms)"
		line="$rt $eng: $what$took"
		if [ "$st" = skip ]; then
			skipped=$((skipped + 1))
			printf 'ok %d - %s # SKIP %s\n' "$n" "$line" "$detail"
			continue
		fi
		key="$rt|$eng"
		if [ "$rt" != all ] && [ -z "${engines_seen[$eng]:-}" ]; then
			engines_seen[$eng]=1
			engine_order+=("$eng")
		fi
		totals[$key]=$((${totals[$key]:-0} + 1))
		local is_known=""
		[ "$rt" = urun ] && [ -n "$cs" ] && [[ " $KNOWN_CAUSES " = *" $cs "* ]] && is_known=1
		if [ "$st" = pass ]; then
			passes[$key]=$((${passes[$key]:-0} + 1))
			if [ -n "$is_known" ]; then
				cause_passes+=" $cs"
				printf 'ok %d - %s # TODO cause %s: passes now\n' "$n" "$line" "$cs"
			else
				printf 'ok %d - %s\n' "$n" "$line"
			fi
		elif [ -n "$is_known" ]; then
			todo=$((todo + 1)) cause_fails+=" $cs"
			printf 'not ok %d - %s # TODO known failure, cause %s\n#   %s\n' "$n" "$line" "$cs" "$detail"
		else
			failed=$((failed + 1))
			printf 'not ok %d - %s\n#   %s\n' "$n" "$line" "$detail"
		fi
	done <"$f"
	: >"$f"
}

# workers NAME VARIANTS FUNC...: run `FUNC... VARIANT` once per variant of
# the space-separated VARIANTS (e.g. "root rootless", or "" for one) and per
# runtime of RUNTIMES, all at once, each with its own RT, RTPATH, scratch
# files and results file (named so that results print variant after variant,
# runtime after runtime; each runtime's containers have their own names).
workers() {
	local name=$1 variants=${2:--} v r pids=() i=0
	shift 2
	for v in $variants; do
		for r in "${RUNTIMES[@]}"; do
			i=$((i + 1))
			(
				RT=$r RTPATH=$(rtpath "$r") RES=$RES.$i
				tmp=$tmp.$name.$v.$r
				mkdir -p "$tmp"
				if [ "$v" = - ]; then "$@"; else "$@" "$v"; fi
			) &
			pids+=($!)
		done
	done
	wait "${pids[@]}"
}

# suites NAME...: NAME_suite for each NAME, all at once, each with its own
# results file, scratch files and cleanups (run when it ends); then print
# all the results, suite after suite.
suites() {
	local s i=0 pids=() f
	for s in "$@"; do
		i=$((i + 1))
		(
			RES=$work/res.$i tmp=$work/tmp.$s cleanups=()
			mkdir -p "$tmp"
			trap run_cleanups EXIT
			"${s}_suite"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for f in $(printf '%s\n' "$work"/res.* | sort -V); do flush "$f"; done
}

# The last lines of $tmp/err without the engines' routine warnings.
errtail() { grep -v -e 'level=warning' -e '^WARN' "$tmp/err" | tail -n "${1:-2}" | tr '\n' ' '; }

# t CMD...: CMD, killed after 60 s when it is a program (a shell function
# runs as it is: the programs it runs have their own limits).
t() {
	if [ "$(type -t "$1")" = function ]; then "$@"; else timeout -k 5 60 "$@"; fi
}

# tkill SECONDS CMD...: CMD with its stderr in $tmp/err, killed (KILL) after
# SECONDS; for an engine that does not end when a runtime misbehaves. (The
# subshell keeps the shell's "Killed" report out of the output.)
tkill() {
	local s=$1
	shift
	(
		timeout -s KILL "$s" "$@" 2>"$tmp/err"
		exit $?
	) 2>/dev/null
}

# out CMD...: CMD's stdout, carriage returns dropped, lines joined by a space;
# stderr in $tmp/err.
out() {
	t "$@" 2>"$tmp/err" | tr -d '\r' | tr '\n' ' ' | sed 's/ *$//'
}

# check WHAT WANT CMD...: CMD's whole stdout (see out) must be WANT.
check() {
	local what=$1 want=$2 got
	shift 2
	got=$(out "$@")
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "got '$got', want '$want': $(errtail)"
	fi
}

# check_eq WHAT WANT GOT: for output already taken (by out, whose stderr is
# in $tmp/err).
check_eq() {
	if [ "$3" = "$2" ]; then ok "$1"; else not_ok "$1" "got '$3', want '$2': $(errtail)"; fi
}

# check_rc WHAT WANT CMD...: CMD's exit status must be WANT.
check_rc() {
	local what=$1 want=$2 rc
	shift 2
	t "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "exit $rc, want $want: $(errtail)"
	fi
}

# check_true WHAT CMD...: CMD must succeed; what it wrote to $tmp/detail
# explains a failure.
check_true() {
	local what=$1
	shift
	: >"$tmp/detail"
	if "$@"; then ok "$what"; else not_ok "$what" "$(tr '\n' ' ' <"$tmp/detail")"; fi
}

# RESIZE_SH: the container's shell script for a resize check under ptyrun.py
# --resize 30x100 --after ready: says whether it has a terminal, its size
# (once the engine has set it: ctr does so after the start), and the new size
# once it differs (polled: docker and ctr resize to the same size after the
# start, podman also forwards SIGWINCH with a kill; the script outlives that
# kill by a second so that it finds the container running).
RESIZE_SH='test -t 0 && test -t 1 && echo tty; i=0
until stty size 2>/dev/null | grep -q "^[1-9]" || [ $i = 20 ]; do sleep 0.1; i=$((i + 1)); done
s0=$(stty size); echo "$s0"; echo ready; i=0
while [ $i -lt 100 ]; do s=$(stty size); [ "$s" != "$s0" ] && echo "$s" && break; sleep 0.1; i=$((i + 1)); done
sleep 1'
RESIZE_WANT="tty 24 80 ready 30 100"

# eventually SECONDS CMD...: CMD succeeds within about SECONDS.
eventually() {
	local i=$(($1 * 10))
	shift
	while [ "$i" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i - 1))
	done
	return 1
}

# Cleanup actions, run last-registered first when the script exits, however
# it exits (engines.sh traps EXIT, INT and TERM).
cleanups=()
on_exit() { cleanups+=("$1"); }
run_cleanups() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[$i]}" >/dev/null 2>&1
	done
	cleanups=()
}

# Pids of the processes whose command line or environment mentions PATH (the
# test's own directory: the engines' daemons, shims, monitors and rootless
# pause processes it started).
pids_under() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$BASHPID" ] && continue
		grep -qsF -- "$1" "$p/cmdline" "$p/environ" && echo "${p#/proc/}"
	done
}

# keep_log FILE NAME: with ENGINES_KEEP_LOGS=DIR, FILE is kept as DIR/NAME
# (the daemons' logs, to trace a failure).
keep_log() {
	[ -n "${ENGINES_KEEP_LOGS:-}" ] && mkdir -p "$ENGINES_KEEP_LOGS" && cp "$1" "$ENGINES_KEEP_LOGS/$2"
	return 0
}

# kill_pids SIG PID...: signal the given processes, ignoring gone ones.
kill_pids() {
	local sig=$1
	shift
	[ $# -gt 0 ] && kill "-$sig" "$@" 2>/dev/null
	return 0
}

# summary: the side-by-side table, the closing counts line; status 1 when a
# check failed that is not a known failure.
summary() {
	local e r line total_line p t c fixed=""
	declare -A sum_p=() sum_t=()
	flush
	printf '# %-22s' engine
	for r in "${RUNTIMES[@]}"; do printf ' %-8s' "$r"; done
	printf '\n'
	for e in "${engine_order[@]}"; do
		t=0
		for r in "${RUNTIMES[@]}"; do t=$((t + ${totals["$r|$e"]:-0})); done
		[ "$t" = 0 ] && continue
		line=$(printf '# %-22s' "$e")
		for r in "${RUNTIMES[@]}"; do
			p=${passes["$r|$e"]:-0} t=${totals["$r|$e"]:-0}
			sum_p[$r]=$((${sum_p[$r]:-0} + p)) sum_t[$r]=$((${sum_t[$r]:-0} + t))
			line+=$(printf ' %-8s' "$p/$t")
		done
		echo "$line"
	done
	total_line=""
	for r in "${RUNTIMES[@]}"; do
		total_line+="${total_line:+, }$r ${sum_p[$r]:-0}/${sum_t[$r]:-0}"
	done
	echo "# $total_line"
	[ "$todo" -gt 0 ] && echo "# $todo known failures of urun (TODO; KNOWN_CAUSES=$KNOWN_CAUSES)"
	for c in $(tr ' ' '\n' <<<"$cause_passes" | sort -u); do
		[[ " $cause_fails " = *" $c "* ]] || fixed+=" $c"
	done
	[ -n "$fixed" ] && echo "# every check of causes$fixed passes with urun now: drop them from KNOWN_CAUSES"
	echo "1..$n"
	echo "$((n - failed - todo - skipped)) passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
}
