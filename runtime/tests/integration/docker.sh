# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2016,SC2154,SC2034,SC2046
# (SC2016: commands for the container's shell, quoted on purpose; SC2154,
# SC2034: globals of engines.sh and lib.sh; SC2046: pid lists split on purpose)
# docker.sh: docker 20.10 with urun and runc as added runtimes, sourced by
# engines.sh. The test starts its own dockerd (own data root, exec root,
# pidfile, socket and cgroup parent; no bridge, no iptables; it starts its own
# containerd under the exec root) and stops it at exit. The image is loaded
# with `docker load` from a docker-archive that root's buildah writes.

DOCKERD=${ENGINES_DOCKERD:-/usr/sbin/dockerd}
DOCKER_CLI=${ENGINES_DOCKER:-/usr/bin/docker}	# 20.10, as dockerd (not a newer client in PATH)

docker_suite() {
	local d=$work/docker
	RT=all ENGINE=docker
	if [ ! -x "$DOCKERD" ] || [ ! -x "$DOCKER_CLI" ]; then
		skip "docker" "$DOCKERD or $DOCKER_CLI is missing (make deps installs docker.io)"
		return
	fi
	[ -f "$work/base.tar" ] || return	# images_setup failed
	mkdir -p "$d"
	D=("$DOCKER_CLI" -H "unix://$d/sock")
	"$DOCKERD" --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/pid" -H "unix://$d/sock" \
		--iptables=false --ip-masq=false --bridge=none --cgroup-parent "/$cg-docker" \
		--add-runtime "test-urun=$urun" --add-runtime "test-runc=$runc" \
		>"$d/log" 2>&1 &
	on_exit "docker_stop $!"
	if ! eventually 30 "${D[@]}" version >/dev/null 2>&1; then
		not_ok "private dockerd starts" "$(tail -n 3 "$d/log" | tr '\n' ' ')"
		return
	fi
	ok "private dockerd starts"
	check_rc "docker load of the archive" 0 "${D[@]}" load -i "$work/base.tar"
	workers docker "" docker_checks
}

# docker_stop PID: remove every container, stop dockerd (it stops its
# containerd), wait for it.
docker_stop() {
	"${D[@]}" rm -f $("${D[@]}" ps -aq) >/dev/null 2>&1
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	keep_log "$work/docker/log" dockerd.log
}

docker_checks() {
	local name=urun-engines-$RT img=localhost/urun-engines-base
	local run=("${D[@]}" run --rm --runtime "test-$RT" --network none --label "urun-engines=$RT")
	ENGINE=docker
	check "run" "hi 0" "${run[@]}" "$img" sh -c 'echo hi $(id -u)'
	check_rc "run passes the exit status" 3 "${run[@]}" "$img" sh -c 'exit 3'
	check "run -it: a terminal, its size, a resize" "$RESIZE_WANT" \
		"$integ/ptyrun.py" --resize 30x100 --after ready -- "${run[@]}" -it "$img" sh -c "$RESIZE_SH"
	known A check "run --user 1000 (non-root, default seccomp filter)" "1000 1000" \
		"${run[@]}" --user 1000:1000 "$img" sh -c 'echo $(id -u) $(id -g)'
	check "run --device /dev/null:/dev/xnull" char \
		"${run[@]}" --device /dev/null:/dev/xnull "$img" sh -c 'test -c /dev/xnull && echo char'
	# docker asks for every capability; this host's bounding set lacks
	# CAP_SYS_RESOURCE (runc fails the same way): no --privileged
	skip "run --privileged" "docker --privileged needs CAP_SYS_RESOURCE, not in this host's bounding set"
	known D check "run --cgroupns private: / in /proc/self/cgroup" "" \
		"${run[@]}" --cgroupns private "$img" sh -c 'grep -v ":/$" /proc/self/cgroup'
	known I check "run joins the name=systemd hierarchy" 1 \
		"${run[@]}" --cgroupns host "$img" grep -c "name=systemd:/$cg-docker/" /proc/self/cgroup
	known E check_true "run --pid host: a background child is killed with the container" docker_pid_host
	if ! t "${D[@]}" run -d --runtime "test-$RT" --network none --label "urun-engines=$RT" --name "$name" "$img" \
		sh -c 'trap "echo got-usr1" USR1; trap "exit 0" TERM; echo started; while :; do sleep 1 & wait $!; done' \
		>/dev/null 2>"$tmp/err"; then
		not_ok "run -d" "$(errtail)"
		return
	fi
	ok "run -d"
	check "exec -e" bar "${D[@]}" exec -e FOO=bar "$name" sh -c 'echo $FOO'
	check "exec -it: a terminal" tty \
		"$integ/ptyrun.py" -- "${D[@]}" exec -it "$name" sh -c 'test -t 0 && test -t 1 && echo tty'
	known A check "exec --user 1000" 1000 "${D[@]}" exec --user 1000 "$name" id -u
	check "top lists the init" 1 sh -c "$(printf '%q ' "${D[@]}") top $name | grep -c trap"
	"${D[@]}" pause "$name" >/dev/null 2>"$tmp/err"
	check "pause" paused "${D[@]}" inspect -f '{{.State.Status}}' "$name"
	"${D[@]}" unpause "$name" >/dev/null 2>"$tmp/err"
	check "unpause" running "${D[@]}" inspect -f '{{.State.Status}}' "$name"
	known C check "update --memory 128m" 134217728 sh -c \
		"$(printf '%q ' "${D[@]}") update --memory 128m --memory-swap -1 $name >/dev/null &&
		$(printf '%q ' "${D[@]}") exec $name cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
	"${D[@]}" kill -s USR1 "$name" >/dev/null 2>"$tmp/err"
	eventually 5 sh -c "$(printf '%q ' "${D[@]}") logs $name 2>&1 | grep -q got-usr1"
	check "kill -s USR1, logs hold only the container's output" "started got-usr1" \
		sh -c "$(printf '%q ' "${D[@]}") logs $name 2>&1"
	check "restart (logs hold both runs' output)" "running started got-usr1 started" sh -c \
		"$(printf '%q ' "${D[@]}") restart -t 5 $name >/dev/null &&
		$(printf '%q ' "${D[@]}") inspect -f '{{.State.Status}}' $name &&
		sleep 0.5 && $(printf '%q ' "${D[@]}") logs $name 2>&1"
	"${D[@]}" kill "$name" >/dev/null 2>&1
	check "kill, then wait says SIGKILL" 137 "${D[@]}" wait "$name"
	check_rc "rm" 0 "${D[@]}" rm "$name"
	check "no container left" 0 sh -c "$(printf '%q ' "${D[@]}") ps -aq --filter label=urun-engines=$RT | wc -l"
}

# docker_pid_host: `run --pid host` whose init leaves a background child:
# when the init exits the child must not outlive the container.
docker_pid_host() {
	local mark=$((RANDOM * 32768 + RANDOM + 100000))	# sleep's argument, to find it
	local rc
	tkill 8 "${run[@]}" --pid host "$img" sh -c "sleep $mark & exit 0" >/dev/null
	rc=$?
	if eventually 3 sh -c "! pgrep -x -f 'sleep $mark' >/dev/null"; then
		[ "$rc" = 0 ] && return 0
		echo "docker run: exit $rc: $(errtail)" >"$tmp/detail"
	else
		echo "sleep $mark outlived its container: $(errtail)" >"$tmp/detail"
	fi
	kill_pids KILL $(pgrep -x -f "sleep $mark")	# ours: its argument is unique
	return 1
}
