#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tables for `make bench` (scripts/bench.sh).

bench-report.py times TITLE RAW [BASE]
    RAW: lines "WORKLOAD RUNTIME ITERATION MICROSECONDS MAXRSS_KB EXIT CPU_US"
    from runtime/src/tools/bench_run.c. Prints, per workload and runtime, the
    median wall time, its spread (p25-p75 and min-max) in ms, the median CPU
    time (user + system of every process of the workload), peak RSS (median
    of the per-run maxima), and median ratios against BASE (default crun)
    and the floor, of wall time and of CPU time.
bench-report.py phases TITLE PHASES
    PHASES: a URUN_PHASES file (runtime/src/lib/phase.h) with bench_run's
    "bench start|end WORKLOAD RUNTIME" frames. Prints, per workload, each
    phase's median in ms and its share of the median whole.
"""
import statistics
import sys
from collections import defaultdict


def q(values, frac):
    """Quantile by linear interpolation (values sorted)."""
    if not values:
        return float("nan")
    pos = (len(values) - 1) * frac
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def times(title, raw, base="crun"):
    runs = defaultdict(list)   # (workload, runtime) -> [ms]
    cpu = defaultdict(list)
    rss = defaultdict(list)
    fails = defaultdict(int)
    order_wl, order_rt = [], []
    with open(raw) as f:
        for line in f:
            p = line.split()
            if len(p) != 7:
                continue
            wl, rt, usec, kb, rc, cu = p[0], p[1], int(p[3]), int(p[4]), int(p[5]), int(p[6])
            if wl not in order_wl:
                order_wl.append(wl)
            if rt not in order_rt:
                order_rt.append(rt)
            if rc != 0:
                fails[wl, rt] += 1
                continue
            runs[wl, rt].append(usec / 1000.0)
            cpu[wl, rt].append(cu / 1000.0)
            rss[wl, rt].append(kb)
    print(f"\n{title}")
    print(f"{'workload':<8} {'runtime':<10} {'n':>3} {'median':>8} {'p25':>7} {'p75':>7} "
          f"{'min':>7} {'max':>8} {'cpu':>6} {'rss KB':>7}  {'/' + base:>7} {'/floor':>7}"
          f"  {'cpu/' + base:>9} {'cpu/floor':>9}")
    for wl in order_wl:
        med = {rt: statistics.median(runs[wl, rt]) for rt in order_rt if runs[wl, rt]}
        mcpu = {rt: statistics.median(cpu[wl, rt]) for rt in order_rt if cpu[wl, rt]}
        for rt in order_rt:
            v = sorted(runs[wl, rt])
            if not v and not fails[wl, rt]:
                continue
            fail = f"  ({fails[wl, rt]} failed)" if fails[wl, rt] else ""
            if not v:
                print(f"{wl:<8} {rt:<10} {0:>3} {'-':>8}{fail}")
                continue
            m, c = med[rt], mcpu[rt]

            def ratio(d, other):
                return f"{d[rt] / d[other]:.2f}" if other in d and rt != other and d[other] else ""
            print(f"{wl:<8} {rt:<10} {len(v):>3} {m:>8.2f} {q(v, .25):>7.2f} {q(v, .75):>7.2f} "
                  f"{v[0]:>7.2f} {v[-1]:>8.2f} {c:>6.2f} {int(statistics.median(rss[wl, rt])):>7}  "
                  f"{ratio(med, base):>7} {ratio(med, 'floor'):>7}  {ratio(mcpu, base):>9} "
                  f"{ratio(mcpu, 'floor'):>9}{fail}")


def phases(title, path):
    segs = []          # (workload, [(ns, role, name)])
    cur = None
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split(" ", 2)
            if len(p) < 3:
                continue
            ns, role, name = int(p[0]), p[1], p[2]
            if role == "bench":
                what, wl, _ = (name.split(" ") + ["", ""])[:3]
                if what == "start":
                    cur = (wl, [(ns, "bench", "start")])
                elif what == "end" and cur:
                    cur[1].append((ns, "bench", "end"))
                    segs.append(cur)
                    cur = None
                continue
            if cur:
                cur[1].append((ns, role, name))
    by_wl = defaultdict(list)
    for wl, marks in segs:
        by_wl[wl].append(sorted(marks))
    for wl, runs in by_wl.items():
        rows = defaultdict(list)   # key -> [ms]
        pos = defaultdict(list)
        totals = []
        for marks in runs:
            seen = defaultdict(int)
            totals.append((marks[-1][0] - marks[0][0]) / 1e6)
            for i in range(1, len(marks)):
                ns, role, name = marks[i]
                if role == "bench":
                    label = "(exit, reaped by the caller)"
                elif name == "started" and seen[f"{role}: started"]:
                    # the sealed copy (sealed.h) starting again
                    label = f"{role}: copy urun into a sealed memfd, exec it"
                elif name == "started":
                    seen[f"{role}: started"] += 1
                    label = f"{role}: exec urun, load libraries, parse options"
                else:
                    label = f"{role}: {name}"
                seen[label] += 1
                key = (label, seen[label])
                rows[key].append((ns - marks[i - 1][0]) / 1e6)
                pos[key].append(i)
        total = statistics.median(totals)
        print(f"\n{title}: {wl}, {len(runs)} runs, median whole {total:.2f} ms")
        print(f"{'phase (each ends at its mark)':<62} {'median ms':>9} {'share':>6} {'p75 ms':>7}")
        keys = sorted(rows, key=lambda k: statistics.mean(pos[k]))
        acc = 0.0
        for k in keys:
            v = sorted(rows[k])
            # a phase missing from some runs (races) counts as 0 there
            v = sorted(v + [0.0] * (len(runs) - len(v)))
            m = statistics.median(v)
            acc += m
            print(f"{k[0][:62]:<62} {m:>9.3f} {100 * m / total:>5.1f}% {q(v, .75):>7.3f}")
        print(f"{'(sum of the medians)':<62} {acc:>9.3f} {100 * acc / total:>5.1f}%")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "times":
        times(sys.argv[2], sys.argv[3], *sys.argv[4:5])
    elif len(sys.argv) == 4 and sys.argv[1] == "phases":
        phases(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
