#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# engines.sh URUN ROOTFS: urun as the --runtime of buildah and podman, as
# root and rootless (as $ENGINES_USER, default urun-test), offline: the base
# image is built from scratch out of ROOTFS (the fixtures' busybox rootfs).
# Storage, configuration and state live in a temporary directory; the host's
# containers.conf and images are not used. Prints TAP; exits 1 when a check
# fails, 0 with every check skipped when buildah or podman is missing.
#
# Host facts it works around (see README.md): podman's default rlimits exceed
# this host's hard limits, so containers.conf sets nofile/nproc; no systemd,
# so cgroupfs and file events; rootless networking cannot work here
# (/dev/net/tun is 0600), so rootless podman runs with --network none.
# shellcheck disable=SC2016 # commands for the container's shell, quoted on purpose
set -u
urun=$(realpath "${1:?usage: engines.sh URUN ROOTFS}")
rootfs=$(realpath "${2:?usage: engines.sh URUN ROOTFS}")
user=${ENGINES_USER:-urun-test}

n=0 failed=0
ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); printf 'not ok %d - %s\n#   %s\n' "$n" "$1" "$2"; }
skip() { n=$((n + 1)); printf 'ok %d - %s # SKIP %s\n' "$n" "$1" "$2"; }

# check DESCRIPTION WANT CMD...: CMD's stdout (last line) must be WANT.
check() {
	local what=$1 want=$2 got
	shift 2
	got=$("$@" 2>"$work/err" | tail -n 1)
	got=${got%$'\r'}	# a terminal's line end
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "got '$got', want '$want': $(grep -v 'level=warning' "$work/err" | tail -n 2 | tr '\n' ' ')"
	fi
}

# check_rc DESCRIPTION WANT CMD...: CMD's exit status must be WANT.
check_rc() {
	local what=$1 want=$2 rc
	shift 2
	"$@" >/dev/null 2>"$work/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$what"
	else
		not_ok "$what" "exit $rc, want $want: $(grep -v 'level=warning' "$work/err" | tail -n 2 | tr '\n' ' ')"
	fi
}

if ! command -v buildah >/dev/null || ! command -v podman >/dev/null; then
	skip "urun with buildah and podman" "buildah or podman is not installed"
	echo "1..$n"
	exit 0
fi

work=$(mktemp -d /tmp/urun-engines.XXXXXX)
chmod 755 "$work"
cleanup() {
	podman "${root_g[@]}" rm -af >/dev/null 2>&1
	as_user podman "${user_g[@]}" rm -af >/dev/null 2>&1
	# container /dev/shm mounts live in the run directories
	grep -o " $work/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF=$work/containers.conf
mkdir -p "$work/ctx"
cat >"$work/ctx/Containerfile" <<'EOF'
FROM localhost/urun-engines-base
RUN echo built >/built
CMD ["/bin/cat", "/built"]
EOF

root_g=(--root "$work/root/storage" --runroot "$work/root/run" --storage-driver vfs)
user_g=(--root "$work/user/storage" --runroot "$work/user/run" --storage-driver vfs)
as_user() {
	setpriv --reuid="$user" --regid="$user" --init-groups env -i HOME="$work/user" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin USER="$user" LOGNAME="$user" \
		XDG_RUNTIME_DIR="$work/user/xdg" CONTAINERS_CONF="$CONTAINERS_CONF" "$@"
}

# base_image PREFIX...: the fixtures' rootfs as localhost/urun-engines-base
# (buildah from scratch; no runtime involved).
base_image() {
	local c
	c=$("$@" from scratch) && "$@" copy "$c" "$rootfs" / >/dev/null &&
		"$@" config --cmd '["/bin/sh"]' "$c" && "$@" commit -q "$c" localhost/urun-engines-base >/dev/null &&
		"$@" rm "$c" >/dev/null
}

count_containers() { "$@" ps -aq | wc -l; }	# PODMAN...

buildah_run() {	# PREFIX... -- CMD...: one buildah run of CMD in a new container
	local pre=() c out rc
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	c=$("${pre[@]}" from localhost/urun-engines-base) || return 1
	out=$("${pre[@]}" run --runtime "$urun" "$c" -- "$@")
	rc=$?
	"${pre[@]}" rm "$c" >/dev/null
	printf '%s\n' "$out"
	return "$rc"
}

# engine_checks LABEL: the checks, with B (buildah) and P (podman) set for
# LABEL (root or rootless) and RUN_ARGS for every podman run. Cgroup limits
# and pause need cgroups, which rootless has none of here.
engine_checks() {
	local l=$1 name=urun-engines-$1
	if ! base_image "${B[@]}" 2>"$work/err"; then
		not_ok "$l: base image from the fixtures' rootfs" "$(tail -n 2 "$work/err" | tr '\n' ' ')"
		return
	fi
	ok "$l: base image from the fixtures' rootfs (buildah from scratch)"
	check "$l: buildah run (uid 0 in the container, writable rootfs)" "hi 0" \
		buildah_run "${B[@]}" -- /bin/sh -c 'echo "hi $(id -u)" >/x && cat /x'
	check_rc "$l: buildah bud with a RUN step" 0 \
		"${B[@]}" bud --runtime "$urun" -q -t localhost/urun-engines-built "$work/ctx"
	check "$l: podman run of the built image" built \
		"${P[@]}" run --rm "${RUN_ARGS[@]}" localhost/urun-engines-built
	check_rc "$l: podman run passes the exit status" 3 \
		"${P[@]}" run --rm "${RUN_ARGS[@]}" localhost/urun-engines-base sh -c 'exit 3'
	check "$l: podman run -t gives a terminal" tty \
		"${P[@]}" run --rm -t "${RUN_ARGS[@]}" localhost/urun-engines-base sh -c 'test -t 0 && echo tty'
	if [ "$l" = root ]; then
		check "$l: podman run --memory sets the cgroup limit" 67108864 \
			"${P[@]}" run --rm --memory 64m localhost/urun-engines-base sh -c \
			'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
	fi
	if "${P[@]}" run -d "${RUN_ARGS[@]}" --name "$name" localhost/urun-engines-base sleep 300 \
		>/dev/null 2>"$work/err"; then
		check "$l: podman exec -e" bar "${P[@]}" exec -e FOO=bar "$name" sh -c 'echo $FOO'
		if [ "$l" = root ]; then
			"${P[@]}" pause "$name" >/dev/null 2>&1
			check "$l: podman pause" paused "${P[@]}" inspect -f '{{.State.Status}}' "$name"
			"${P[@]}" unpause "$name" >/dev/null 2>&1
			check "$l: podman unpause" running "${P[@]}" inspect -f '{{.State.Status}}' "$name"
		fi
		"${P[@]}" kill "$name" >/dev/null 2>&1
		check "$l: podman kill, then wait says SIGKILL" 137 "${P[@]}" wait "$name"
		check_rc "$l: podman rm" 0 "${P[@]}" rm "$name"
	else
		not_ok "$l: podman run -d" "$(tail -n 2 "$work/err" | tr '\n' ' ')"
	fi
	check "$l: no container left" 0 count_containers "${P[@]}"
}

B=(buildah "${root_g[@]}")
P=(podman "${root_g[@]}" --runtime "$urun")
RUN_ARGS=()
engine_checks root

if ! id "$user" >/dev/null 2>&1; then
	skip "rootless: buildah and podman as $user" "no user $user (make deps creates it)"
else
	mkdir -p "$work/user/xdg"
	chown -R "$user:" "$work/user"
	chmod 700 "$work/user/xdg"
	B=(as_user buildah "${user_g[@]}")
	P=(as_user podman "${user_g[@]}" --runtime "$urun")
	RUN_ARGS=(--network none)	# rootless networking cannot work here
	engine_checks rootless
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
