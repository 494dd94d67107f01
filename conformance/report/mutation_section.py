# SPDX-License-Identifier: MIT
"""The "Mutation score" section of the report, from the results.json that
scripts/mutation.py (make mutation) writes. Used by report.py (when the file
exists) and by mutation.py for its own summary.md."""

import html
import json
import os

STATUSES = ("killed", "survived", "timedout", "invalid", "equivalent", "stale", "error")
LABEL = {"killed": "killed", "survived": "survived", "timedout": "timed out",
         "invalid": "invalid (does not build)", "stale": "stale (snippet gone)",
         "equivalent": "equivalent (same machine code)",
         "error": "error (harness)"}


def load(path):
    """The mutation results at PATH, or None when there are none."""
    if not path or not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _md(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def _explain(r):
    e = r.get("explanation")
    if not e:
        return "UNEXPLAINED: no reason in the catalogue yet"
    return "%s: %s" % ("unobservable" if e["kind"] == "unobservable" else "harness gap", e["text"])


def _confirmed(r):
    """What a survivor passed: the whole suite, or the scripts reaching its code."""
    reach = r.get("reach") or {}
    sc = reach.get("scripts")
    if sc is None:
        return "whole suite, root and unprivileged"
    parts = []
    for mode in ("root", "unpriv"):
        names = [x.split("-")[0] for x in sc.get(mode, [])]
        parts.append("%s: %s" % (mode, "no test reaches it" if not names else
                                  ", ".join(names) if len(names) <= 8 else
                                  "%d scripts" % len(names)))
    return "the scripts reaching its code (%s marker): %s" % (reach.get("marker"), "; ".join(parts))


def _killer(r):
    k = (r.get("killed_by") or [{}])[0]
    return "%s (%s)" % (k.get("test", "?"), k.get("mode", "?")) if k else ""


def _headline(d):
    c = d["counts"]
    den = c["killed"] + c["survived"] + c["timedout"]
    return ("score **%s%%** = killed %d / (killed %d + survived %d + timed out %d = %d)" % (
        c["score"] if c["score"] is not None else "-", c["killed"], c["killed"], c["survived"],
        c["timedout"], den))


def _meta(d):
    sel = "" if d.get("complete") else " — PARTIAL selection (only=%s, area=%s)" % (
        d.get("selection", {}).get("only"), d.get("selection", {}).get("area"))
    return ("`make mutation` run %s on `%s` at commit %s: %d mutants of urun from `%s`, "
            "%.1f min on %s CPUs%s" % (d.get("date", "?"), d.get("host", "?"), d.get("commit", "?"),
                                        len(d.get("mutants", [])), d.get("catalogue", "?"),
                                        d.get("elapsed", 0) / 60.0, d.get("cpus", "?"), sel))


def markdown(d, level=2):
    """The section as markdown; LEVEL is the heading level of its title."""
    if not d:
        return ""
    h = "#" * level
    L = []
    a = L.append
    a("%s Mutation score\n" % h)
    a("- %s" % _meta(d))
    a("- %s" % _headline(d))
    c = d["counts"]
    a("- " + ", ".join("%s %d" % (LABEL[s], c.get(s, 0)) for s in STATUSES))
    a("- method: each mutant is a small bug planted in a copy of urun (one exact snippet "
      "replaced); the case scripts named for it run first, then, while it lives, every script "
      "with a test that executes the mutated code in the baseline (a probe build of urun logs "
      "which tests reach each mutant's code; where that cannot be known, the whole suite), root "
      "and unprivileged. A test kills when it fails and did not fail on the unmutated urun. "
      "Survivors confirmed by: %s." % d.get("confirmation", "whole suite"))
    a("")
    a("%s# Mutants per area\n" % h)
    a("| area | mutants | killed | survived | timed out | invalid | stale |")
    a("|---|---|---|---|---|---|---|")
    for area, x in d.get("areas", {}).items():
        a("| %s | %d | %d | %d | %d | %d | %d |" % (area, x["mutants"], x.get("killed", 0),
                                                  x.get("survived", 0), x.get("timedout", 0),
                                                  x.get("invalid", 0), x.get("stale", 0)))
    a("")
    surv = [r for r in d["mutants"] if r["status"] == "survived"]
    a("%s# Survivors (%d)\n" % (h, len(surv)))
    if surv:
        a("| mutant | area | the bug | why it survives | passed |")
        a("|---|---|---|---|---|")
        for r in surv:
            a("| `%s` | %s | %s | %s | %s |" % (r["id"], r["area"], _md(r["what"]), _md(_explain(r)),
                                               _md(_confirmed(r))))
    else:
        a("None: every mutant that ran was killed.")
    a("")
    odd = [r for r in d["mutants"] if r["status"] not in ("killed", "survived")]
    if odd:
        a("%s# Timed out, invalid, stale, errors (%d)\n" % (h, len(odd)))
        for r in odd:
            a("- `%s` (%s): **%s** %s" % (r["id"], r["area"], LABEL[r["status"]],
                                         _md(r.get("stale", "") or (r.get("build_log", "") or "")[-200:])))
        a("")
    wrong = [r for r in d["mutants"] if r["status"] == "killed" and r.get("explanation")]
    if wrong:
        a("%s# Killed although the catalogue explains them as survivors (%d)\n" % (h, len(wrong)))
        a("The catalogue entry is out of date: drop its `unobservable:`/`gap:` line.\n")
        for r in wrong:
            a("- `%s` killed by %s" % (r["id"], _killer(r)))
        a("")
    a("%s# Every mutant\n" % h)
    a("| mutant | area | file | the bug | result | first failing test |")
    a("|---|---|---|---|---|---|")
    for r in d["mutants"]:
        a("| `%s` | %s | %s | %s | %s | %s |" % (r["id"], r["area"], r["file"].split("/")[-1],
                                                _md(r["what"]), r["status"], _md(_killer(r))))
    a("")
    return "\n".join(L) + "\n"


def html_section(d):
    """The section as HTML (for report.html)."""
    if not d:
        return ""
    e = html.escape
    H = []
    a = H.append
    a("<h2>Mutation score</h2><ul>")
    a("<li>%s" % e(_meta(d)))
    a("<li>%s" % e(_headline(d)).replace("**", ""))
    c = d["counts"]
    a("<li>%s</ul>" % e(", ".join("%s %d" % (LABEL[s], c.get(s, 0)) for s in STATUSES)))
    a("<h3>Mutants per area</h3><table><tr><th>area<th>mutants<th>killed<th>survived"
      "<th>timed out<th>invalid<th>stale</tr>")
    for area, x in d.get("areas", {}).items():
        a("<tr><td>%s<td>%d<td>%d<td class=%s>%d<td>%d<td>%d<td>%d</tr>" % (
            e(area), x["mutants"], x.get("killed", 0), "bad" if x.get("survived") else "",
            x.get("survived", 0), x.get("timedout", 0), x.get("invalid", 0), x.get("stale", 0)))
    a("</table>")
    surv = [r for r in d["mutants"] if r["status"] == "survived"]
    a("<h3>Survivors (%d)</h3>" % len(surv))
    if surv:
        a("<table><tr><th>mutant<th>area<th>the bug<th>why it survives<th>passed</tr>")
        for r in surv:
            a("<tr><td><code>%s</code><td>%s<td>%s<td>%s<td><small>%s</small></tr>" % (
                e(r["id"]), e(r["area"]), e(r["what"]), e(_explain(r)), e(_confirmed(r))))
        a("</table>")
    a("<details><summary>every mutant (%d)</summary><table><tr><th>mutant<th>area<th>file"
      "<th>the bug<th>result<th>first failing test</tr>" % len(d["mutants"]))
    for r in d["mutants"]:
        cls = "pass" if r["status"] == "killed" else "fail"
        a("<tr><td><code>%s</code><td>%s<td>%s<td>%s<td class='v %s'>%s<td>%s</tr>" % (
            e(r["id"]), e(r["area"]), e(r["file"]), e(r["what"]), cls, e(r["status"]),
            e(_killer(r))))
    a("</table></details>")
    return "".join(H)
