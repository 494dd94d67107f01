# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2154,SC2046
# (SC2154: globals of engines.sh; SC2046: pid lists split on purpose)
# teardown.sh: after the engines' own stops (the cleanups), find and remove
# whatever is still left of the test, sourced by engines.sh. Each sweep prints
# what it had to remove: an engine (or a runtime under it) that left it
# behind. Everything swept is the test's own: processes naming its directory,
# runtime state of bundles in it, cgroups and a containerd namespace named
# after it, sockets its shims listened on.

# teardown: the cleanups, then every sweep; prints what was left.
teardown() {
	run_cleanups
	sweep_processes
	sweep_cgroup_processes
	sweep_states
	sweep_mounts
	sweep_cgroups
}

# sweep_processes: daemons, shims, monitors and pause processes (they name
# $work in their command line or environment), with the sockets they listen
# on under /run/containerd (the shims': containerd 1.6 puts them there).
sweep_processes() {
	local pids p socks
	eventually 2 no_pids_under "$work"
	pids=$(pids_under "$work")
	[ -n "$pids" ] || return 0
	printf 'process %s\n' $(for p in $pids; do printf '%s(%s)\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-60 | tr ' ' _)"; done)
	socks=$(listening_sockets $pids | grep '^/run/containerd/')
	kill_pids KILL $pids
	sleep 0.2
	[ -n "$socks" ] && rm -f $socks && printf 'socket %s\n' $socks
	return 0
}

no_pids_under() { [ -z "$(pids_under "$1")" ]; }

# listening_sockets PID...: the paths of the unix sockets the processes hold.
listening_sockets() {
	local p inodes
	inodes=$(for p in "$@"; do ls -l "/proc/$p/fd" 2>/dev/null; done | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | sort -u)
	[ -n "$inodes" ] || return 0
	awk -v list="$(echo $inodes)" 'BEGIN { n = split(list, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		NR > 1 && ($7 in want) && $8 != "" { print $8 }' /proc/net/unix | sort -u
}

# sweep_cgroup_processes: what still runs in the test's cgroups (containers
# their engine did not stop), thawed first if frozen.
sweep_cgroup_processes() {
	local f pids
	for f in /sys/fs/cgroup/freezer/"$cg"*/ /sys/fs/cgroup/freezer/"$cg"*/**/; do
		[ -f "$f/freezer.state" ] && echo THAWED >"$f/freezer.state"
	done 2>/dev/null
	pids=$(cat /sys/fs/cgroup/*/"$cg"*/cgroup.procs /sys/fs/cgroup/*/"$cg"*/**/cgroup.procs 2>/dev/null | sort -un)
	[ -n "$pids" ] || return 0
	printf 'container-process %s\n' $pids
	kill_pids KILL $pids
	sleep 0.2
}

# sweep_states: containers of the test (bundle under $work) in the runtimes'
# state roots outside $work (root's defaults, containerd's shims'), deleted;
# then ctr's namespace directory.
sweep_states() {
	local r root id bundle
	for r in "${RUNTIMES[@]}"; do
		for root in "/run/$r" "/run/containerd/runc/$cg" /run/containerd/runc/k8s.io; do
			[ -d "$root" ] || continue
			"$(rtpath "$r")" --root "$root" list 2>/dev/null | awk 'NR > 1 { print $1, $4 }' |
				while read -r id bundle; do
					[[ $bundle = "$work"/* ]] || continue
					echo "state $r:$root/$id"
					"$(rtpath "$r")" --root "$root" delete --force "$id" >/dev/null 2>&1
				done
		done
	done
	[ -d "/run/containerd/runc/$cg" ] && ! rmdir "/run/containerd/runc/$cg" 2>/dev/null &&
		echo "state /run/containerd/runc/$cg: $(ls "/run/containerd/runc/$cg" | tr '\n' ' ')"
	return 0
}

# sweep_mounts: mounts under $work (containers' rootfs, shm, overlay).
sweep_mounts() {
	local m
	grep -o " $work/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
		echo "mount $m"
		umount -l "$m"
	done
}

# sweep_cgroups: the test's cgroups (empty by now) removed; those that
# cannot be are named.
sweep_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/"$cg"*; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] && echo "cgroup $d"
	done
	return 0
}
