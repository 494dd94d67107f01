#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mutation.py [check|list|build|run] [options]: mutation testing of urun against conform.

Each mutant in the catalogue (conformance/mutants.txt) is a small, realistic
bug planted in a private copy of urun's sources: an exact snippet of one file
(it must occur exactly once) and its replacement. `run` builds every mutant
and runs the conformance suite against it, root and unprivileged:

  0. first the baseline: the whole suite against a probe build of the
     unmutated urun, which logs which tests execute each mutant's code
     (scripts/mutation_reach.py);
  1. the case scripts the catalogue names for the mutant (its `cases`), in the
     modes it names; the first failing test kills the mutant;
  2. a mutant still alive then runs every script with a test that reaches its
     code, in the mode that reaches it (the whole suite, both modes, when the
     reach is unknown or with --full). A test that never executes the mutated
     code cannot kill it, so the relevance lists only order the work.

A test kills a mutant when it fails (not a known breakage) and did not fail
in the baseline. Stale mutants (the snippet no longer occurs exactly once, a
case glob matches no script) are errors, reported and counted, never skipped
silently; a mutant that does not compile is "invalid", one that compiles to
the same code and data as urun "equivalent". A conform run that exceeds its
time budget makes the mutant "timedout". Score = killed / (killed + survived
+ timedout).

Results: OUT/results.json and OUT/summary.md (default conformance/out/mutation);
make report includes them (conformance/report/mutation_section.py).
See docs/mutation.md."""

import argparse
import datetime
import fnmatch
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from mutation_reach import build_probe, make_log, read_log, script_names

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(TOP, "conformance", "mutants.txt")
CASES = os.path.join(TOP, "conformance", "cases")
CONFORM = os.path.join(TOP, "conformance", "conform")
MODES = ("root", "unpriv")
# Runs are niced to share the machine, but not past 5: cases set nice 7
# (t4004: SCHED_BATCH with nice 7), which an unprivileged process can only
# do from a niceness at or below it.
NICE = 5
# conform's per-test watchdog: its default (20 s). Most cases take under
# 1.5 s, but some run for seconds by design (t1004 kills create at 30
# moments), and a case that times out in the baseline cannot kill anything.
TEST_TIMEOUT = 20
FIELDS = ("area", "file", "cases", "modes", "what", "unobservable", "gap")


class CatalogueError(Exception):
    pass


# ------------------------------------------------------------------ catalogue

def parse_catalogue(path):
    """The mutants of PATH, in order. Format (docs/mutation.md):

    [id]
    area: ...          file: runtime/src/...   cases: GLOB...
    modes: root unpriv what: the bug, in words
    unobservable: why no test can see it   (or)   gap: the case to add
    -original line (exact, tabs included)
    +replacement line
    @@                 (another hunk of the same file follows)
    """
    mutants, cur, errors = [], None, []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if cur is not None and line[:1] in ("-", "+"):
                (cur["hunks"][-1][0] if line[0] == "-" else cur["hunks"][-1][1]).append(line[1:])
                continue
            if cur is not None and line == "@@":
                cur["hunks"].append(([], []))
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"\[([A-Za-z0-9][A-Za-z0-9.-]*)\]", line.strip())
            if m:
                cur = {"id": m.group(1), "line": n, "hunks": [([], [])]}
                mutants.append(cur)
                continue
            m = re.fullmatch(r"([a-z]+):\s*(.*)", line)
            if cur is None or not m or m.group(1) not in FIELDS:
                errors.append("%s:%d: not a field, snippet line or [id]: %r" % (path, n, line))
                continue
            key, val = m.group(1), m.group(2).strip()
            cur[key] = (cur.get(key, "") + " " + val).strip() if key in cur else val
    seen = set()
    for m in mutants:
        where = "%s:%d [%s]" % (path, m["line"], m["id"])
        if m["id"] in seen:
            errors.append("%s: duplicate id" % where)
        seen.add(m["id"])
        for k in ("area", "file", "cases", "what"):
            if not m.get(k):
                errors.append("%s: no %s" % (where, k))
        if any(not o for o, _ in m["hunks"]):
            errors.append("%s: a hunk without -original lines" % where)
        if m.get("unobservable") and m.get("gap"):
            errors.append("%s: both unobservable and gap" % where)
        m["modes"] = (m.get("modes") or "root unpriv").split()
        if any(x not in MODES for x in m["modes"]):
            errors.append("%s: modes must be among %s" % (where, " ".join(MODES)))
        m["cases"] = (m.get("cases") or "").split()
        m["hunks"] = [("\n".join(o) + "\n", "\n".join(r) + "\n" if r else "")
                      for o, r in m["hunks"]]
        if all(o == r for o, r in m["hunks"]):
            errors.append("%s: the replacement is the original" % where)
        if not (m.get("file") or "").startswith("runtime/src/"):
            errors.append("%s: file must be under runtime/src/" % where)
    if errors:
        raise CatalogueError("\n".join(errors))
    return mutants


def case_scripts():
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(CASES, "t[0-9]*.sh")))


def stale_reason(m, src_top, scripts):
    """Why mutant M no longer fits the tree at SRC_TOP, or None."""
    path = os.path.join(src_top, m["file"])
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (m["file"], e.strerror)
    for k, (orig, _) in enumerate(m["hunks"]):
        n = count_lines_match(text, orig)
        if n != 1:
            return "the original snippet%s occurs %d times in %s (must be exactly once)" % (
                " of hunk %d" % (k + 1) if len(m["hunks"]) > 1 else "", n, m["file"])
    for g in m["cases"]:
        if not any(fnmatch.fnmatchcase(s, g) for s in scripts):
            return "case glob %r matches no script in conformance/cases" % g
    return None


def count_lines_match(text, snippet):
    """Occurrences of SNIPPET (whole lines) in TEXT."""
    n, start = 0, 0
    while True:
        i = text.find(snippet, start)
        if i < 0:
            return n
        if i == 0 or text[i - 1] == "\n":
            n += 1
        start = i + 1


def find_lines(text, snippet):
    """Offset of SNIPPET in TEXT where it starts a line, or -1."""
    i = text.find(snippet)
    while i > 0 and text[i - 1] != "\n":
        i = text.find(snippet, i + 1)
    return i


def apply(m, tree):
    path = os.path.join(tree, m["file"])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for orig, repl in m["hunks"]:
        i = find_lines(text, orig)
        text = text[:i] + repl + text[i + len(orig):]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def loaded_image(binary):
    """What BINARY loads into memory (code and data, no debug info, no build id)."""
    with tempfile.NamedTemporaryFile() as t:
        try:
            subprocess.run(["objcopy", "-O", "binary", "-R", ".note.gnu.build-id", binary, t.name],
                           check=True, capture_output=True)
            return t.read()
        except (OSError, subprocess.CalledProcessError):
            return None


def same_code(a, b):
    """Whether binaries A and B load the same code and data: the compiler
    proved the mutant equivalent, no test can kill it."""
    ta = loaded_image(a)
    return ta is not None and ta == loaded_image(b)


def only_pattern(globs, exclude=False):
    """One conform --only pattern: bash extglob @(a|b) (or !(a|b))."""
    return ("!(%s)" if exclude else "@(%s)") % "|".join(globs)


# ------------------------------------------------------------------ runs

def log(msg):
    print("mutation: %s" % msg, file=sys.stderr, flush=True)


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


def conform_tags(pid):
    """The per-run tags (CONFORM_TEST=<tag>-...) of the conform run PID."""
    tags = set()
    for p in [pid] + descendants(pid):
        try:
            with open("/proc/%d/environ" % p, "rb") as f:
                env = f.read().split(b"\0")
        except OSError:
            continue
        for e in env:
            m = re.match(rb"(?:CONFORM_TEST|TEST_MARK)=(c[0-9a-f]{6}[0-9]*)-", e)
            if m:
                tags.add(m.group(1).decode())
    return tags


def kill_tagged(tags):
    """After a timed-out run: thaw, kill and remove what carries its tags
    (containers of that run only: the tag is random per conform run)."""
    if not tags:
        return
    pat = re.compile(r"(%s)-" % "|".join(re.escape(t) for t in tags))
    for st in glob.glob("/sys/fs/cgroup/freezer/**/freezer.state", recursive=True):
        if pat.search(st):
            try:
                with open(st, "w") as f:
                    f.write("THAWED")
            except OSError:
                pass
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                env = f.read().decode(errors="replace")
        except OSError:
            continue
        if re.search(r"(^|\0)CONFORM_TEST=(%s)-" % "|".join(map(re.escape, tags)), env):
            try:
                os.kill(int(d), signal.SIGKILL)
            except OSError:
                pass
    for _ in range(10):     # the killed processes take a moment to leave
        time.sleep(0.3)
        dirs = [d for d in glob.glob("/sys/fs/cgroup/**/", recursive=True) if pat.search(d)]
        for d in sorted(dirs, key=len, reverse=True):
            try:
                os.rmdir(d)
            except OSError:
                pass
        if not any(os.path.isdir(d) for d in dirs):
            break


TAP_FAIL = re.compile(r"^not ok \d+ - \S+ (t[0-9][^ .]*)\.([0-9]+|-) (.*)$")


def stop(p):
    """Stop the conform run P (its process group)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, None)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            pass


def run_conform(urun, mode, pattern, out, budget, jobs, baseline=None, seen_tags=None):
    """Run conform on URUN. With BASELINE ({(mode, "script.num"): verdict}),
    stop at the first test that fails and did not fail there (conform prints
    TAP as each script ends). Returns (status, fails, results): status ok,
    killed (stopped early), timeout or error; fails as failures() makes them."""
    args = [CONFORM, "--runtime", urun, "--only", pattern, "--no-report", "--out", out,
            "--timeout", str(TEST_TIMEOUT)]
    if mode == "unpriv":
        args.insert(1, "--unprivileged")
    if jobs:
        args[1:1] = ["--jobs", str(jobs)]
    shutil.rmtree(out, ignore_errors=True)
    tags = set()
    try:
        return conform_watch(args, mode, out, budget, baseline, tags)
    finally:
        # A mutant may break the cleanup conform does with it (delete, kill):
        # remove what carries this run's tags.
        kill_tagged(tags)
        if seen_tags is not None:
            seen_tags |= tags


def conform_watch(args, mode, out, budget, baseline, tags):
    deadline = time.time() + budget
    fails, pending = [], None
    with open(out + ".tap", "w") as tap:
        p = subprocess.Popen(["nice", "-n", str(NICE)] + args, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True, text=True,
                             errors="replace")
        while True:
            left = deadline - time.time()
            ready = select.select([p.stdout], [], [], min(1.0, max(0, left)))[0]
            if p.poll() is None:
                tags |= conform_tags(p.pid)
            if not ready and left <= 0:
                stop(p)
                return "timeout", fails, None
            if not ready:
                continue
            line = p.stdout.readline()
            if line == "":
                break
            tap.write(line)
            tags.update(re.findall(r"\b(c[0-9a-f]{6}[0-9]+)-t?[0-9]{4}", line))
            if pending is not None:
                if line.startswith("#   ") and not line.startswith("#   log: "):
                    pending["reason"] = line[4:].strip()[:300]
                fails.append(pending)
                pending = None
                if baseline is not None:
                    tap.flush()
                    stop(p)
                    return "killed", fails, None
            m = TAP_FAIL.match(line.rstrip("\n"))
            if m and " # TODO " not in line and baseline is not None and \
                    baseline.get((mode, "%s.%s" % (m.group(1), m.group(2)))) != "fail":
                pending = {"mode": mode, "test": "%s.%s" % (m.group(1), m.group(2)),
                           "title": m.group(3), "reason": ""}
        rc = p.wait()
    if pending is not None:
        fails.append(pending)
        return "killed", fails, None
    try:
        with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
            res = json.load(f)["results"]
    except (OSError, ValueError, KeyError):
        return "error", fails, None
    if rc not in (0, 1):
        return "error", fails, res
    return "ok", failures(mode, res, baseline or {}), res


def key(mode, r):
    return (mode, "%s.%s" % (r["script"], r["num"]))


def failures(mode, results, baseline):
    """Tests that fail now and did not fail in the baseline."""
    out = []
    for r in results:
        if r["verdict"] == "fail" and not r.get("known"):
            if baseline.get(key(mode, r), "absent") != "fail":
                out.append({"mode": mode, "test": "%s.%s" % (r["script"], r["num"]),
                            "title": r["title"], "reason": (r.get("reason") or "")[:300]})
    return out


class Runner:
    def __init__(self, args):
        self.args = args
        self.scratch = tempfile.mkdtemp(prefix="urun-mutation.", dir="/tmp")
        os.chmod(self.scratch, 0o755)   # the unprivileged runs exec the mutants
        self.base = os.path.join(self.scratch, "base")
        self.baseline = {}
        self.tag_modes = {}     # conform run tag -> mode, of the baseline runs
        self.reach = None       # {id: {mode: set(script numbers)}}, from the probe
        self.kinds = {}         # {id: "stmt" | "func" | None}: where its marker went
        self.scripts = case_scripts()

    def copy_tree(self, dst):
        """Makefile and runtime/ into DST: from the worktree for the base (its
        build left out), from the built base for a mutant (objects and mtimes
        kept, so that only the mutated file recompiles)."""
        os.makedirs(dst)
        shutil.copy2(os.path.join(TOP, "Makefile"), dst)
        src = self.base if os.path.isdir(os.path.join(self.base, "runtime")) else TOP

        def skip(d, names):
            # the worktree's own build is not ours to reuse
            return [n for n in names if src == TOP and d == os.path.join(TOP, "runtime") and
                    n in ("build", "bin")]
        shutil.copytree(os.path.join(src, "runtime"), os.path.join(dst, "runtime"),
                        symlinks=True, ignore=skip)

    def build(self, tree, logpath):
        with open(logpath, "w") as lg:
            try:
                rc = subprocess.run(["nice", "-n", str(NICE), "make", "-C", tree, "-j2",
                                     "runtime/bin/urun"], stdout=lg, stderr=subprocess.STDOUT,
                                    timeout=600).returncode
            except subprocess.TimeoutExpired:
                rc = -1
        return rc == 0

    def prepare_base(self):
        self.copy_tree(self.base)
        if not self.build(self.base, os.path.join(self.scratch, "base-build.log")):
            raise SystemExit("mutation: the unmutated urun does not build (see %s)" %
                             os.path.join(self.scratch, "base-build.log"))
        return os.path.join(self.base, "runtime", "bin", "urun")

    def run_baseline(self, urun, out):
        summary = {}
        for mode in MODES:
            t0 = time.time()
            bdir = os.path.join(out, "baseline-" + mode)
            if self.args.reuse_baseline and os.path.exists(os.path.join(bdir, "results.json")):
                with open(os.path.join(bdir, "results.json"), encoding="utf-8") as f:
                    st, res = "ok", json.load(f)["results"]
            else:
                tags = set()
                st, _, res = run_conform(urun, mode, "t[0-9]*", bdir, self.args.full_budget,
                                         self.args.jobs, seen_tags=tags)
                for t in tags:
                    self.tag_modes[t] = mode
            if st != "ok":
                raise SystemExit("mutation: the baseline run (%s) failed: %s (see %s)" % (
                    mode, st, os.path.join(out, "baseline-" + mode + ".tap")))
            for r in res:
                self.baseline[key(mode, r)] = r["verdict"]
            c = {}
            for r in res:
                c[r["verdict"]] = c.get(r["verdict"], 0) + 1
            summary[mode] = {"tests": len(res), "verdicts": c, "seconds": round(time.time() - t0, 1),
                             "failing": ["%s.%s %s" % (r["script"], r["num"], r["title"])
                                         for r in res if r["verdict"] == "fail"]}
            log("baseline %s: %d tests, %s, %.0f s" % (mode, len(res), c, time.time() - t0))
        return summary

    def confirm(self, urun, fail, mout):
        """Whether FAIL (the test that would kill) fails again when its script
        runs it alone (a failure of the whole script: the script again)."""
        script, _, num = fail["test"].partition(".")
        title = re.sub(r"([*?\[\]\\()|!+@])", r"\\\1", fail["title"])
        st, fails, res = run_conform(urun, fail["mode"],
                                     script if num == "-" else "%s:%s" % (script, title),
                                     os.path.join(mout, "confirm-%s-%s" % (fail["mode"],
                                                                            fail["test"])),
                                     self.args.budget, self.args.jobs, self.baseline)
        # Not run again (the title did not select it): keep the kill.
        return bool(fails) or st != "ok" or not res

    def run_mutant(self, m, out):
        t0 = time.time()
        rec = {k: m.get(k) for k in ("id", "area", "file", "what", "cases", "modes")}
        rec["explanation"] = ({"kind": "unobservable", "text": m["unobservable"]}
                              if m.get("unobservable") else
                              {"kind": "gap", "text": m["gap"]} if m.get("gap") else None)
        tree = os.path.join(self.scratch, m["id"])
        mout = os.path.join(out, "mutants", m["id"])
        os.makedirs(mout, exist_ok=True)
        try:
            self.copy_tree(tree)
            apply(m, tree)
            if not self.build(tree, os.path.join(mout, "build.log")):
                with open(os.path.join(mout, "build.log"), errors="replace") as f:
                    rec["build_log"] = f.read()[-1500:]
                rec["status"] = "invalid"
                return rec
            urun = os.path.join(tree, "runtime", "bin", "urun")
            if same_code(urun, os.path.join(self.base, "runtime", "bin", "urun")):
                rec["status"] = "equivalent"
                return rec
            stages = [(mode, only_pattern(m["cases"]), "relevant", self.args.budget)
                      for mode in MODES if mode in m["modes"]]
            reach = self.reach.get(m["id"]) if self.reach is not None and \
                self.kinds.get(m["id"]) else None
            if reach is not None and "unknown" in reach:
                reach = None
            rec["reach"] = {"marker": self.kinds.get(m["id"]), "scripts": None if reach is None
                            else {mode: script_names(self.scripts, reach.get(mode, set()))
                                  for mode in MODES}}
            for mode in MODES if not self.args.fast else ():
                if reach is None or self.args.full:
                    pat = only_pattern(m["cases"], exclude=True) if mode in m["modes"] \
                        else "t[0-9]*"
                    stages.append((mode, pat, "rest", self.args.full_budget))
                    continue
                done = m["cases"] if mode in m["modes"] else []
                todo = [x for x in rec["reach"]["scripts"][mode]
                        if not any(fnmatch.fnmatchcase(x, g) for g in done)]
                if todo:
                    stages.append((mode, only_pattern(todo), "reaching", self.args.full_budget))
            rec["runs"] = []
            baseline = self.baseline
            flaky = []
            k = 0
            while k < len(stages):
                mode, pat, what, budget = stages[k]
                s0 = time.time()
                st, fails, res = run_conform(urun, mode, pat,
                                             os.path.join(mout, "%s-%s" % (what, mode)), budget,
                                             self.args.jobs, baseline)
                run = {"mode": mode, "set": what, "status": st, "seconds": round(time.time() - s0, 1)}
                rec["runs"].append(run)
                if res is not None:
                    run["tests"] = len(res)
                if fails and len(flaky) < 3 and not self.confirm(urun, fails[0], mout):
                    # Failed once, passed on its own: flaky (the machine is
                    # shared; some cases contend for host resources). It
                    # cannot kill this mutant; the stage runs again.
                    flaky.append(fails[0])
                    baseline = dict(baseline)
                    baseline[(fails[0]["mode"], fails[0]["test"])] = "fail"
                    continue
                if fails:
                    rec["status"] = "killed"
                    rec["killed_by"] = fails[:8]
                    break
                if st in ("timeout", "error"):
                    rec["status"] = "timedout" if st == "timeout" else "error"
                    break
                k += 1
            if flaky:
                rec["flaky"] = flaky
            if rec.get("status"):
                return rec
            rec["status"] = "survived"
            return rec
        finally:
            rec["seconds"] = round(time.time() - t0, 1)
            shutil.rmtree(tree, ignore_errors=True)


# ------------------------------------------------------------------ output

def counts(recs):
    c = {s: 0 for s in ("killed", "survived", "timedout", "invalid", "equivalent", "stale",
                        "error")}
    for r in recs:
        c[r["status"]] = c.get(r["status"], 0) + 1
    den = c["killed"] + c["survived"] + c["timedout"]
    c["score"] = round(100.0 * c["killed"] / den, 1) if den else None
    return c


def by_area(recs):
    areas = {}
    for r in recs:
        a = areas.setdefault(r["area"], {"mutants": 0})
        a["mutants"] += 1
        a[r["status"]] = a.get(r["status"], 0) + 1
    return dict(sorted(areas.items()))


def summary_md(data):
    sys.path.insert(0, os.path.join(TOP, "conformance", "report"))
    import mutation_section  # noqa: E402 (the report's renderer, one source of truth)
    return mutation_section.markdown(data, level=1)


def build_only(args, sel, stale):
    """Build every selected mutant, no tests: finds stale and invalid ones fast."""
    runner = Runner(args)
    bad = 0
    try:
        runner.prepare_base()
        for m in sel:
            if stale[m["id"]]:
                print("mutation: STALE %s: %s" % (m["id"], stale[m["id"]]))
                bad += 1
                continue
            tree = os.path.join(runner.scratch, m["id"])
            runner.copy_tree(tree)
            apply(m, tree)
            lg = os.path.join(runner.scratch, m["id"] + ".log")
            if runner.build(tree, lg):
                print("mutation: builds  %s" % m["id"])
            else:
                bad += 1
                with open(lg, errors="replace") as f:
                    print("mutation: INVALID %s:\n%s" % (m["id"], f.read()[-1500:]))
            shutil.rmtree(tree, ignore_errors=True)
    finally:
        shutil.rmtree(runner.scratch, ignore_errors=True)
    return 1 if bad else 0


def git_head():
    try:
        return subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", nargs="?", default="run", choices=("run", "check", "list", "build"))
    ap.add_argument("--catalogue", default=CATALOGUE)
    ap.add_argument("--out", default=os.path.join(TOP, "conformance", "out", "mutation"))
    ap.add_argument("--only", default="*", help="mutant ids matching these globs (comma-separated)")
    ap.add_argument("--area", default="*", help="mutants of areas matching these globs (comma-separated)")
    ap.add_argument("--jobs", type=int, default=0, help="conform --jobs (default: its own)")
    ap.add_argument("--parallel", type=int, default=2,
                    help="mutants tested at the same time (default 2: the cases mostly wait)")
    ap.add_argument("--budget", type=int, default=300,
                    help="seconds for one conform run of a mutant's own cases")
    ap.add_argument("--full-budget", type=int, default=600,
                    help="seconds for one conform run of the rest of the suite")
    ap.add_argument("--full", action="store_true",
                    help="confirm every survivor against the whole suite, not only the "
                         "scripts that reach its code")
    ap.add_argument("--fast", action="store_true",
                    help=argparse.SUPPRESS)  # relevant cases only: development aid, not sound
    ap.add_argument("--keep", action="store_true", help="keep the scratch trees")
    ap.add_argument("--reuse-baseline", action="store_true",
                    help="take the baseline from an earlier run in OUT (same tree only!)")
    args = ap.parse_args()

    try:
        mutants = parse_catalogue(args.catalogue)
    except CatalogueError as e:
        print(e, file=sys.stderr)
        return 2
    scripts = case_scripts()
    sel = [m for m in mutants
           if any(fnmatch.fnmatchcase(m["id"], g) for g in args.only.split(",")) and
           any(fnmatch.fnmatchcase(m["area"], g) for g in args.area.split(","))]
    stale = {m["id"]: stale_reason(m, TOP, scripts) for m in sel}

    if args.command == "list":
        for m in sel:
            print("%-34s %-14s %s%s" % (m["id"], m["area"], m["what"],
                                         "  [STALE: %s]" % stale[m["id"]] if stale[m["id"]] else ""))
        return 0
    if args.command == "check":
        bad = [(i, why) for i, why in stale.items() if why]
        for i, why in bad:
            print("mutation: stale mutant %s: %s" % (i, why), file=sys.stderr)
        areas = sorted({m["area"] for m in sel})
        print("mutation: %d mutants in %d areas (%s); %d stale" % (
            len(sel), len(areas), ", ".join(areas), len(bad)))
        return 1 if bad else 0

    if args.command == "build":
        return build_only(args, sel, stale)
    if os.geteuid() != 0:
        print("mutation: run needs root (conform runs as root, and drops to urun-test "
              "for the unprivileged mode)", file=sys.stderr)
        return 2
    t_start = time.time()
    os.makedirs(args.out, exist_ok=True)
    shutil.rmtree(os.path.join(args.out, "mutants"), ignore_errors=True)
    runner = Runner(args)
    recs = [None] * len(sel)
    done = [0]
    lock = threading.Lock()

    def one(n):
        m = sel[n]
        if stale[m["id"]]:
            rec = {k: m.get(k) for k in ("id", "area", "file", "what", "cases", "modes")}
            rec.update(status="stale", stale=stale[m["id"]], seconds=0)
        else:
            rec = runner.run_mutant(m, args.out)
        with lock:
            recs[n] = rec
            done[0] += 1
            log("[%d/%d] %s (%s): %s in %.0f s%s" % (
                done[0], len(sel), m["id"], m["area"], rec["status"].upper()
                if rec["status"] != "killed" else "killed", rec["seconds"],
                " by %s" % rec["killed_by"][0]["test"] if rec.get("killed_by") else
                ": " + rec["stale"] if rec.get("stale") else ""))

    try:
        log("scratch %s; building the unmutated urun" % runner.scratch)
        base_urun = runner.prepare_base()
        baseline_urun = base_urun
        log_path = os.path.join(runner.scratch, "reach.log")
        if not args.full and not args.reuse_baseline:
            make_log(log_path)
            live = [m for m in sel if not stale[m["id"]]]
            probe, runner.kinds, markers = build_probe(runner, live, log_path)
            if probe:
                baseline_urun = probe
                log("probe build: %d markers before the mutated statement, %d at function "
                    "entry, %d without (whole suite)" % tuple(
                        sum(1 for k in runner.kinds.values() if k == w)
                        for w in ("stmt", "func", None)))
            else:
                log("probe build failed: every survivor runs the whole suite")
        baseline = runner.run_baseline(baseline_urun, args.out)
        if baseline_urun != base_urun:
            runner.reach = read_log(log_path, runner.tag_modes, markers)
            if runner.reach is None:
                log("the reach log overflowed: every survivor runs the whole suite")
        with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
            for f in [pool.submit(one, n) for n in range(len(sel))]:
                f.result()
    finally:
        if not args.keep:
            shutil.rmtree(runner.scratch, ignore_errors=True)
    c = counts(recs)
    data = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "host": socket.gethostname(), "commit": git_head(), "catalogue":
        os.path.relpath(args.catalogue, TOP), "selection": {"only": args.only, "area": args.area},
        "complete": args.only == "*" and args.area == "*" and not args.fast and
        not args.reuse_baseline,
        "confirmation": "whole suite" if args.full or runner.reach is None else
        "the scripts whose tests reach the mutated code (probe build)",
        "elapsed": round(time.time() - t_start, 1), "cpus": os.cpu_count(),
        "baseline": baseline, "counts": c, "areas": by_area(recs), "mutants": recs,
    }
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write(summary_md(data))
    log("%d mutants: %d killed, %d survived, %d timed out, %d invalid, %d stale, %d errors; "
        "score %s%%; %.0f s; %s" % (len(recs), c["killed"], c["survived"], c["timedout"],
                                    c["invalid"], c["stale"], c["error"], c["score"],
                                    data["elapsed"], os.path.join(args.out, "summary.md")))
    unexplained = [r["id"] for r in recs if r["status"] == "survived" and not r.get("explanation")]
    if unexplained:
        log("survivors without a reason in the catalogue (add a case, or an unobservable:/gap: "
            "line): %s" % " ".join(unexplained))
    stale_reasons = [r["id"] for r in recs if r["status"] == "killed" and r.get("explanation")]
    if stale_reasons:
        log("killed, yet the catalogue explains them as survivors (drop the reason): %s" %
            " ".join(stale_reasons))
    # Loud: a stale, invalid or unexplained mutant, or a harness error, fails make mutation.
    return 1 if (c["stale"] or c["invalid"] or c["error"] or unexplained) else 0


if __name__ == "__main__":
    sys.exit(main())
