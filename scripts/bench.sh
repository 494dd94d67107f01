#!/bin/bash
# make bench: urun against crun and runc (those installed) on one bundle, in one
# run. Two workloads: `run` of /bin/true, and create+start+wait+delete; as root
# and unprivileged. Prints medians (ms)
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
# with a plain cgroup2 on /sys/fs/cgroup: the same arrangement the harness uses
# (as root here; unprivileged through the harness's wrapper, which does the
# same in a user namespace of the caller's).
crun_hybrid() {
	unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
		exec crun --cgroup-manager=disabled "$@"' crun "$@"
}
CRUN_ROOTLESS=$PWD/conformance/wrappers/crun-cgroup2	# + crun: run as the user

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

# same_ns_runs CMD...: N runs of CMD run inside one private mount namespace
# whose /sys/fs/cgroup is a plain cgroup2 mount, median in ms: urun and crun
# compared on the same view of the host, without the arrangement's cost.
same_ns_runs() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m bash -c '
		umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup || exit 1
		n=$1 b=$2
		shift 2
		for ((i = 0; i < n; i++)); do
			t0=${EPOCHREALTIME/./}
			"$@" run --bundle "$b" "s$i" >/dev/null 2>&1 || { echo fail; exit; }
			echo $(( ${EPOCHREALTIME/./} - t0 ))
		done' bash "$N" "$work/bundle-root" "$@" | median | awk '{printf "%.2f", $1/1000}'
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
mkdir -p "$work/st-urun" "$work/st-crun" "$work/st-runc" &&
	chown urun-test: "$work/st-urun" "$work/st-crun" "$work/st-runc"

runtimes=(urun)
run_set urun root "$URUN"
run_set urun unpriv "$URUN"
arrangement() { unshare -m sh -c 'umount -l /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec true'; }
arrangement_unpriv() {
	as_user unshare --user --map-current-user --mount --cgroup --keep-caps sh -c \
		'mount -t cgroup2 none /sys/fs/cgroup && exec setpriv --inh-caps=-all --ambient-caps=-all true'
}
arr=$(time_runs arrangement)
arr_unpriv=$(time_runs arrangement_unpriv)
if command -v crun >/dev/null; then
	runtimes+=(crun)
	run_set crun root crun_hybrid
	same_urun=$(same_ns_runs "$URUN" --root "$work/st-same-urun")
	same_crun=$(same_ns_runs crun --cgroup-manager=disabled --root "$work/st-same-crun")
	run_set crun unpriv "$CRUN_ROOTLESS" crun
fi
if command -v runc >/dev/null; then
	runtimes+=(runc)
	run_set runc root runc
	run_set runc unpriv runc
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "-" }'; }
printf '\nurun benchmark: median of %d runs, milliseconds (lower is better)\n' "$N"
printf '%-8s %-7s %12s %12s\n' runtime as run cycle
for r in "${runtimes[@]}"; do
	for p in root unpriv; do
		printf '%-8s %-7s %12s %12s\n' "$r" "$p" "${res[$r,$p,run]}" "${res[$r,$p,cycle]}"
	done
done
for p in root unpriv; do
	printf '\nratios (urun / peer, %s; below 1 means urun is faster)\n' "$p"
	a=$arr
	[ "$p" = root ] || a=$arr_unpriv
	if [ "$p" = root ] && [ -n "${same_crun:-}" ]; then
		printf '  urun/crun same namespace run %s   (urun %s ms, crun %s ms)\n' \
			"$(ratio "$same_urun" "$same_crun")" "$same_urun" "$same_crun"
	fi
	if [[ ${res[crun,$p,run]:-} =~ ^[0-9.]+$ ]]; then
		adj=$(awk -v a="${res[crun,$p,run]}" -v b="$a" 'BEGIN { printf "%.2f", a - b }')
		printf '  urun/crun adj. run %s   (crun run without the arrangement: %s ms)\n' \
			"$(ratio "${res[urun,$p,run]}" "$adj")" "$adj"
	fi
	for r in "${runtimes[@]:1}"; do
		printf '  urun/%-5s run %s   cycle %s\n' "$r" "$(ratio "${res[urun,$p,run]}" "${res[$r,$p,run]}")" \
			"$(ratio "${res[urun,$p,cycle]}" "${res[$r,$p,cycle]}")"
	done
done
printf '\nnotes: crun runs in a private mount namespace with cgroup2 on /sys/fs/cgroup (this\n'
printf 'host is cgroup v1/v2 hybrid), as root with --cgroup-manager=disabled, unprivileged in\n'
printf 'a user namespace of its caller (conformance/wrappers/crun-cgroup2). That arrangement\n'
# shellcheck disable=SC2016 # the backquotes are text
printf 'alone costs %s ms a call as root and %s ms unprivileged (measured with `true` in\n' "$arr" "$arr_unpriv"
printf 'place of crun); "crun adj." subtracts it (run: 1 call; cycle: 4 calls + state polls,\n'
printf 'so the cycle ratio stays approximate). "same namespace" runs urun and crun N times\n'
printf 'each inside one such namespace: no arrangement cost to subtract, the fairer ratio.\n'
