#!/bin/bash
# SPDX-License-Identifier: MIT
# report.sh [OUT]: what `make report` runs. The conformance suite against
# urun (when runtime/bin/urun is built), runc, crun, ch-run-oci and runsc (those
# installed) as root and as an unprivileged user, merged into one
# report in OUT (default conformance/out/report): report.html, report.md,
# junit.xml, results.json. A runtime's failures do not fail this script; a
# harness error does.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/conformance/out/report}
conform=$top/conformance/conform
runs=$top/conformance/out/runs
rm -rf "$runs"
mkdir -p "$runs" "$out" || exit 2

args=()
if [ -x "$top/runtime/bin/urun" ]; then
	args+=(--runtime "$top/runtime/bin/urun")
else
	echo "report.sh: runtime/bin/urun is not built; the report has no urun column" >&2
fi
for rt in runc crun ch-run-oci runsc; do
	if command -v "$rt" >/dev/null; then
		args+=(--runtime "$rt")
	else
		echo "report.sh: $rt is not installed; left out" >&2
	fi
done

status=0
results=()
echo "report.sh: root: ${args[*]}" >&2
"$conform" "${args[@]}" --no-report --out "$runs/root" >"$runs/root.tap"
rc=$?
[ "$rc" -le 1 ] || status=$rc
tail -n 1 "$runs/root.tap" >&2
[ -f "$runs/root/results.json" ] && results+=("$runs/root/results.json")

# the same runtimes as the unprivileged user (conform's --unprivileged)
echo "report.sh: unprivileged: ${args[*]}" >&2
"$conform" "${args[@]}" --unprivileged --no-report --out "$runs/unpriv" >"$runs/unpriv.tap"
rc=$?
[ "$rc" -le 1 ] || status=$rc
tail -n 1 "$runs/unpriv.tap" >&2
[ -f "$runs/unpriv/results.json" ] && results+=("$runs/unpriv/results.json")

[ ${#results[@]} -gt 0 ] || { echo "report.sh: no results" >&2; exit 2; }
# logs of every run next to the report
rm -rf "$out/logs" && mkdir -p "$out/logs"
for r in "$runs"/*/logs; do
	cp -r "$r"/. "$out/logs/" 2>/dev/null
done
/usr/bin/python3 -B "$top/conformance/report/report.py" --out "$out" "${results[@]}" || status=2
echo "report.sh: $out/report.html" >&2
exit "$status"
