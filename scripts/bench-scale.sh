#!/bin/bash
# make scale: urun (and runc, for comparison) under concurrency, as root.
#
#  A. SCALE_LIFECYCLES (100) containers, SCALE_STREAMS (25) at a time: create,
#     start, exec (which lists its own fds: nothing of urun's may leak into
#     the container), kill, wait until stopped, delete. Lifecycles per second.
#  B. SCALE_MANY (1000) cheap containers (mount and pid namespaces) created,
#     then `list` and `state` of each (SCALE_STREAMS at a time), then
#     `delete --force` of each. Containers and calls per second.
#  C. (urun; any runtime named urun*, e.g. SCALE_RUNTIMES=/work/ref/urun-before)
#     A again, with SIGKILL sent to one runtime call in
#     SCALE_KILL_ONE_IN (4), after a random 0-40 ms; then `delete --force` of
#     every id, which must succeed.
# After each: nothing may be left: no state entry (also hidden temporaries),
# no process carrying the run's mark (the runtimes and the containers get it
# in their environment), no cgroup or mount named after the run, no open fd
# on the run's directories; every call answered (none hung: each has 120 s).
# Exits non-zero if anything of urun's was left or lost. The whole run is a child of a
# subreaper (bench_run -S) that reaps the containers' inits, as a shim would.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
if [ -z "${SCALE_INNER:-}" ]; then
	SCALE_INNER=1 exec runtime/build/tools/bench_run -S "$0" "$@"
fi
LIFE=${SCALE_LIFECYCLES:-100}
STREAMS=${SCALE_STREAMS:-25}
MANY=${SCALE_MANY:-1000}
KILL_ONE_IN=${SCALE_KILL_ONE_IN:-4}
RUNTIMES=${SCALE_RUNTIMES:-urun runc}
ROOTFS=$PWD/fixtures/build/rootfs
tag=sc$$
work=$(mktemp -d /tmp/urun-scale.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
cp runtime/bin/urun "$work/urun"	# a rebuild during the run changes nothing
URUN=$work/urun
failed=0

bundle() {	# DIR JQ
	mkdir -p "$1"
	jq ".root.path=\"$ROOTFS\" | .ociVersion=\"1.0.2\"
		| .process.env += [\"SCALE_MARK=$tag\"] | $2" fixtures/base/config.json >"$1/config.json"
}
bundle "$work/life" '.process.args=["/bin/sleep", "1000"]'
bundle "$work/cheap" '.process.args=["/bin/sleep", "1000"] | del(.hostname)
	| .linux.namespaces=[{"type": "mount"}, {"type": "pid"}] | .mounts=.mounts[0:2]
	| del(.linux.maskedPaths, .linux.readonlyPaths)'

ms_since() { echo $(((${EPOCHREALTIME/./} - $1) / 1000)); }

# call LOG OP ARGS...: one runtime call ($RT, state in $ROOT), logged as
# "OP RC MS KILLED". KILL=1: SIGKILL it after a random moment, one call in
# KILL_ONE_IN. A call that takes over 120 s is killed and logged as hung.
call() {
	local log=$1 op=$2 t0=${EPOCHREALTIME/./} p w rc killed=0 k
	shift 2
	SCALE_MARK=$tag "$RT" --root "$ROOT" "$@" >"$OUT" 2>"$OUT.err" &
	p=$!
	{ sleep 120 && kill -KILL "$p" && echo "hung: $NAME $*" >>"$work/hung"; } 2>/dev/null &
	w=$!
	if [ "${KILL:-0}" = 1 ] && ((RANDOM % KILL_ONE_IN == 0)); then
		sleep "0.0$((RANDOM % 40 + 10))"
		kill -KILL "$p" 2>/dev/null && killed=1
	fi
	wait "$p" 2>/dev/null	# no "Killed" job notices
	rc=$?
	kill "$w" 2>/dev/null
	wait "$w" 2>/dev/null
	echo "$op $rc $(ms_since "$t0") $killed" >>"$log"
	if [ "$rc" != 0 ]; then
		k=''
		[ "$killed" = 0 ] || k=' (SIGKILLed)'
		printf '%s %s: exit %s%s: %s\n' "$PHASE" "$*" "$rc" "$k" \
			"$(tr '\n' ' ' <"$OUT.err")" >>"$work/err-$NAME"
	fi
	return "$rc"
}

# lifecycle STREAM COUNT: COUNT containers one after the other
lifecycle() {
	local s=$1 n=$2 k id log=$work/log-$NAME-$PHASE-$1 pid i
	OUT=$work/out-$NAME-$s
	for ((k = 0; k < n; k++)); do
		id=$tag-$s-$k
		echo "$id" >>"$work/ids-$NAME-$PHASE"
		call "$log" create create --bundle "$work/life" --pid-file "$work/pid-$id" "$id"
		call "$log" start start "$id"
		if call "$log" exec exec "$id" /bin/sh -c 'ls /proc/self/fd | tr "\n" " "'; then
			echo "$(<"$OUT")" >>"$work/fds-$NAME"
		fi
		# stopped: the init is gone, reaped by the subreaper as by a shim
		# (a killed pid-namespace init stays alive, without its memory,
		# until the kernel has killed the rest of its namespace)
		if call "$log" kill kill "$id" KILL; then
			pid=$(cat "$work/pid-$id" 2>/dev/null)
			for ((i = 0; i < 1000 && ${pid:-0} > 0; i++)); do
				[ -e "/proc/$pid" ] || break
				sleep 0.01
			done
		fi
		call "$log" delete delete "$id"
	done
}

# each_id FILE OP ARGS...: OP ARGS ID for every id of FILE, STREAMS at a time
each_id() {
	local file=$1 op=$2 s
	shift 2
	for ((s = 0; s < STREAMS; s++)); do
		(
			OUT=$work/out-$NAME-$s
			sed -n "$((s + 1))~${STREAMS}p" "$file" | while read -r id; do
				call "$work/log-$NAME-$PHASE-$op" "$op" "$@" "$id"
			done
		) &
	done
	wait
}

marked_pids() {
	local f p out=()
	while read -r f; do
		p=${f#/proc/}
		p=${p%/environ}
		out+=("$p($(cat "/proc/$p/comm" 2>/dev/null))")
	done < <(grep -ls "SCALE_MARK=$tag" /proc/[0-9]*/environ 2>/dev/null)
	echo "${out[*]}"
}

# leaks WHAT: report what is left of this run; fail the run if anything is
leaks() {
	local what=() l
	l=$(find "$ROOT" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null | head -c 200)
	[ -z "$l" ] || what+=("state entries: $l")
	l=$(marked_pids)
	[ -z "$l" ] || what+=("processes: ${l:0:300}")
	l=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$tag*" 2>/dev/null | head -5 | tr '\n' ' ')
	[ -z "$l" ] || what+=("cgroups: $l")
	l=$(grep -c "$tag\|$work" /proc/self/mountinfo)
	[ "$l" = 0 ] || what+=("$l mounts")
	l=$(find /proc/[0-9]*/fd -lname "$work/*" 2>/dev/null | head -5 | tr '\n' ' ')
	[ -z "$l" ] || what+=("open fds: $l")
	# what the exec'd `ls /proc/self/fd` saw beyond 0-2 and its own 3
	l=$(tr ' ' '\n' <"$work/fds-$NAME" 2>/dev/null | grep -vx '[0-3]' | grep . | sort -un |
		tr '\n' ' ')
	[ -z "$l" ] || what+=("fds of the caller inside the container: $l")
	: >"$work/fds-$NAME"
	if [ -s "$work/hung" ]; then
		what+=("unanswered (hung) calls: $(wc -l <"$work/hung")")
		: >"$work/hung"
	fi
	if [ ${#what[@]} -eq 0 ]; then
		printf '  leaks after %s: none\n' "$1"
	else
		printf '  LEAKS after %s: %s\n' "$1" "${what[*]}"
		# the exit status is urun's (others are there to compare with)
		[[ $NAME != urun* ]] || failed=1
	fi
}

# calls LOGS...: "N calls, N failed" and per-op medians
calls() {
	cat "$@" 2>/dev/null | awk '
		{ n++; if ($2 != 0) f++; if ($4 == 1) k++; t[$1] = t[$1] " " $3; c[$1]++ }
		END {
			printf "%d calls, %d failed, %d SIGKILLed;", n, f, k
			for (op in c) {
				split(substr(t[op], 2), v, " "); m = c[op]
				for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
				printf " %s %d ms", op, v[int((m + 1) / 2)]
			}
			printf " (medians)\n"
		}'
}

rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.1f", (ms > 0 ? n * 1000 / ms : 0) }'; }

phase_a() {	# lifecycles, KILL=0|1
	local per=$((LIFE / STREAMS)) t0 s ms
	t0=${EPOCHREALTIME/./}
	for ((s = 0; s < STREAMS; s++)); do
		lifecycle "$s" "$per" &
	done
	wait
	ms=$(ms_since "$t0")
	printf '  %d lifecycles (%d streams) in %d ms: %s lifecycles/s\n' $((per * STREAMS)) "$STREAMS" \
		"$ms" "$(rate $((per * STREAMS)) "$ms")"
	printf '  %s\n' "$(calls "$work"/log-"$NAME"-"$PHASE"-*)"
}

phase_b() {
	local t0 ms n
	seq -f "$tag-m%g" 1 "$MANY" >"$work/ids-$NAME-many"
	t0=${EPOCHREALTIME/./}
	each_id "$work/ids-$NAME-many" create create --bundle "$work/cheap"
	ms=$(ms_since "$t0")
	printf '  create of %d: %d ms, %s containers/s\n' "$MANY" "$ms" "$(rate "$MANY" "$ms")"
	t0=${EPOCHREALTIME/./}
	n=$(SCALE_MARK=$tag "$RT" --root "$ROOT" list -q | grep -c "^$tag-m")
	ms=$(ms_since "$t0")
	printf '  list: %d ms, %d of %d listed\n' "$ms" "$n" "$MANY"
	[ "$n" = "$MANY" ] || { echo "  LOST: list shows $n of $MANY"; [[ $NAME != urun* ]] || failed=1; }
	t0=${EPOCHREALTIME/./}
	SCALE_MARK=$tag "$RT" --root "$ROOT" list -f json >"$work/list.json"
	ms=$(ms_since "$t0")
	n=$(jq '[.[] | select(.status == "created")] | length' "$work/list.json")
	printf '  list -f json: %d ms, %d created\n' "$ms" "$n"
	t0=${EPOCHREALTIME/./}
	each_id "$work/ids-$NAME-many" state state
	ms=$(ms_since "$t0")
	printf '  state of each: %d ms, %s calls/s\n' "$ms" "$(rate "$MANY" "$ms")"
	t0=${EPOCHREALTIME/./}
	each_id "$work/ids-$NAME-many" delete delete --force
	ms=$(ms_since "$t0")
	printf '  delete --force of each: %d ms, %s containers/s\n' "$ms" "$(rate "$MANY" "$ms")"
	printf '  %s\n' "$(calls "$work"/log-"$NAME"-many-*)"
}

for RT in $RUNTIMES; do
	[ "$RT" = urun ] && RT=$URUN
	command -v "$RT" >/dev/null || continue
	NAME=${RT##*/}
	name=$NAME
	ROOT=$work/root-$name
	mkdir -p "$ROOT"
	printf '\n%s: A. %d concurrent lifecycles\n' "$name" "$LIFE"
	PHASE=life KILL=0 phase_a
	leaks "A ($name)"
	printf '%s: B. %d created containers\n' "$name" "$MANY"
	PHASE=many phase_b
	leaks "B ($name)"
	if [[ $name == urun* ]]; then	# also an older urun given by path (urun-before)
		printf '%s: C. %d lifecycles, one call in %d SIGKILLed\n' "$name" "$LIFE" "$KILL_ONE_IN"
		PHASE=kill KILL=1 phase_a
		t0=${EPOCHREALTIME/./}
		PHASE=cleanup each_id "$work/ids-$NAME-kill" delete delete --force
		n=$(awk '$2 != 0' "$work/log-$NAME-cleanup-delete" | wc -l)
		printf '  delete --force of every id: %d ms, %d failed\n' "$(ms_since "$t0")" "$n"
		[ "$n" = 0 ] || { tail -3 "$work/err-$NAME"; failed=1; }
		leaks "C ($name)"
	fi
done
for f in "$work"/err-*; do
	[ -s "$f" ] || continue
	printf '\nfailed calls of %s outside phase C (%d of them; phase C: %d):\n' "${f##*/err-}" \
		"$(grep -vc '^kill ' "$f")" "$(grep -c '^kill ' "$f")"
	grep -v '^kill ' "$f" | head -10
done
exit $failed
