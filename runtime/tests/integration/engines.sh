#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# engines.sh URUN ROOTFS: urun, and runc beside it, as the runtime of real
# engines, offline: buildah and podman (root and rootless, as $ENGINES_USER,
# default urun-test), docker 20.10 (a private dockerd) and containerd 1.6 (a
# private containerd: ctr, and a CRI client as the kubelet would use it).
# The same checks run for each runtime; the end prints the counts side by
# side. Images are built from scratch out of ROOTFS (the fixtures' busybox
# rootfs). Storage, configuration, state, sockets and cgroups are the test's
# own (under one temporary directory, cgroups named after it) and are removed
# at exit, with every daemon, shim and monitor the test started, however it
# exits. Prints TAP; exits 1 when a check fails that is not a known failure.
#
# ENGINES_RUNTIMES (default "urun runc") picks the runtimes, ENGINES_ONLY
# (default "podman docker containerd") the engines, ENGINES_KNOWN overrides
# KNOWN_CAUSES below.
#
# Host facts it works around (see README.md): podman's default rlimits exceed
# this host's hard limits, so containers.conf sets nofile/nproc; no systemd,
# so cgroupfs and file events; rootless networking cannot work here
# (/dev/net/tun is 0600, no slirp4netns), so rootless podman runs with
# --network none; rootless podman has no cgroups on this cgroup v1 host.
# shellcheck disable=SC2046 # pid lists split on purpose
set -u
shopt -s globstar nullglob
integ=$(dirname "$(realpath "$0")")
urun=$(realpath "${1:?usage: engines.sh URUN ROOTFS}")
rootfs=$(realpath "${2:?usage: engines.sh URUN ROOTFS}")
user=${ENGINES_USER:-urun-test}
runc=${ENGINES_RUNC:-/usr/sbin/runc}

# The causes of issue 9 whose fixes have not landed yet: a check marked
# `known X` that fails with urun is a TODO while X is listed here. Drop a
# letter when its fix is merged (the summary names the ones that pass).
KNOWN_CAUSES=${ENGINES_KNOWN-A B C D E F G H I J K}

# shellcheck source=lib.sh
. "$integ/lib.sh"
# shellcheck source=podman.sh
. "$integ/podman.sh"
# shellcheck source=docker.sh
. "$integ/docker.sh"
# shellcheck source=containerd.sh
. "$integ/containerd.sh"

RUNTIMES=()
for r in ${ENGINES_RUNTIMES:-urun runc}; do
	case $r in
	urun) RUNTIMES+=(urun) ;;
	runc) if [ -x "$runc" ]; then RUNTIMES+=(runc); else echo "# runc: $runc is missing, urun only"; fi ;;
	esac
done
rtpath() { if [ "$1" = urun ]; then echo "$urun"; else echo "$runc"; fi; }

work=$(mktemp -d /tmp/urun-engines.XXXXXX)
chmod 755 "$work"
RES=$work.res tmp=$work/tmp.main	# results (outside $work: teardown empties it)
mkdir -p "$tmp"
cg=urun-engines-${work##*.}	# the cgroup every engine puts its containers under
NO_CGROUPS="rootless podman has no cgroups on this host (cgroup v1 controllers; v2 has only hugetlb)"

# final_cleanup: stop what is still running, then check nothing is left.
final_cleanup() {
	local left
	trap - EXIT INT TERM
	run_cleanups
	# what the engines left: their daemons, shims, monitors, rootless
	# pause processes (they name $work in their command line or environment)
	kill_pids KILL $(pids_under "$work")
	kill_cgroups
	sleep 0.2
	grep -o " $work/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	left=$(for p in $(pids_under "$work"); do printf '%s(%s) ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-80)"; done)
	left+=$(grep -c " $work/" /proc/self/mountinfo | sed 's/^0$//;s/.\+/ mounts: &/')
	left+=$(rm_cgroups)
	rm -rf "$work"
	[ -n "$left" ] && echo "# left behind: $left"
}
# kill_cgroups: end what still runs in the test's cgroups (containers whose
# engine failed to stop them), thawing frozen ones first.
kill_cgroups() {
	local f
	for f in /sys/fs/cgroup/freezer/"$cg"*/ /sys/fs/cgroup/freezer/"$cg"*/**/; do
		[ -f "$f/freezer.state" ] && echo THAWED >"$f/freezer.state"
	done 2>/dev/null
	for f in /sys/fs/cgroup/*/"$cg"*/ /sys/fs/cgroup/*/"$cg"*/**/; do
		[ -f "$f/cgroup.procs" ] && kill_pids KILL $(cat "$f/cgroup.procs")
	done 2>/dev/null
}

# rm_cgroups: remove the test's cgroups (empty by now), say which could not be.
rm_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/"$cg"*; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] && printf ' cgroup %s' "$d"
	done
}
trap 'final_cleanup; rm -f "$RES"' EXIT
trap 'exit 130' INT TERM

start=$SECONDS
read -ra engines <<<"${ENGINES_ONLY:-podman docker containerd}"
ENGINE=images images_setup "${engines[@]}"
flush
suites "${engines[@]}"

# teardown: everything stopped and removed, nothing left behind
RT=all ENGINE=teardown
flush
left=$(final_cleanup 2>&1)
if [ -n "$left" ]; then
	not_ok "nothing left: processes, mounts, cgroups, state" "$left"
else
	ok "nothing left: processes, mounts, cgroups, state"
fi
echo "# $((SECONDS - start)) s"
summary
