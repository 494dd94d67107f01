#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""report.py [--out DIR] [--junit-only] [--coverage FILE] RESULTS.json...

Merge conform's results.json files (one per conform run: runtimes, root or
unprivileged) and write into DIR: results.json (merged), junit.xml,
report.md and report.html (self-contained, no network). The report has, per
runtime, the arrangements it ran under and its declarations; the security
classes x runtimes (tests titled "[CLASS] ..."); a matrix of spec fields x runtimes; the spec coverage of the cases (config fields walked from
the schemas, runtime.md requirements); every case's verdict with its reason;
urun's lcov coverage when coverage/summary.json exists; and the mutation score
when `make mutation` wrote conformance/out/mutation/results.json (--mutation)."""

import argparse
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import OrderedDict, defaultdict

import mutation_section  # the "Mutation score" section (make mutation)

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORM = os.path.dirname(HERE)
TOP = os.path.dirname(CONFORM)

PASSLIKE = ("pass", "rejected-as-declared", "ignored-as-declared")
SHORT = {"pass": "pass", "fail": "FAIL", "rejected-as-declared": "rejected",
         "ignored-as-declared": "ignored", "skipped": "skip", "known": "known"}
SYMBOL = {"pass": "✔", "fail": "✘", "rejected-as-declared": "R",
          "ignored-as-declared": "I", "skipped": "–", "known": "K"}

# Spec sections for field prefixes (longest prefix wins).
SECTIONS = [
    ("ociVersion", "config.md#specification-version"),
    ("root", "config.md#root"),
    ("mounts", "config.md#mounts"),
    ("process.rlimits", "config.md#posix-process"),
    ("process.user", "config.md#user"),
    ("process.apparmorProfile", "config.md#linux-process"),
    ("process.capabilities", "config.md#linux-process"),
    ("process.noNewPrivileges", "config.md#linux-process"),
    ("process.oomScoreAdj", "config.md#linux-process"),
    ("process.scheduler", "config.md#linux-process"),
    ("process.selinuxLabel", "config.md#linux-process"),
    ("process.ioPriority", "config.md#linux-process"),
    ("process.execCPUAffinity", "config.md#linux-process"),
    ("process", "config.md#process"),
    ("hostname", "config.md#hostname"),
    ("domainname", "config.md#domainname"),
    ("hooks", "config.md#posix-platform-hooks"),
    ("annotations", "config.md#annotations"),
    ("linux.namespaces", "config-linux.md#namespaces"),
    ("linux.uidMappings", "config-linux.md#user-namespace-mappings"),
    ("linux.gidMappings", "config-linux.md#user-namespace-mappings"),
    ("linux.timeOffsets", "config-linux.md#offset-for-time-namespace"),
    ("linux.devices", "config-linux.md#devices"),
    ("linux.netDevices", "config-linux.md#network-devices"),
    ("linux.cgroupsPath", "config-linux.md#cgroups-path"),
    ("linux.resources.devices", "config-linux.md#allowed-device-list"),
    ("linux.resources.memory", "config-linux.md#memory"),
    ("linux.resources.cpu", "config-linux.md#cpu"),
    ("linux.resources.blockIO", "config-linux.md#block-io"),
    ("linux.resources.hugepageLimits", "config-linux.md#huge-page-limits"),
    ("linux.resources.network", "config-linux.md#network"),
    ("linux.resources.pids", "config-linux.md#pids"),
    ("linux.resources.rdma", "config-linux.md#rdma"),
    ("linux.resources.unified", "config-linux.md#unified"),
    ("linux.resources", "config-linux.md#control-groups"),
    ("linux.intelRdt", "config-linux.md#intelrdt"),
    ("linux.memoryPolicy", "config-linux.md#memory-policy"),
    ("linux.sysctl", "config-linux.md#sysctl"),
    ("linux.seccomp", "config-linux.md#seccomp"),
    ("linux.rootfsPropagation", "config-linux.md#rootfs-mount-propagation"),
    ("linux.maskedPaths", "config-linux.md#masked-paths"),
    ("linux.readonlyPaths", "config-linux.md#readonly-paths"),
    ("linux.mountLabel", "config-linux.md#mount-label"),
    ("linux.personality", "config-linux.md#personality"),
    ("linux", "config-linux.md"),
    ("windows", "config-windows.md"), ("solaris", "config-solaris.md"),
    ("vm", "config-vm.md"), ("zos", "config-zos.md"), ("freebsd", "config-freebsd.md"),
]


def section_of(field):
    base = field.split("=", 1)[0]
    best = ""
    for prefix, sec in SECTIONS:
        if (base == prefix or base.startswith(prefix + ".")) and len(prefix) > len(best):
            best, found = prefix, sec
    return found if best else ""


def verdict_key(r):
    return "known" if r.get("known") else r["verdict"]


def spec_fields(mode):
    """Config fields from the schemas, via scripts/spec-fields.sh."""
    # the urun tree's scripts/, or an installed conform's own copy
    script = os.path.join(TOP, "scripts", "spec-fields.sh")
    if not os.path.exists(script):
        script = os.path.join(CONFORM, "scripts", "spec-fields.sh")
    try:
        out = subprocess.run([script, mode, os.path.join(CONFORM, "schema")],
                             check=True, capture_output=True, text=True).stdout
        return [line for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError) as e:
        print("report: spec-fields.sh failed: %s" % e, file=sys.stderr)
        return []


def requirements():
    reqs = []
    path = os.path.join(HERE, "requirements.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rid, sec, text = line.rstrip("\n").split("\t", 2)
            reqs.append({"id": rid, "section": sec, "text": text})
    return reqs


def load(paths):
    runtimes, results, conform = [], [], []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        if isinstance(d, list):
            d = {"results": d, "runtimes": []}
        conform.append(d.get("conform", {}))
        known = {r["label"] for r in runtimes}
        for r in d.get("runtimes", []):
            if r["label"] not in known:
                runtimes.append(r)
        results.extend(d.get("results", []))
    # one result per (runtime, case): the last run wins
    seen = OrderedDict()
    for r in results:
        seen[(r["runtime"], r["script"], r["num"], r["title"])] = r
    return conform, runtimes, list(seen.values())


def aggregate(vs):
    """One verdict for several cases: any fail wins, then pass, etc."""
    if not vs:
        return None
    for v in ("fail", "known", "pass", "rejected-as-declared", "ignored-as-declared", "skipped"):
        if v in vs:
            return v
    return vs[0]


# Security cases: a test whose title starts with "[CLASS] " (a CVE id or a
# class name; several: "[CVE-A, CVE-B] ...") stands for that attack class.
TAG_RE = re.compile(r"^\s*\[([^\]]+)\]")


def security_tags(title):
    m = TAG_RE.match(title)
    return [t.strip() for t in m.group(1).split(",") if t.strip()] if m else []


def natural_key(s):
    """CVE-2019-5736 before CVE-2019-16884."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", s)]


def short_case(r):
    """t9501-security-exec.2 -> t9501.2"""
    return "%s.%s" % (r["script"].split("-", 1)[0], r["num"])


def security_cell(rs):
    """The verdict of one class for one runtime over its tests RS:
    (kind, text) with kind hole, defended, skipped or none. A failed test
    (also a known breakage) is a hole; a pass, or a config the runtime
    rejects as it declares, defends; skips never count as defended."""
    if not rs:
        return "none", ""
    holes = [r for r in rs if r["verdict"] == "fail" or r.get("known")]
    defended = [r for r in rs if not r.get("known") and
                r["verdict"] in ("pass", "rejected-as-declared")]
    skipped = [r for r in rs if r["verdict"] == "skipped" and not r.get("known")]
    ignored = [r for r in rs if r["verdict"] == "ignored-as-declared"]
    ran = len(holes) + len(defended)
    extra = []
    if skipped:
        extra.append("%d skipped" % len(skipped))
    if ignored:
        extra.append("%d ignored as declared" % len(ignored))
    tail = (", " + ", ".join(extra)) if extra else ""
    if holes:
        return "hole", "HOLE %d/%d (%s)%s" % (len(holes), ran, ", ".join(
            short_case(r) + (" known" if r.get("known") else "") for r in holes), tail)
    if defended:
        return "defended", "defended %d/%d%s" % (len(defended), ran, tail)
    reasons = []
    for r in skipped + ignored:
        why = r.get("reason") or r["verdict"]
        if r["verdict"] == "ignored-as-declared":
            why = "ignored as declared: " + why
        if why not in reasons:
            reasons.append(why)
    return "skipped", "skipped: " + "; ".join(reasons)


SECURITY_LEGEND = (
    "Each row is an attack class (the tag that starts a test title), each cell the "
    "class's tests for that runtime: **defended n/m**: all m tests that ran held "
    "(a config the runtime refuses as it declares counts as held); **HOLE h/m "
    "(cases)**: h of them failed, the attack worked or a defence is missing "
    "(\"known\": a known breakage, still a hole); **skipped: reason**: no test could run "
    "for this runtime (never counted as defended); empty: no such test in this run.")


def covered_by(field, case_fields):
    """A schema field is covered by a case field equal to it, a value of it
    (field=value) or a descendant of it."""
    for cf in case_fields:
        base = cf.split("=", 1)[0]
        if base == field or base.startswith(field + "."):
            return True
    return False


class Report:
    def __init__(self, conform, runtimes, results, coverage):
        self.conform, self.runtimes, self.results = conform, runtimes, results
        self.coverage = coverage
        self.labels = [r["label"] for r in runtimes]
        for r in results:
            if r["runtime"] not in self.labels:
                self.labels.append(r["runtime"])
        self.meta = {r["label"]: r for r in runtimes}
        self.cases = OrderedDict()  # (script, num, title) -> {label: result}
        for r in sorted(results, key=lambda r: (r["script"], r["num"])):
            self.cases.setdefault((r["script"], r["num"], r["title"]), {})[r["runtime"]] = r
        self.linux_fields = spec_fields("--linux")
        self.other_fields = spec_fields("--other")
        self.reqs = requirements()
        case_fields = set()
        for r in results:
            case_fields.update(r.get("fields", []))
        self.case_fields = case_fields
        self.covered = [f for f in self.linux_fields if covered_by(f, case_fields)]
        self.uncovered = [f for f in self.linux_fields if not covered_by(f, case_fields)]
        case_reqs = set()
        for r in results:
            case_reqs.update(r.get("requirements", []))
        self.case_reqs = case_reqs
        self.security = defaultdict(list)  # class tag -> results
        for r in results:
            for tag in security_tags(r["title"]):
                self.security[tag].append(r)

    def counts(self, label):
        c = defaultdict(int)
        for r in self.results:
            if r["runtime"] == label:
                c[verdict_key(r)] += 1
        return c

    def field_verdicts(self, field):
        """label -> (verdict, [results]) over the cases that cover FIELD."""
        out = {}
        for label in self.labels:
            rs = [r for r in self.results if r["runtime"] == label
                  and any(cf.split("=", 1)[0] == field for cf in r.get("fields", []))]
            out[label] = (aggregate([verdict_key(r) for r in rs]), rs)
        return out

    def req_verdicts(self, rid):
        out = {}
        for label in self.labels:
            rs = [r for r in self.results if r["runtime"] == label and rid in r.get("requirements", [])]
            out[label] = (aggregate([verdict_key(r) for r in rs]), rs)
        return out


    def security_labels(self):
        """The labels with each runtime's unprivileged run next to its root run
        (urun, urun-unprivileged, runc, ...), in order of first appearance."""
        suffix = "-unprivileged"
        bases = []
        for lb in self.labels:
            base = lb[:-len(suffix)] if lb.endswith(suffix) else lb
            if base not in bases:
                bases.append(base)
        return sorted(self.labels, key=lambda lb: (
            bases.index(lb[:-len(suffix)] if lb.endswith(suffix) else lb), lb.endswith(suffix)))

    def security_rows(self):
        """[(tag, [case ids], {label: (kind, text, [results])})], sorted by tag."""
        rows = []
        for tag in sorted(self.security, key=natural_key):
            rs = self.security[tag]
            cases = []
            for r in sorted(rs, key=lambda r: (r["script"], r["num"])):
                if short_case(r) not in cases:
                    cases.append(short_case(r))
            cells = {}
            for label in self.security_labels():
                mine = [r for r in rs if r["runtime"] == label]
                cells[label] = security_cell(mine) + (mine,)
            rows.append((tag, cases, cells))
        return rows

    def security_md(self, a):
        a("## Security (attack classes x runtimes)\n")
        rows = self.security_rows()
        if not rows:
            a("No security case (a test titled \"[CLASS] ...\") in this run.\n")
            return
        a(SECURITY_LEGEND + "\n")
        labels = self.security_labels()
        a("| class | cases | " + " | ".join(labels) + " |")
        a("|---|---|" + "---|" * len(labels))
        for tag, cases, cells in rows:
            a("| %s | %s | %s |" % (md(tag), ", ".join(cases), " | ".join(
                md(text) for _, text, _ in (cells[lb] for lb in labels))))
        a("")

    def security_html(self, a):
        e = html.escape
        a("<h2>Security (attack classes x runtimes)</h2>")
        rows = self.security_rows()
        if not rows:
            a("<p>No security case (a test titled \"[CLASS] ...\") in this run.</p>")
            return
        legend = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", e(SECURITY_LEGEND, quote=False))
        a("<p>%s</p>" % legend)
        labels = self.security_labels()
        a("<table class=matrix><tr><th>class<th>cases" + "".join("<th>%s" % e(lb) for lb in labels) + "</tr>")
        for tag, cases, cells in rows:
            a("<tr><td><code>%s</code><td>%s" % (e(tag), e(", ".join(cases))))
            for label in labels:
                kind, text, rs = cells[label]
                tip = "\n".join("%s %s: %s%s %s" % (short_case(r), r["title"], r["verdict"],
                                                     " (known)" if r.get("known") else "",
                                                     r.get("reason", "")) for r in rs)
                a("<td class='sec %s' title='%s'>%s</td>" % (kind, e(tip, quote=True), e(text)))
            a("</tr>")
        a("</table>")

    # ------------------------------------------------------------ markdown

    def markdown(self):
        L = []
        a = L.append
        a("# Conformance report: OCI runtime-spec v1.3.0 on Linux\n")
        for c in self.conform:
            if c:
                a("- run %s on `%s`, %s jobs, %.1f s; cgroups: %s" % (
                    c.get("date", "?"), c.get("host", "?"), c.get("jobs", "?"),
                    c.get("elapsed", 0), c.get("cgroups", "?")))
        a("")
        a("Verdicts: **pass** (the effect was verified), **FAIL**, **rejected** (declared rejected:"
          " create failed naming the field, nothing left), **ignored** (declared ignored: it ran),"
          " **skip** (with the reason), **known** (a known breakage, with the reason).\n")
        a("## Runtimes\n")
        a("| runtime | mode | version | pass | FAIL | rejected | ignored | skip | known |")
        a("|---|---|---|---|---|---|---|---|---|")
        for label in self.labels:
            m, c = self.meta.get(label, {}), self.counts(label)
            a("| %s | %s | %s | %d | %d | %d | %d | %d | %d |" % (
                label, m.get("mode", ""), md(m.get("version", "")), c["pass"], c["fail"],
                c["rejected-as-declared"], c["ignored-as-declared"], c["skipped"], c["known"]))
        a("")
        self.security_md(a)
        a("## Arrangements and declarations\n")
        for label in self.labels:
            m = self.meta.get(label, {})
            a("### %s\n" % label)
            a("- command: `%s` (profile `%s`), ociVersion in configs: %s, `features`: %s" % (
                m.get("command", "").strip(), m.get("profile") or "none", m.get("ociVersion", "?"),
                "yes" if m.get("features") else "no"))
            if m.get("cannotRun"):
                a("- **cannot run**: %s" % md(m["cannotRun"]))
            for arr in m.get("arrangements", []):
                a("- arrangement: %s" % md(arr))
            decl = m.get("declared", [])
            for kind in ("rejected", "ignored"):
                ds = [d for d in decl if d["verdict"] == kind]
                if ds:
                    a("- declared %s (%d): %s" % (kind, len(ds), ", ".join(
                        "`%s`" % d["field"] for d in ds)))
            srcs = sorted({d["reason"] for d in decl})
            for s in srcs[:12]:
                a("  - why: %s" % md(s))
            a("")
        a("## Spec coverage\n")
        n, cov = len(self.linux_fields), len(self.covered)
        a("- config.json fields for Linux (schemas walked by scripts/spec-fields.sh): "
          "**%d of %d** have a case (%.0f%%)" % (cov, n, 100.0 * cov / n if n else 0))
        if self.uncovered:
            a("  - without a case: %s" % ", ".join("`%s`" % f for f in self.uncovered))
        other_cov = [f for f in self.other_fields if covered_by(f, self.case_fields)]
        a("- fields of other platforms: %d (cases for the sections: %d, skipped as not Linux)" % (
            len(self.other_fields), len(other_cov)))
        for doc in ("runtime.md", "runtime-linux.md", "features.md"):
            rs = [r for r in self.reqs if r["section"].startswith(doc + "#")]
            c = [r for r in rs if r["id"] in self.case_reqs]
            a("- %s requirements (conformance/report/requirements.tsv): **%d of %d** have a case" % (
                doc, len(c), len(rs)))
            for r in rs:
                if r["id"] not in self.case_reqs:
                    a("  - without a case: `%s` %s" % (r["id"], md(r["text"])))
        if self.coverage:
            a("- urun lcov coverage of runtime/ (unit tests + this suite, `make coverage`): "
              "lines %s%%, branches %s%%" % (
                  self.coverage.get("lines", {}).get("pct", "?"),
                  self.coverage.get("branches", {}).get("pct", "?")))
        else:
            a("- urun lcov coverage: not measured (no coverage/summary.json; run `make coverage`)")
        a("")
        a("## Feature matrix (config fields x runtimes)\n")
        a("Each cell aggregates the cases that name the field (a failure wins).\n")
        a("| field | section | " + " | ".join(self.labels) + " |")
        a("|---|---|" + "---|" * len(self.labels))
        for f in self.linux_fields:
            fv = self.field_verdicts(f)
            if all(v is None for v, _ in fv.values()):
                continue
            cells = []
            for label in self.labels:
                v, rs = fv[label]
                cells.append(SHORT.get(v, "") if v else "")
            a("| `%s` | %s | %s |" % (f, section_of(f), " | ".join(cells)))
        a("")
        a("## runtime.md requirements x runtimes\n")
        a("| requirement | section | " + " | ".join(self.labels) + " |")
        a("|---|---|" + "---|" * len(self.labels))
        for r in self.reqs:
            rv = self.req_verdicts(r["id"])
            cells = [SHORT.get(v, "") if v else "no case" for v, _ in rv.values()]
            a("| `%s` | %s | %s |" % (r["id"], r["section"], " | ".join(cells)))
        a("")
        a("## Cases\n")
        a("| case | title | fields | " + " | ".join(self.labels) + " |")
        a("|---|---|---|" + "---|" * len(self.labels))
        for (script, num, title), byrt in self.cases.items():
            fields = next(iter(byrt.values())).get("fields", [])
            cells = [SHORT.get(verdict_key(byrt[lb]), "") if lb in byrt else "" for lb in self.labels]
            a("| %s.%s | %s | %s | %s |" % (script, num, md(title),
                                          ", ".join("`%s`" % f for f in fields), " | ".join(cells)))
        a("")
        a(mutation_section.markdown(getattr(self, "mutation", None)))
        a("## Why: every verdict that is not a plain pass\n")
        for label in self.labels:
            a("### %s\n" % label)
            for r in self.results:
                if r["runtime"] != label or r["verdict"] == "pass":
                    continue
                a("- %s.%s %s — **%s**: %s" % (r["script"], r["num"], md(r["title"]),
                                              SHORT.get(verdict_key(r), r["verdict"]), md(r.get("reason", ""))))
            a("")
        return "\n".join(L) + "\n"

    # ------------------------------------------------------------ html

    def html(self):
        e = html.escape
        H = []
        a = H.append
        a("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
          "<title>Conformance report</title><style>%s</style></head><body>" % CSS)
        a("<h1>Conformance report: OCI runtime-spec v1.3.0 on Linux</h1>")
        for c in self.conform:
            if c:
                a("<p class=meta>run %s on <code>%s</code>, %s jobs, %.1f s; cgroups: %s</p>" % (
                    e(str(c.get("date", "?"))), e(str(c.get("host", "?"))), e(str(c.get("jobs", "?"))),
                    c.get("elapsed", 0), e(str(c.get("cgroups", "?")))))
        a("<p>Verdicts: %s</p>" % " ".join(
            "<span class='v %s'>%s %s</span>" % (k, SYMBOL[k], SHORT[k]) for k in
            ("pass", "fail", "rejected-as-declared", "ignored-as-declared", "skipped", "known")))
        a("<h2>Runtimes</h2><table><tr><th>runtime<th>mode<th>version<th>pass<th>fail"
          "<th>rejected<th>ignored<th>skip<th>known</tr>")
        for label in self.labels:
            m, c = self.meta.get(label, {}), self.counts(label)
            a("<tr><td>%s<td>%s<td>%s<td>%d<td class=%s>%d<td>%d<td>%d<td>%d<td>%d</tr>" % (
                e(label), e(m.get("mode", "")), e(m.get("version", "")), c["pass"],
                "bad" if c["fail"] else "", c["fail"], c["rejected-as-declared"],
                c["ignored-as-declared"], c["skipped"], c["known"]))
        a("</table>")
        self.security_html(a)
        a("<h2>Arrangements and declarations</h2>")
        for label in self.labels:
            m = self.meta.get(label, {})
            a("<h3>%s</h3><ul>" % e(label))
            a("<li>command: <code>%s</code> (profile <code>%s</code>), ociVersion in configs: %s, "
              "<code>features</code>: %s" % (e(m.get("command", "").strip()), e(m.get("profile") or "none"),
                                             e(m.get("ociVersion", "?")), "yes" if m.get("features") else "no"))
            if m.get("cannotRun"):
                a("<li class=bad><b>cannot run</b>: %s" % e(m["cannotRun"]))
            for arr in m.get("arrangements", []):
                a("<li>arrangement: %s" % e(arr))
            decl = m.get("declared", [])
            for kind in ("rejected", "ignored"):
                ds = [d for d in decl if d["verdict"] == kind]
                if ds:
                    a("<li><details><summary>declared %s (%d)</summary><ul>%s</ul></details>" % (
                        kind, len(ds), "".join("<li><code>%s</code>: %s" % (e(d["field"]), e(d["reason"]))
                                               for d in ds)))
            a("</ul>")
        a("<h2>Spec coverage</h2><ul>")
        n, cov = len(self.linux_fields), len(self.covered)
        a("<li>config.json fields for Linux: <b>%d of %d</b> have a case (%.0f%%)" % (
            cov, n, 100.0 * cov / n if n else 0))
        if self.uncovered:
            a("<details><summary>without a case (%d)</summary>%s</details>" % (
                len(self.uncovered), ", ".join("<code>%s</code>" % e(f) for f in self.uncovered)))
        a("<li>fields of other platforms: %d (skipped as not Linux)" % len(self.other_fields))
        for doc in ("runtime.md", "runtime-linux.md", "features.md"):
            rs = [r for r in self.reqs if r["section"].startswith(doc + "#")]
            c = [r for r in rs if r["id"] in self.case_reqs]
            a("<li>%s requirements: <b>%d of %d</b> have a case" % (e(doc), len(c), len(rs)))
        if self.coverage:
            a("<li>urun lcov coverage of runtime/: lines %s%%, branches %s%%" % (
                e(str(self.coverage.get("lines", {}).get("pct", "?"))),
                e(str(self.coverage.get("branches", {}).get("pct", "?")))))
        else:
            a("<li>urun lcov coverage: not measured (no coverage/summary.json)")
        a("</ul>")
        a("<h2>Feature matrix</h2><p>Cells aggregate the cases naming the field; hover for the cases.</p>")
        a("<table class=matrix><tr><th>field<th>section" + "".join("<th>%s" % e(lb) for lb in self.labels) + "</tr>")
        for f in self.linux_fields:
            fv = self.field_verdicts(f)
            if all(v is None for v, _ in fv.values()):
                a("<tr><td><code>%s</code><td>%s%s</tr>" % (
                    e(f), e(section_of(f)), "<td class=none>no case" * len(self.labels)))
                continue
            a("<tr><td><code>%s</code><td>%s" % (e(f), e(section_of(f))))
            for label in self.labels:
                v, rs = fv[label]
                tip = "\n".join("%s.%s %s: %s %s" % (r["script"], r["num"], r["title"], r["verdict"],
                                                    r.get("reason", "")) for r in rs)
                a("<td class='v %s' title='%s'>%s</td>" % (v or "none", e(tip, quote=True),
                                                           (SYMBOL.get(v, "") + " " + SHORT.get(v, "")) if v else ""))
            a("</tr>")
        a("</table>")
        a("<h2>Requirements (runtime.md, runtime-linux.md, features.md)</h2>")
        a("<table class=matrix><tr><th>id<th>requirement" + "".join("<th>%s" % e(lb) for lb in self.labels) + "</tr>")
        for r in self.reqs:
            rv = self.req_verdicts(r["id"])
            a("<tr><td><code>%s</code><td>%s" % (e(r["id"]), e(r["text"])))
            for label in self.labels:
                v, rs = rv[label]
                tip = "\n".join("%s.%s %s: %s" % (x["script"], x["num"], x["title"], x["verdict"]) for x in rs)
                a("<td class='v %s' title='%s'>%s</td>" % (v or "none", e(tip, quote=True),
                                                           SHORT.get(v, "") if v else "no case"))
            a("</tr>")
        a("</table>")
        a("<h2>Cases</h2><table class=matrix><tr><th>case<th>title" +
          "".join("<th>%s" % e(lb) for lb in self.labels) + "</tr>")
        for (script, num, title), byrt in self.cases.items():
            fields = next(iter(byrt.values())).get("fields", [])
            a("<tr><td>%s.%s<td>%s%s" % (e(script), num, e(title), (
                "<br><small>%s</small>" % e(", ".join(fields))) if fields else ""))
            for label in self.labels:
                r = byrt.get(label)
                if not r:
                    a("<td>")
                    continue
                v = verdict_key(r)
                reason = r.get("reason", "")
                a("<td class='v %s'>%s%s</td>" % (v, SYMBOL.get(v, "") + " " + SHORT.get(v, v), (
                    "<details><summary>why</summary>%s</details>" % e(reason)) if reason else ""))
            a("</tr>")
        a("</table>%s</body></html>" % mutation_section.html_section(getattr(self, "mutation", None)))
        return "".join(H)

    # ------------------------------------------------------------ junit

    def junit(self):
        suites = ET.Element("testsuites", name="conform")
        for label in self.labels:
            rs = [r for r in self.results if r["runtime"] == label]
            s = ET.SubElement(suites, "testsuite", name=label, tests=str(len(rs)),
                              failures=str(sum(1 for r in rs if r["verdict"] == "fail" and not r.get("known"))),
                              skipped=str(sum(1 for r in rs if r["verdict"] == "skipped")),
                              time="%.3f" % sum(float(r.get("time", 0)) for r in rs))
            for r in rs:
                tc = ET.SubElement(s, "testcase", classname="%s.%s" % (label, r["script"]),
                                   name="%s %s" % (r["num"], r["title"]), time=str(r.get("time", 0)))
                if r["verdict"] == "fail" and not r.get("known"):
                    f = ET.SubElement(tc, "failure", message=r.get("reason", ""))
                    f.text = r.get("reason", "")
                elif r["verdict"] == "skipped" or r.get("known"):
                    ET.SubElement(tc, "skipped", message=r.get("reason", ""))
                elif r["verdict"] != "pass":
                    so = ET.SubElement(tc, "system-out")
                    so.text = "%s: %s" % (r["verdict"], r.get("reason", ""))
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def md(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#eee;position:sticky;top:0}
code{font-size:12px}
.meta{color:#555}
.v.pass{background:#d9f2d9}.v.fail,.bad{background:#f8d0d0}
.v.rejected-as-declared{background:#dde6fa}.v.ignored-as-declared{background:#f3ecd2}
.v.skipped{background:#eee;color:#666}.v.known{background:#f3dcf2}.none{color:#aaa}
span.v{padding:1px 6px;margin-right:4px;border-radius:3px}
details summary{cursor:pointer;color:#336}
.sec.defended{background:#d9f2d9}.sec.hole{background:#f8d0d0;font-weight:bold}
.sec.skipped{background:#eee;color:#666}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--junit-only", action="store_true")
    ap.add_argument("--coverage", default=os.path.join(TOP, "coverage", "summary.json"))
    ap.add_argument("--mutation", default=os.path.join(CONFORM, "out", "mutation", "results.json"))
    ap.add_argument("results", nargs="+")
    args = ap.parse_args()
    conform, runtimes, results = load(args.results)
    coverage = None
    if os.path.exists(args.coverage):
        try:
            with open(args.coverage, encoding="utf-8") as f:
                coverage = json.load(f)
        except (OSError, ValueError):
            coverage = None
    os.makedirs(args.out, exist_ok=True)
    rep = Report(conform, runtimes, results, coverage)
    rep.mutation = mutation_section.load(args.mutation)
    merged = os.path.join(args.out, "results.json")
    if len(args.results) > 1 or os.path.abspath(args.results[0]) != os.path.abspath(merged):
        with open(merged, "w", encoding="utf-8") as f:
            json.dump({"conform": conform[0] if len(conform) == 1 else conform,
                       "runtimes": runtimes, "results": results}, f, indent=1)
            f.write("\n")
    with open(os.path.join(args.out, "junit.xml"), "w", encoding="utf-8") as f:
        f.write(rep.junit())
    if args.junit_only:
        return 0
    with open(os.path.join(args.out, "report.md"), "w", encoding="utf-8") as f:
        f.write(rep.markdown())
    with open(os.path.join(args.out, "report.html"), "w", encoding="utf-8") as f:
        f.write(rep.html())
    print("report: %s/report.html, report.md, junit.xml (%d results, %d runtimes)" % (
        args.out, len(results), len(rep.labels)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
