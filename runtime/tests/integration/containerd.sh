# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2016,SC2154,SC2034,SC2046
# (SC2016: commands for the container's shell, quoted on purpose; SC2154,
# SC2034: globals of engines.sh and lib.sh; SC2046: pid lists split on purpose)
# containerd.sh: containerd 1.6 with the runc v2 shim (io.containerd.runc.v2)
# running urun or runc (the shim's BinaryName), sourced by engines.sh. The
# test starts its own containerd (own root, state, sockets and config) and
# stops it at exit, with the shims it left. ctr runs containers with
# --runc-binary; the CRI client (cri_client.py) runs pods with the runtime
# handlers test-urun and test-runc, as the kubelet would.

CONTAINERD=${ENGINES_CONTAINERD:-/usr/bin/containerd}
CTR_BIN=${ENGINES_CTR:-/usr/bin/ctr}
SHIM=containerd-shim-runc-v2

containerd_suite() {
	local d=$work/ctd
	RT=all ENGINE=containerd
	if [ ! -x "$CONTAINERD" ] || [ ! -x "$CTR_BIN" ] || ! command -v "$SHIM" >/dev/null; then
		skip "containerd" "containerd, ctr or $SHIM is missing (make deps installs containerd)"
		return
	fi
	[ -f "$work/user.tar" ] || return	# images_setup failed
	mkdir -p "$d/logs"
	containerd_config "$d" >"$d/config.toml"
	CTR=("$CTR_BIN" --address "$d/sock")
	"$CONTAINERD" --config "$d/config.toml" >"$d/log" 2>&1 &
	on_exit "containerd_stop $! $d"
	if ! eventually 30 "${CTR[@]}" version >/dev/null 2>&1; then
		not_ok "private containerd starts" "$(tail -n 3 "$d/log" | tr '\n' ' ')"
		return
	fi
	ok "private containerd starts"
	# ctr's namespace, then the CRI's
	check_rc "ctr image import" 0 sh -c \
		"$(printf '%q ' "${CTR[@]}") -n $cg image import $work/base.tar &&
		$(printf '%q ' "${CTR[@]}") -n $cg image import $work/user.tar"
	check_rc "ctr image import for the CRI (k8s.io)" 0 sh -c \
		"$(printf '%q ' "${CTR[@]}") -n k8s.io image import $work/base.tar &&
		$(printf '%q ' "${CTR[@]}") -n k8s.io image import $work/pause.tar"
	workers containerd "" containerd_checks
}

# containerd_config DIR: a config with everything under DIR, the CRI's
# runtime handlers test-urun and test-runc, and the pause image.
containerd_config() {
	local r
	cat <<-EOF
	version = 2
	root = "$1/root"
	state = "$1/state"
	disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
	  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
	  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
	[grpc]
	  address = "$1/sock"
	[ttrpc]
	  address = "$1/sock.ttrpc"
	[debug]
	  address = ""
	[metrics]
	  address = ""
	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "localhost/urun-engines-pause:latest"
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	  enable_selinux = false
	  # no CAP_SYS_RESOURCE here: the sandbox's oom_score_adj -998 cannot be set
	  restrict_oom_score_adj = true
	  [plugins."io.containerd.grpc.v1.cri".cni]
	    bin_dir = "$1/cni/bin"
	    conf_dir = "$1/cni/conf"
	  [plugins."io.containerd.grpc.v1.cri".containerd]
	    snapshotter = "overlayfs"
	    default_runtime_name = "test-runc"
	EOF
	for r in urun runc; do
		cat <<-EOF
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.test-$r]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.test-$r.options]
		        BinaryName = "$(rtpath "$r")"
		EOF
	done
}

# containerd_stop PID DIR: remove every task and container (ctr's and the
# CRI's), then stop containerd (shims still running then are the
# teardown's: left behind).
containerd_stop() {
	local ns c
	for ns in "$cg" k8s.io; do
		for c in $("${CTR[@]}" -n "$ns" task ls -q 2>/dev/null); do
			"${CTR[@]}" -n "$ns" task kill -a -s SIGKILL "$c"
			sleep 0.2
			"${CTR[@]}" -n "$ns" task delete -f "$c"
		done
		for c in $("${CTR[@]}" -n "$ns" container ls -q 2>/dev/null); do
			"${CTR[@]}" -n "$ns" container delete "$c"
		done
	done
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	keep_log "$2/log" containerd.log
}

containerd_checks() {
	local id=ctr-$RT img=localhost/urun-engines-base:latest
	local ctr=("${CTR[@]}" -n "$cg")
	local run=("${ctr[@]}" run --runc-binary "$RTPATH")	# and --cgroup /$cg-ctr/ID
	ENGINE="containerd ctr"
	check "run --rm" "hi 0" "${run[@]}" --cgroup "/$cg-ctr/$id-1" --rm "$img" "$id-1" sh -c 'echo hi $(id -u)'
	check "run -t --rm: a terminal, its size, a resize" "$RESIZE_WANT" \
		"$integ/ptyrun.py" --resize 30x100 --after ready -- "${run[@]}" --cgroup "/$cg-ctr/$id-2" -t --rm "$img" "$id-2" sh -c "$RESIZE_SH"
	# (containerd's default spec sets noNewPrivileges: no cause A)
	check "run --seccomp of an image with USER 1000 (non-root, default seccomp filter)" "1000 1000" \
		"${run[@]}" --cgroup "/$cg-ctr/$id-3" --rm --seccomp localhost/urun-engines-user:latest "$id-3" \
		sh -c 'echo $(id -u) $(id -g)'
	ctr_detached "$id-d"
	known E check_true "run --with-ns pid (host): kill --all after the init exited" ctr_pid_host "$id-p"
	# containerd's shim reads runc's words "container not running" as
	# "already finished" (not found), which callers such as the CRI's
	# StopContainer ignore; other words make an "unknown error after kill"
	known L check_true "task kill of an exited task: not found (already finished)" ctr_kill_exited "$id-x"
	check_true "no task or shim left" eventually 5 ctr_nothing_left "$id"
	ENGINE="containerd CRI"
	cri_checks
	ENGINE="containerd ctr"
	known J check "the shim's delete --force after each delete succeeds (no cleanup warning)" 0 \
		ctr_cleanup_warnings
}

# ctr_cleanup_warnings: how many times the shim's cleanup (`delete --force`
# of the container it has just deleted) failed with "does not exist" (runc
# exits 0 then), in containerd's log.
ctr_cleanup_warnings() {
	grep 'failed to remove runc container' "$work/ctd/log" | grep -F "$RTPATH did not terminate successfully" |
		grep -c 'does not exist'
}

# ctr_nothing_left PREFIX: no task, container or shim of an id PREFIX*.
ctr_nothing_left() {
	local left
	left="$("${ctr[@]}" task ls -q | grep "^$1") $("${ctr[@]}" container ls -q | grep "^$1")"
	left+=$(pgrep -f -- "$SHIM .*-id $1" | tr '\n' ' ')
	echo "left: $left" >"$tmp/detail"
	[ -z "${left// /}" ]
}

# ctr_detached ID: the checks on one task started with run -d.
ctr_detached() {
	local id=$1
	if ! t "${run[@]}" --cgroup "/$cg-ctr/$id" -d --seccomp "$img" "$id" sh -c 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done' \
		>/dev/null 2>"$tmp/err"; then
		not_ok "run -d" "$(errtail)"
		return
	fi
	ok "run -d"
	check "task exec" "hi" "${ctr[@]}" task exec --exec-id e1 "$id" echo hi
	# (ctr resizes the terminal once the process runs: it must not be gone)
	check "task exec -t: a terminal" tty \
		"$integ/ptyrun.py" -- "${ctr[@]}" task exec -t --exec-id e2 "$id" sh -c 'test -t 0 && test -t 1 && echo tty; sleep 0.5'
	check "task exec --user 1000 (default seccomp filter)" 1000 \
		"${ctr[@]}" task exec --user 1000 --exec-id e3 "$id" id -u
	"${ctr[@]}" task pause "$id" >/dev/null 2>"$tmp/err"
	check "task pause" PAUSED sh -c "$(printf '%q ' "${ctr[@]}") task ls | awk '\$1 == \"$id\" { print \$3 }'"
	"${ctr[@]}" task resume "$id" >/dev/null 2>"$tmp/err"
	check "task resume" RUNNING sh -c "$(printf '%q ' "${ctr[@]}") task ls | awk '\$1 == \"$id\" { print \$3 }'"
	check "task ps lists the init" 1 sh -c "$(printf '%q ' "${ctr[@]}") task ps $id | grep -c \"^\$($(printf '%q ' "${ctr[@]}") task ls | awk '\$1 == \"$id\" { print \$2 }') \""
	check "task metrics" 1 sh -c "$(printf '%q ' "${ctr[@]}") task metrics $id | grep -c 'memory.usage_in_bytes'"
	check_rc "task kill --all" 0 "${ctr[@]}" task kill -a -s SIGKILL "$id"
	eventually 5 sh -c "$(printf '%q ' "${ctr[@]}") task ls | grep -q '^$id .*STOPPED'"
	check_rc "task delete" 0 "${ctr[@]}" task delete "$id"
	check_rc "container delete" 0 "${ctr[@]}" container delete "$id"
}

# ctr_pid_host ID: a task in the host's pid namespace whose init leaves a
# background child and exits; kill --all must end the child, then task
# delete and container delete must work.
ctr_pid_host() {
	local id=$1 mark=$((RANDOM * 32768 + RANDOM + 100000)) st
	if ! t "${run[@]}" --cgroup "/$cg-ctr/$id" -d --with-ns "pid:/proc/$$/ns/pid" "$img" "$id" \
		sh -c "sleep $mark & exit 0" >/dev/null 2>"$tmp/err"; then
		echo "run -d: $(errtail)" >"$tmp/detail"
		"${ctr[@]}" container delete "$id" >/dev/null 2>&1
		return 1
	fi
	eventually 5 sh -c "$(printf '%q ' "${ctr[@]}") task ls | grep -q '^$id .*STOPPED'"
	timeout 8 "${ctr[@]}" task kill -a -s SIGKILL "$id" >/dev/null 2>"$tmp/err" ||
		echo "task kill -a: $(errtail 1)" >>"$tmp/detail"
	eventually 3 sh -c "! pgrep -x -f 'sleep $mark' >/dev/null" ||
		echo "sleep $mark outlived kill --all;" >>"$tmp/detail"
	timeout 8 "${ctr[@]}" task delete "$id" >/dev/null 2>"$tmp/err" ||
		echo "task delete: $(errtail 1)" >>"$tmp/detail"
	st=$(tr -d '\n' <"$tmp/detail")
	# leave nothing for the next checks
	kill_pids KILL $(pgrep -x -f "sleep $mark")	# ours: its argument is unique
	timeout 20 "${ctr[@]}" task delete -f "$id" >/dev/null 2>&1
	"${ctr[@]}" container delete "$id" >/dev/null 2>&1
	[ -z "$st" ]
}

# ctr_kill_exited ID: a plain task kill of a task whose init has exited
# must fail as "not found", as with runc.
ctr_kill_exited() {
	local id=$1
	if ! t "${run[@]}" --cgroup "/$cg-ctr/$id" -d "$img" "$id" true >/dev/null 2>"$tmp/err"; then
		echo "run -d: $(errtail)" >"$tmp/detail"
	elif ! eventually 5 sh -c "$(printf '%q ' "${ctr[@]}") task ls | grep -q '^$id .*STOPPED'"; then
		echo "the task did not stop" >"$tmp/detail"
	elif t "${ctr[@]}" task kill "$id" >/dev/null 2>"$tmp/err" || ! grep -q 'not found' "$tmp/err"; then
		echo "want a 'not found' error: $(errtail 3)" >"$tmp/detail"
	fi
	t "${ctr[@]}" task delete "$id" >/dev/null 2>&1
	t "${ctr[@]}" container delete "$id" >/dev/null 2>&1
	[ ! -s "$tmp/detail" ]
}

# cri_checks: cri_client.py's steps, each a check; the steps of the
# runAsUser container with the RuntimeDefault seccomp profile show cause A,
# the stops and removals cause E.
cri_checks() {
	local line st step why c
	"$integ/cri_client.py" "$CONTAINERD" "$work/ctd/sock" "test-$RT" "/$cg-cri/$RT" "cri-$RT" \
		localhost/urun-engines-base:latest "$work/ctd/logs" >"$tmp/cri" 2>"$tmp/err"
	[ -s "$tmp/cri" ] || echo "fail CRI client: $(errtail)" >"$tmp/cri"
	while read -r st line; do
		step=${line%%: *} why=""
		[ "$step" != "$line" ] && why=${line#*: }
		# the runAsUser container's init fails (A); the shim's kill --all
		# of an exited init fails, so stops and removals fail (E)
		c=""
		case $step in
		start*runAsUser* | exec*runAsUser*) c=A ;;
		stop* | remove* | "no sandbox left") c=E ;;
		esac
		cause=$c
		if [ "$st" = ok ]; then ok "$step"; else not_ok "$step" "$why"; fi
		cause=""
	done <"$tmp/cri"
}
