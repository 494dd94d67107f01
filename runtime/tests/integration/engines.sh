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
# A-K are fixed, and L (found by this test: kill of a stopped container must
# say "container not running", the words containerd's shim maps to "already
# finished").
KNOWN_CAUSES=${ENGINES_KNOWN-}

# shellcheck source=lib.sh
. "$integ/lib.sh"
# shellcheck source=podman.sh
. "$integ/podman.sh"
# shellcheck source=docker.sh
. "$integ/docker.sh"
# shellcheck source=containerd.sh
. "$integ/containerd.sh"
# shellcheck source=teardown.sh
. "$integ/teardown.sh"

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

# final_cleanup: stop and remove everything (see teardown.sh); what had to
# be swept goes to $work.left.
final_cleanup() {
	trap - EXIT INT TERM
	teardown >"$work.left" 2>&1
	rm -rf "$work"
}
trap 'final_cleanup; rm -f "$RES" "$work.left"' EXIT
trap 'exit 130' INT TERM

start=$SECONDS
read -ra engines <<<"${ENGINES_ONLY:-podman docker containerd}"
ENGINE=images images_setup "${engines[@]}"
flush
suites "${engines[@]}"

# teardown: everything stopped and removed, nothing left behind
RT=all ENGINE=teardown
flush
final_cleanup
if [ -s "$work.left" ]; then
	not_ok "nothing left: processes, sockets, runtime state, mounts, cgroups" \
		"had to remove: $(sort "$work.left" | tr '\n' ' ' | cut -c1-1500)"
else
	ok "nothing left: processes, sockets, runtime state, mounts, cgroups"
fi
echo "# $((SECONDS - start)) s"
summary
rc=$?
rm -f "$RES" "$work.left"
exit "$rc"
