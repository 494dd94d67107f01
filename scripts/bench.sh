#!/bin/bash
# make bench: urun against crun and runc (those installed) on one bundle, in one
# run. Two workloads: `run` of /bin/true, and create+start+wait+delete; as root,
# and unprivileged for the runtimes that can run so here. Prints medians (ms)
# and the urun/peer ratios. A benchmark, not a test: it never fails on speed.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_RUNS:-25}
ROOTFS=$PWD/fixtures/build/rootfs
URUN=$PWD/runtime/bin/urun
work=$(mktemp -d /tmp/urun-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

# crun refuses this host's hybrid cgroups outside a private mount namespace
# with a plain cgroup2 on /sys/fs/cgroup: the same arrangement the harness uses.
crun_hybrid() {
	unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
		exec crun --cgroup-manager=disabled "$@"' crun "$@"
}

make_bundle() {	# DIR UNPRIV
	mkdir -p "$1"
	ln -s "$ROOTFS" "$1/rootfs" 2>/dev/null || true
	local base=fixtures/base/config.json uidmap=
	if [ "$2" = 1 ]; then
		base=fixtures/base/config-rootless.json
		uidmap="| .linux.uidMappings[0].hostID=$(id -u urun-test) | .linux.gidMappings[0].hostID=$(id -g urun-test)"
	fi
	jq ".root.path=\"$ROOTFS\" | .process.args=[\"/bin/true\"] | .ociVersion=\"1.0.2\" $uidmap" \
		"$base" >"$1/config.json"
}

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# time_runs NAME CMD...: N runs of one workload, median in ms
time_runs() {
	local i t0 t1
	for ((i = 0; i < N; i++)); do
		t0=$(now_ns)
		if ! "$@" >/dev/null 2>&1; then echo fail; return; fi
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000))
	done | { read -r first || true; if [ "$first" = fail ]; then echo fail; else { echo "$first"; cat; } | median | awk '{printf "%.2f", $1/1000}'; fi; }
}

# One runtime, one privilege: run, and the four-step lifecycle.
wl_run() { "$@" run --bundle "$B" "b$RANDOM$RANDOM"; }
wl_cycle() {
	local id=c$RANDOM$RANDOM
	"$@" create --bundle "$B" "$id" && "$@" start "$id" &&
	while "$@" state "$id" 2>/dev/null | grep -q '"running"'; do :; done &&
	"$@" delete "$id"
}

as_user() { setpriv --reuid=urun-test --regid=urun-test --init-groups env -i PATH="$PATH" HOME=/tmp "$@"; }

declare -A res
run_set() {	# LABEL PRIV CMD...
	local label=$1 priv=$2
	shift 2
	B=$work/bundle-$priv
	if [ "$priv" = unpriv ]; then
		res[$label,$priv,run]=$(time_runs as_user "$@" --root "$work/st-$label" run --bundle "$B" x1)
		res[$label,$priv,cycle]=$(time_runs wl_cycle as_user "$@" --root "$work/st-$label")
	else
		res[$label,$priv,run]=$(time_runs wl_run "$@" --root "$work/st-$label-root")
		res[$label,$priv,cycle]=$(time_runs wl_cycle "$@" --root "$work/st-$label-root")
	fi
}

make_bundle "$work/bundle-root" 0
make_bundle "$work/bundle-unpriv" 1
chown -R urun-test: "$work/bundle-unpriv"
mkdir -p "$work/st-urun" && chown urun-test: "$work/st-urun"

runtimes=(urun)
run_set urun root "$URUN"
run_set urun unpriv "$URUN"
arrangement() { unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec true'; }
arr=$(time_runs arrangement)
if command -v crun >/dev/null; then runtimes+=(crun); run_set crun root crun_hybrid; res[crun,unpriv,run]=n/a; res[crun,unpriv,cycle]=n/a; fi
if command -v runc >/dev/null; then runtimes+=(runc); run_set runc root runc; res[runc,unpriv,run]=n/a; res[runc,unpriv,cycle]=n/a; fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "-" }'; }
printf '\nurun benchmark: median of %d runs, milliseconds (lower is better)\n' "$N"
printf '%-8s %-7s %12s %12s\n' runtime as run cycle
for r in "${runtimes[@]}"; do
	for p in root unpriv; do
		printf '%-8s %-7s %12s %12s\n' "$r" "$p" "${res[$r,$p,run]}" "${res[$r,$p,cycle]}"
	done
done
printf '\nratios (urun / peer, as root; below 1 means urun is faster)\n'
if [ -n "${res[crun,root,run]:-}" ]; then
	adj=$(awk -v a="${res[crun,root,run]}" -v b="$arr" 'BEGIN { printf "%.2f", a - b }')
	printf '  urun/crun adj. run %s   (crun run without the arrangement: %s ms)\n' \
		"$(ratio "${res[urun,root,run]}" "$adj")" "$adj"
fi
for r in "${runtimes[@]:1}"; do
	printf '  urun/%-5s run %s   cycle %s\n' "$r" "$(ratio "${res[urun,root,run]}" "${res[$r,root,run]}")" \
		"$(ratio "${res[urun,root,cycle]}" "${res[$r,root,cycle]}")"
done
printf '\nnotes: crun runs in a private mount namespace with cgroup2 on /sys/fs/cgroup and\n'
printf -- '--cgroup-manager=disabled (this host is cgroup v1/v2 hybrid). That arrangement alone\n'
printf 'costs %s ms a call (measured with `true` in place of crun); "crun adj." subtracts it\n' "$arr"
printf '(run: 1 call; cycle: 4 calls + state polls, so the cycle ratio stays approximate).\n'
printf 'runc and crun unprivileged need cgroups or subuids this host lacks: n/a.\n'
