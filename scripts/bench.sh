#!/bin/bash
# make bench: where urun's start time goes, and urun against crun, runc and the
# kernel's floor. A benchmark, not a test: it never fails on speed.
#
# Three workloads on the fixture rootfs (busybox; pid, mount, ipc, uts and
# network namespaces as root): `run` of /bin/true; create + start + wait +
# delete; and `exec` of /bin/true into a running container. Every runtime and
# the floor (runtime/src/tools/bare_floor.c: clone into the namespaces,
# bind-mount the rootfs, pivot_root, mount /proc, exec) run interleaved in one
# run of runtime/src/tools/bench_run.c, which also takes the peak RSS of the
# processes each workload started. Medians, p25-p75 and min-max, in ms.
#
# crun 1.8 refuses this host's hybrid cgroups, so the comparison runs inside
# one private mount namespace whose /sys/fs/cgroup is a plain cgroup2 mount
# (as root), or one user namespace of the caller with such a mount whose
# capabilities are dropped before anything runs (unprivileged: the harness's
# crun arrangement, conformance/wrappers/crun-cgroup2, without its per-call
# cost). urun and runc are also timed on the host as it is (cgroup v1
# controllers: urun makes nine cgroups there).
#
# State roots and pid files are on a tmpfs of the bench's own mount namespace, as
# /run is on most hosts (BENCH_STATE=disk: on the disk, as /run is here).
#
# Then the phase table: urun's own clock (URUN_PHASES, runtime/src/lib/phase.h)
# over the same workloads, each phase in ms and as a share of the whole.
#
# BENCH_RUNS (default 30) runs per workload and runtime; BENCH_PHASE_RUNS
# (default 15) for the phase table; BENCH_ONLY=root|unpriv for one half.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_RUNS:-30}
NP=${BENCH_PHASE_RUNS:-15}
ONLY=${BENCH_ONLY:-}
ROOTFS=$PWD/fixtures/build/rootfs
TOOLS=$PWD/runtime/build/tools
REPORT=$PWD/scripts/bench-report.py
work=$(mktemp -d /tmp/urun-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
# a copy: a rebuild during the run does not change what is measured
cp runtime/bin/urun "$work/urun"
URUN=$work/urun
user=urun-test

# bundle DIR UNPRIV ARGS_JSON
bundle() {
	mkdir -p "$1"
	local base=fixtures/base/config.json uidmap=
	if [ "$2" = 1 ]; then
		base=fixtures/base/config-rootless.json
		uidmap="| .linux.uidMappings[0].hostID=$(id -u $user) | .linux.gidMappings[0].hostID=$(id -g $user)"
	fi
	jq ".root.path=\"$ROOTFS\" | .process.args=$3 | .ociVersion=\"1.0.2\" $uidmap" \
		"$base" >"$1/config.json"
}
bundle "$work/b-root" 0 '["/bin/true"]'
bundle "$work/x-root" 0 '["/bin/sleep", "1000"]'
bundle "$work/b-unpriv" 1 '["/bin/true"]'
bundle "$work/x-unpriv" 1 '["/bin/sleep", "1000"]'
mkdir -p "$work/u/st" "$work/st"
chown -R $user: "$work/b-unpriv" "$work/x-unpriv" "$work/u"

as_user() { setpriv --reuid=$user --regid=$user --init-groups env -i PATH="$PATH" HOME=/tmp "$@"; }
# State roots and pid files go to $ST (below): a tmpfs of the bench's own mount
# namespace unless BENCH_STATE=disk. /run, where runtimes keep their state,
# is a tmpfs on most hosts; on this one it is disk-backed, where removing a
# container's state directory alone costs 2-3 ms under load (make bench
# with BENCH_STATE=disk shows that cost, for every runtime alike).
STATE=${BENCH_STATE:-tmpfs}
# shellcheck disable=SC2016 # expanded by the inner shells
state_fs='{ [ "$STATE" = disk ] || mount -t tmpfs -o mode=0755 urun-bench "$ST"; }'
# in_cgroup2 CMD...: as root, in a private mount namespace with cgroup2 on /sys/fs/cgroup
in_cgroup2() {
	STATE=$STATE ST=$work/st unshare -m --propagation private sh -c \
		"umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && $state_fs &&
		exec \"\$@\"" sh "$@"
}
# in_private CMD...: as root, in a private mount namespace (the host's cgroups)
in_private() {
	STATE=$STATE ST=$work/st unshare -m --propagation private sh -c "$state_fs && exec \"\$@\"" sh "$@"
}
# in_cgroup2_user CMD...: as the user, in the harness's rootless crun arrangement
in_cgroup2_user() {
	as_user env STATE="$STATE" ST="$work/u/st" unshare --user --map-current-user --mount --cgroup \
		--keep-caps sh -c "mount -t cgroup2 none /sys/fs/cgroup && $state_fs &&
		exec setpriv --inh-caps=-all --ambient-caps=-all \"\$@\"" sh "$@"
}

have() { command -v "$1" >/dev/null; }
# runtimes DIR: the -r options of bench_run for urun, crun, runc (state under DIR)
runtimes() {
	local d=$1
	printf '%s\n' -r "urun=$URUN --root $d/st-urun"
	if have crun; then
		printf '%s\n' -r "crun=crun --root $d/st-crun"
		# as the existing bench had it as root: crun doing no cgroup work at all
		[ "$2" = unpriv ] || printf '%s\n' -r "crun-nocg=crun --cgroup-manager=disabled --root $d/st-crun-nocg"
	fi
	if have runc; then printf '%s\n' -r "runc=runc --root $d/st-runc"; fi
}

root_set() {
	local opts s=$work/st
	mapfile -t opts < <(runtimes "$s" root)
	echo "bench: root, cgroup2 namespace: $N runs of run, cycle, exec per runtime..." >&2
	in_cgroup2 "$TOOLS/bench_run" -n "$N" -b "$work/b-root" -x "$work/x-root" -d "$s" \
		-e "$work/err-root.log" -F "$TOOLS/bare_floor" -R "$ROOTFS" "${opts[@]}" >"$work/raw-root"
	echo "bench: root, host cgroups (v1 hybrid): urun and runc..." >&2
	opts=(-r "urun=$URUN --root $s/st-urun-host")
	if have runc; then opts+=(-r "runc=runc --root $s/st-runc-host"); fi
	in_private "$TOOLS/bench_run" -n "$N" -b "$work/b-root" -x "$work/x-root" -d "$s" \
		-e "$work/err-root-host.log" -F "$TOOLS/bare_floor" -R "$ROOTFS" "${opts[@]}" \
		>"$work/raw-root-host"
	echo "bench: root, phases of urun ($NP runs)..." >&2
	URUN_PHASES=$work/phases-root in_cgroup2 "$TOOLS/bench_run" -n "$NP" -b "$work/b-root" \
		-x "$work/x-root" -d "$s" -e "$work/err-root.log" -r "urun=$URUN --root $s/st-urun" \
		>/dev/null
	URUN_PHASES=$work/phases-root-host in_private "$TOOLS/bench_run" -n "$NP" -b "$work/b-root" \
		-x "$work/x-root" -d "$s" -w run -e "$work/err-root.log" \
		-r "urun=$URUN --root $s/st-urun-host" >/dev/null
}

unpriv_set() {
	local opts u=$work/u
	mapfile -t opts < <(runtimes "$u/st" unpriv)
	echo "bench: unprivileged, user namespace with cgroup2: $N runs per runtime..." >&2
	in_cgroup2_user "$TOOLS/bench_run" -n "$N" -b "$work/b-unpriv" -x "$work/x-unpriv" -d "$u/st" \
		-e "$u/err.log" -F "$TOOLS/bare_floor" -R "$ROOTFS" -U "${opts[@]}" >"$work/raw-unpriv"
	echo "bench: unprivileged on the host (state on disk): urun and runc..." >&2
	opts=(-r "urun=$URUN --root $u/st-urun-host")
	if have runc; then opts+=(-r "runc=runc --root $u/st-runc-host"); fi
	as_user "$TOOLS/bench_run" -n "$N" -b "$work/b-unpriv" -x "$work/x-unpriv" -d "$u" \
		-e "$u/err-host.log" -F "$TOOLS/bare_floor" -R "$ROOTFS" -U "${opts[@]}" \
		>"$work/raw-unpriv-host"
	echo "bench: unprivileged, phases of urun ($NP runs)..." >&2
	: >"$u/phases"
	chown $user: "$u/phases"
	in_cgroup2_user env URUN_PHASES="$u/phases" "$TOOLS/bench_run" -n "$NP" \
		-b "$work/b-unpriv" -x "$work/x-unpriv" -d "$u/st" -e "$u/err.log" \
		-r "urun=$URUN --root $u/st/st-urun" >/dev/null
}

# what a cgroup migration costs against clone3(CLONE_INTO_CGROUP) (root only)
cgroup_move() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	in_cgroup2 sh -c 'd=/sys/fs/cgroup/urun-bench-$$ && mkdir "$d" &&
		"$1" "$d" "$2" 100; rmdir "$d"' sh "$TOOLS/cgroup_move" "${BENCH_MOVE_RUNS:-20}" \
		>"$work/cgroup-move" 2>&1
}

[ "$ONLY" = unpriv ] || root_set
[ "$ONLY" = unpriv ] || cgroup_move
[ "$ONLY" = root ] || unpriv_set

printf '\nurun benchmark: %d interleaved runs per workload and runtime; times in ms (lower\n' "$N"
printf 'is better); rss: peak RSS of the largest process a workload started (median KB)\n'
if [ "$ONLY" != unpriv ]; then
	python3 "$REPORT" times "root, one private mount namespace with cgroup2 (ratios: /crun, /floor)" "$work/raw-root"
	python3 "$REPORT" times "root, the host's hybrid cgroups (ratios: /runc, /floor)" "$work/raw-root-host" runc
fi
if [ "$ONLY" != root ]; then
	python3 "$REPORT" times "unprivileged, one user namespace with cgroup2 (ratios: /crun, /floor)" "$work/raw-unpriv"
	python3 "$REPORT" times "unprivileged on the host (ratios: /runc, /floor)" "$work/raw-unpriv-host" runc
fi
if [ "$ONLY" != unpriv ]; then
	printf '\na new process into its cgroup (cgroup2, %s times, 100 ms apart):\n' \
		"${BENCH_MOVE_RUNS:-20}"
	cat "$work/cgroup-move"
	python3 "$REPORT" phases "urun phases, root, cgroup2 namespace" "$work/phases-root"
	python3 "$REPORT" phases "urun phases, root, host cgroups" "$work/phases-root-host"
fi
[ "$ONLY" = root ] || python3 "$REPORT" phases "urun phases, unprivileged" "$work/u/phases"
for f in "$work"/err-root.log "$work"/err-root-host.log "$work"/u/err.log "$work"/u/err-host.log; do
	if [ -s "$f" ]; then
		printf '\n%s (first lines):\n' "${f##*/}"
		head -5 "$f"
	fi
done
cat <<'EOF'

notes: "run" is `RT run` of /bin/true; "cycle" create, start, wait for the init
(bench_run is the subreaper, as a shim is), delete; "exec" `RT exec` of
/bin/true into a container running sleep. floor: bare_floor (run), and for exec
joining the namespaces of urun's container and forking /bin/true. crun runs
with its cgroupfs manager (one cgroup, like urun); crun-nocg with
--cgroup-manager=disabled, as the older bench ran it. A phase ends at its
mark: the time since the previous mark of any process (create's parent and
its init take turns).
EOF
printf 'state roots and pid files: %s\n' "$([ "$STATE" = disk ] && echo "on the disk (/tmp)" ||
	echo "on a tmpfs (unprivileged on the host: on the disk)")"
