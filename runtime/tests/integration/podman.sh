# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2016,SC2154,SC2034,SC2046
# (SC2016: commands for the container's shell, quoted on purpose; SC2154,
# SC2034: globals of engines.sh and lib.sh; SC2046: pid lists split on purpose)
# podman.sh: buildah and podman with $RTPATH as --runtime, sourced by
# engines.sh. B and P are the buildah and podman command prefixes (private
# storage; as root or as the test user), RUN_ARGS go to every podman run,
# ROOTLESS is 1 for the test user. Images: localhost/urun-engines-base (the
# fixtures' busybox rootfs, built once per user by base_image).

# base_image: the fixtures' rootfs as localhost/urun-engines-base (buildah
# from scratch; no runtime involved).
base_image() {
	local c
	c=$("${B[@]}" from scratch) && "${B[@]}" copy "$c" "$rootfs" / >/dev/null &&
		"${B[@]}" config --cmd '["/bin/sh"]' "$c" &&
		"${B[@]}" commit -q "$c" localhost/urun-engines-base >/dev/null &&
		"${B[@]}" rm "$c" >/dev/null
}

buildah_run() {	# CMD...: one buildah run of CMD in a new container
	local c out rc
	c=$("${B[@]}" from localhost/urun-engines-base) || return 1
	out=$("${B[@]}" run --runtime "$RTPATH" "$c" -- "$@")
	rc=$?
	"${B[@]}" rm "$c" >/dev/null
	printf '%s\n' "$out"
	return "$rc"
}

# A Containerfile per build check, in $work/ctx-NAME.
contexts() {
	mkdir -p "$work/ctx-run" "$work/ctx-user" "$work/ctx-mount/data"
	cat >"$work/ctx-run/Containerfile" <<-'EOF'
	FROM localhost/urun-engines-base
	RUN echo built >/built
	CMD ["/bin/cat", "/built"]
	EOF
	# USER, then RUN steps as that user (buildah's default seccomp filter
	# and no no_new_privs: issue 9 cause A); each step checks itself
	cat >"$work/ctx-user/Containerfile" <<-'EOF'
	FROM localhost/urun-engines-base
	USER 1000:1000
	RUN test "$(id -u):$(id -g)" = 1000:1000
	RUN touch /tmp/by-1000 && test -O /tmp/by-1000
	EOF
	echo from-context >"$work/ctx-mount/data/hello"
	cat >"$work/ctx-mount/Containerfile" <<-'EOF'
	FROM localhost/urun-engines-base
	RUN --mount=type=bind,source=data,target=/data grep -qx from-context /data/hello
	RUN --mount=type=tmpfs,target=/scratch grep -q ' /scratch tmpfs ' /proc/mounts
	RUN --mount=type=cache,target=/cache touch /cache/x && test -f /cache/x
	EOF
	chmod -R a+rX "$work"/ctx-*
}

bud() {	# TAG CONTEXT
	"${B[@]}" bud --runtime "$RTPATH" -q -t "$1" "$work/ctx-$2"
}

buildah_checks() {
	local t=localhost/urun-engines-$RT
	check "buildah run (uid 0 in the container, writable rootfs)" "hi 0" \
		buildah_run /bin/sh -c 'echo "hi $(id -u)" >/x && cat /x'
	check_rc "buildah bud with a RUN step" 0 bud "$t-run" run
	known A check_rc "buildah bud: USER 1000 then RUN steps" 0 bud "$t-user" user
	check_rc "buildah bud: RUN --mount=type=bind,tmpfs,cache" 0 bud "$t-mount" mount
	# the built images run under podman in podman_checks
	check_true "buildah run of a missing command fails, leaves no runtime state" \
		buildah_run_fails /nonexistent
	if [ "$ROOTLESS" = 1 ]; then
		# no slirp4netns (and /dev/net/tun is 0600): buildah fails after
		# the runtime's create and calls a plain delete (issue 9 cause K)
		known K check_true "buildah run --network private fails after create, leaves no runtime state" \
			buildah_run_fails --network private -- true
	fi
}

# buildah_run_fails [RUNOPT... --] CMD...: buildah run must fail, and
# neither the runtime's container nor its create process may remain.
buildah_run_fails() {
	local opts=() before after c
	if [[ " $* " = *" -- "* ]]; then
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
	fi
	before=$(runtime_ids)
	c=$("${B[@]}" from localhost/urun-engines-base) || { echo "buildah from failed" >"$tmp/detail"; return 1; }
	if timeout -k 5 60 "${B[@]}" run --runtime "$RTPATH" "${opts[@]}" "$c" -- "$@" \
		>/dev/null 2>"$tmp/err"; then
		echo "it succeeded" >"$tmp/detail"
		"${B[@]}" rm "$c" >/dev/null
		return 1
	fi
	"${B[@]}" rm "$c" >/dev/null
	after=$(runtime_ids)
	[ "$before" = "$after" ] && return 0
	echo "left behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')after: $(errtail 1)" >"$tmp/detail"
	# remove it: the test's own container
	for c in $(comm -13 <(echo "$before") <(echo "$after")); do
		"${AS[@]}" "$RTPATH" delete --force "$c" >/dev/null 2>&1
	done
	return 1
}

# runtime_ids: buildah's containers in the runtime's default state root for
# this user (buildah passes no --root), with their create processes' pids.
runtime_ids() {
	{
		"${AS[@]}" "$RTPATH" list 2>/dev/null | awk '$1 ~ /^buildah-/ { print $1 }'
		pgrep -u "$USER_ID" -f "^$RTPATH create .* buildah-"
	} | sort
}

podman_checks() {
	local name=urun-engines-$RT t=localhost/urun-engines-$RT got
	local run=("${P[@]}" run --rm "${RUN_ARGS[@]}")
	check "run of the image built with a RUN step" built "${run[@]}" "$t-run"
	check_rc "run passes the exit status" 3 "${run[@]}" localhost/urun-engines-base sh -c 'exit 3'
	# rootless, urun's warning may reach the terminal before the script (H)
	known "$ROOTLESS_H" check "run -it: a terminal, its size, a resize" "$RESIZE_WANT" \
		"$integ/ptyrun.py" --resize 30x100 --after ready -- "${run[@]}" -it localhost/urun-engines-base \
		sh -c "$RESIZE_SH"
	known A check "run --user 1000 (non-root, default seccomp filter)" "1000 1000" \
		"${run[@]}" --user 1000:1000 localhost/urun-engines-base sh -c 'echo $(id -u) $(id -g)'
	if [ "$ROOTLESS" = 1 ] && ! grep -q "^$user:" /etc/subgid; then
		skip "run --group-add 10 --group-add 20" "$user has no /etc/subgid range: podman maps one id, groups cannot be set"
	elif [ "$ROOTLESS" = 1 ]; then
		known G check "run --group-add 10 --group-add 20 (userns with subuid ranges)" "0 10 20" \
			"${run[@]}" --group-add 10 --group-add 20 localhost/urun-engines-base id -G
	else
		check "run --group-add 10 --group-add 20" "0 10 20" \
			"${run[@]}" --group-add 10 --group-add 20 localhost/urun-engines-base id -G
	fi
	# rootless podman bind-mounts devices: no linux.devices, no cause B
	known "$ROOT_B" check "run --device /dev/null:/dev/xnull" "char" \
		"${run[@]}" --device /dev/null:/dev/xnull localhost/urun-engines-base sh -c 'test -c /dev/xnull && echo char'
	known "$ROOT_B" check "run --privileged" "priv" \
		"${run[@]}" --privileged localhost/urun-engines-base echo priv
	known "$ROOT_D" check "run --cgroupns private: / in /proc/self/cgroup" "" \
		"${run[@]}" --cgroupns private localhost/urun-engines-base sh -c 'grep -v ":/$" /proc/self/cgroup'
	if [ "$ROOTLESS" = 1 ]; then
		skip "run --memory" "$NO_CGROUPS"
		skip "run joins the name=systemd hierarchy" "$NO_CGROUPS"
	else
		# one container for both
		got=$(out "${run[@]}" --memory 64m --cgroupns host localhost/urun-engines-base sh -c \
			'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep -c "name=systemd:.*/libpod-" /proc/self/cgroup')
		check_eq "run --memory sets the cgroup limit" 67108864 "${got% *}"
		known I check_eq "run joins the name=systemd hierarchy (cgroupns host)" 1 "${got#* }"
	fi
	if [ "$ROOTLESS" = 1 ]; then
		skip "run --pid host: a background child is killed with the container" \
			"$NO_CGROUPS: no runtime can find the child (runc neither)"
	else
		known E check_true "run --pid host: a background child is killed with the container" pid_host_child
	fi
	known F check_true "run --timeout 1 ends the container, not podman" run_timeout
	podman_detached "$name"
	check "no container left" 0 count_containers
}

# count_containers: this runtime's containers (the other runtime's worker
# shares the storage)
count_containers() { "${P[@]}" ps -aq --filter "label=urun-engines=$RT" | wc -l; }

# pid_host_child: `run --pid host` whose init leaves a background child:
# when the init exits the child must not outlive the container.
pid_host_child() {
	local mark=$((RANDOM * 32768 + RANDOM + 100000))	# sleep's argument, to find it
	rm -f "$CIDFILE"
	local rc
	tkill 8 "${P[@]}" run --rm "${RUN_ARGS[@]}" --cidfile "$CIDFILE" --pid host localhost/urun-engines-base \
		sh -c "sleep $mark & exit 0" >/dev/null
	rc=$?
	if eventually 3 sh -c "! pgrep -x -f 'sleep $mark' >/dev/null"; then
		[ "$rc" = 0 ] && return 0
		echo "podman run: exit $rc: $(errtail)" >"$tmp/detail"
	else
		echo "sleep $mark (pid $(pgrep -x -f "sleep $mark" | tr '\n' ' ')) outlived its container: $(errtail)" >"$tmp/detail"
	fi
	kill_pids KILL $(pgrep -x -f "sleep $mark")	# ours: its argument is unique
	podman_forget "$CIDFILE"
	return 1
}

# run_timeout: podman run --rm --timeout 1 of a long sleep must end soon
# (conmon kills the container's process group), and remove the container.
run_timeout() {
	local start rc left
	start=$SECONDS
	# podman waits 20 s for a conmon that is gone: 8 s are enough to tell
	rm -f "$CIDFILE"
	tkill 8 "${P[@]}" run --rm "${RUN_ARGS[@]}" --cidfile "$CIDFILE" --timeout 1 localhost/urun-engines-base \
		sleep 10 >/dev/null
	rc=$?
	left=$(count_containers)
	# (125: podman's own error; the container ran when the cidfile exists)
	if [ $((SECONDS - start)) -lt 8 ] && [ "$left" = 0 ] && [ "$rc" != 125 ] && [ -s "$CIDFILE" ]; then
		return 0
	fi
	echo "exit $rc after $((SECONDS - start)) s (sleep 10), $left containers left: $(errtail)" >"$tmp/detail"
	podman_forget "$CIDFILE"
	return 1
}

# podman_forget CIDFILE: after a check that failed with podman killed, its
# container removed from podman and from the runtime's state.
podman_forget() {
	local id
	id=$(cat "$1" 2>/dev/null) || return 0
	"${P[@]}" rm -f "$id" >/dev/null 2>&1
	"${AS[@]}" "$RTPATH" delete --force "$id" >/dev/null 2>&1
	return 0
}

# podman_detached NAME: the checks on one container started with run -d.
podman_detached() {
	local name=$1
	if ! timeout -k 5 60 "${P[@]}" run -d "${RUN_ARGS[@]}" --name "$name" localhost/urun-engines-base sh -c \
		'trap "echo got-usr1" USR1; trap "exit 0" TERM; echo started; while :; do sleep 1 & wait $!; done' \
		>/dev/null 2>"$tmp/err"; then
		not_ok "run -d" "$(errtail)"
		return
	fi
	ok "run -d"
	check "exec -e" bar "${P[@]}" exec -e FOO=bar "$name" sh -c 'echo $FOO'
	check "exec -it: a terminal" tty \
		"$integ/ptyrun.py" -- "${P[@]}" exec -it "$name" sh -c 'test -t 0 && test -t 1 && echo tty'
	known A check "exec --user 1000" 1000 "${P[@]}" exec --user 1000 "$name" id -u
	check "top lists the init" 1 sh -c "$(printf '%q ' "${P[@]}") top $name args | grep -c 'trap'"
	if [ "$ROOTLESS" = 1 ]; then
		skip "pause, unpause" "$NO_CGROUPS (no freezer)"
		skip "stats" "$NO_CGROUPS"
		skip "update --memory" "$NO_CGROUPS"
	else
		"${P[@]}" pause "$name" >/dev/null 2>"$tmp/err"
		check "pause" paused "${P[@]}" inspect -f '{{.State.Status}}' "$name"
		"${P[@]}" unpause "$name" >/dev/null 2>"$tmp/err"
		check "unpause" running "${P[@]}" inspect -f '{{.State.Status}}' "$name"
		check "stats --no-stream" "$name" "${P[@]}" stats --no-stream --format '{{.Name}}' "$name"
		known C check "update --memory 128m" 134217728 sh -c \
			"$(printf '%q ' "${P[@]}") update --memory 128m $name >/dev/null &&
			$(printf '%q ' "${P[@]}") exec $name cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
	fi
	"${P[@]}" kill -s USR1 "$name" >/dev/null 2>"$tmp/err"
	eventually 5 sh -c "$(printf '%q ' "${P[@]}") logs $name 2>&1 | grep -q got-usr1"
	# rootless, urun's warnings land in the container's stderr (cause H)
	known "$ROOTLESS_H" check "kill -s USR1, logs hold only the container's output" "started got-usr1" \
		sh -c "$(printf '%q ' "${P[@]}") logs $name 2>&1"
	known "$ROOTLESS_H" check "restart (logs hold both runs' output only)" "running started got-usr1 started" sh -c \
		"$(printf '%q ' "${P[@]}") restart -t 5 $name >/dev/null &&
		$(printf '%q ' "${P[@]}") inspect -f '{{.State.Status}}' $name &&
		sleep 0.5 && $(printf '%q ' "${P[@]}") logs $name 2>&1"
	"${P[@]}" kill "$name" >/dev/null 2>&1
	check "kill, then wait says SIGKILL" 137 "${P[@]}" wait "$name"
	check_rc "rm" 0 "${P[@]}" rm "$name"
}

# podman_suite: buildah and podman, as root then rootless, each with every
# runtime.
podman_suite() {
	local who users=()
	RT=all
	if ! command -v buildah >/dev/null || ! command -v podman >/dev/null; then
		ENGINE="buildah, podman" skip "buildah and podman" "buildah or podman is not installed"
		return
	fi
	contexts
	for who in root rootless; do
		podman_vars "$who"
		if [ "$who" = root ]; then
			# images_setup built it
			"${B[@]}" inspect localhost/urun-engines-base >/dev/null 2>&1 && users+=(root)
			on_exit "$(printf '%q ' "${PB[@]}") rm -af"
			continue
		fi
		if ! id "$user" >/dev/null 2>&1; then
			ENGINE="podman rootless" skip "buildah and podman as $user" "no user $user (make deps creates it)"
			continue
		fi
		mkdir -p "$work/$who/xdg" "$work/$who/tmp"
		chown -R "$user:" "$work/$who"
		chmod 700 "$work/$who/xdg"
		# the rootless pause process that keeps podman's user namespace
		on_exit "kill \$(cat '$work/$who/xdg/libpod/tmp/pause.pid')"
		on_exit "$(printf '%q ' "${PB[@]}") rm -af"
		on_exit "$(printf '%q ' "${B[@]}") rm -a"
		ENGINE="podman $who"
		if base_image 2>"$tmp/err"; then
			ok "base image from the fixtures' rootfs (buildah from scratch)"
			users+=("$who")
		else
			not_ok "base image from the fixtures' rootfs (buildah from scratch)" "$(errtail)"
		fi
	done
	[ ${#users[@]} -gt 0 ] && workers podman "${users[*]}" podman_worker
}

# containers_conf: $work/containers.conf, the engines' configuration.
containers_conf() {
	[ -f "$work/containers.conf" ] && return 0
	cat >"$work/containers.conf" <<-'EOF'
	[containers]
	default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	EOF
}

# podman_worker root|rootless: buildah's then podman's checks with $RTPATH.
podman_worker() {
	podman_vars "$1"
	P=("${PB[@]}" --runtime "$RTPATH")
	RUN_ARGS+=(--label "urun-engines=$RT")
	CIDFILE=$work/$1/tmp/cid-$RT	# where the user can write
	ENGINE="buildah $1" buildah_checks
	ENGINE="podman $1" podman_checks
}

# podman_vars root|rootless: B, PB (podman without --runtime), AS (the
# user's environment), RUN_ARGS, ROOTLESS, USER_ID, and the causes that only
# show as root (ROOT_B, ROOT_D) or rootless (ROOTLESS_H).
podman_vars() {
	local d=$work/$1
	if [ "$1" = root ]; then
		AS=(env TMPDIR="$d/tmp" CONTAINERS_CONF="$work/containers.conf")
		ROOTLESS=0 ROOTLESS_H="" ROOT_B=B ROOT_D=D USER_ID=0
		RUN_ARGS=(--cgroup-parent "/$cg-podman")
	else
		AS=(setpriv --reuid="$user" --regid="$user" --init-groups env -i HOME="$d"
			PATH=/usr/sbin:/usr/bin:/sbin:/bin USER="$user" LOGNAME="$user" TMPDIR="$d/tmp"
			XDG_RUNTIME_DIR="$d/xdg" CONTAINERS_CONF="$work/containers.conf")
		ROOTLESS=1 ROOTLESS_H=H ROOT_B="" ROOT_D="" USER_ID=$(id -u "$user")
		RUN_ARGS=(--network none)	# rootless networking cannot work here
	fi
	B=("${AS[@]}" buildah --root "$d/storage" --runroot "$d/run" --storage-driver overlay)
	PB=("${AS[@]}" podman --root "$d/storage" --runroot "$d/run" --storage-driver overlay)
}

# images_setup ENGINE...: root's base image, and the archives docker and
# containerd load when they are among ENGINE (before the suites run at once).
images_setup() {
	local a
	containers_conf
	podman_vars root
	mkdir -p "$work/root/tmp"
	on_exit "$(printf '%q ' "${B[@]}") rm -a"
	if ! base_image 2>"$tmp/err"; then
		not_ok "base image from the fixtures' rootfs (buildah from scratch)" "$(errtail)"
		return
	fi
	ok "base image from the fixtures' rootfs (buildah from scratch)"
	[[ " $* " = *" docker "* || " $* " = *" containerd "* ]] || return 0
	for a in base pause user; do
		image_archive "$a" 2>"$tmp/err" || { not_ok "image archives for docker and ctr" "$(errtail)"; return; }
	done
	ok "image archives for docker and ctr (buildah push docker-archive:)"
}

# image_archive NAME: $work/NAME.tar, a docker-archive of
# localhost/urun-engines-NAME (base: the fixtures' rootfs; pause: the same
# with sleep as its command, a CRI sandbox image; user: USER 1000:1000),
# built by root's buildah.
image_archive() {
	local c
	if [ "$1" != base ]; then
		c=$("${B[@]}" from localhost/urun-engines-base) || return 1
		case $1 in
		pause) "${B[@]}" config --cmd '["/bin/sleep", "2147483647"]' "$c" ;;
		user) "${B[@]}" config --user 1000:1000 "$c" ;;
		esac
		"${B[@]}" commit -q "$c" "localhost/urun-engines-$1" >/dev/null && "${B[@]}" rm "$c" >/dev/null || return 1
	fi
	"${B[@]}" push -q "localhost/urun-engines-$1" "docker-archive:$work/$1.tar:localhost/urun-engines-$1:latest"
}
