#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Self-test of report.py's Security section on synthetic results.json files
(no runtime needed): python3 -B conformance/report/test_report.py"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402

# The schema walk (scripts/spec-fields.sh) is not what this tests; the command
# line test below still runs it.
report.spec_fields = lambda mode: []


def res(runtime, script, num, title, verdict, reason="", known=False):
    return {"runtime": runtime, "mode": "root", "script": script, "num": num,
            "case": "%s.%d" % (script, num), "title": title, "fields": [],
            "requirements": [], "verdict": verdict, "known": known,
            "declared": "supported", "declared_by": [], "reason": reason,
            "time": 0.1, "log": ""}


EXEC = "t9501-security-exec"
FDS = "t9502-security-fds"
MNT = "t9503-security-mounts"
RESULTS = [
    # [CVE-2019-5736]: urun holds all three, runc loses one, crun cannot run
    *[res("urun", EXEC, n, "[CVE-2019-5736] exec: attack %d" % n, "pass") for n in (1, 2, 3)],
    res("runc", EXEC, 1, "[CVE-2019-5736] exec: attack 1", "pass"),
    res("runc", EXEC, 2, "[CVE-2019-5736] exec: attack 2", "fail", "canary written"),
    res("runc", EXEC, 3, "[CVE-2019-5736] exec: attack 3", "pass"),
    *[res("crun-unprivileged", EXEC, n, "[CVE-2019-5736] exec: attack %d" % n, "skipped",
          "needs root") for n in (1, 2, 3)],
    # [CVE-2016-9962]: a known breakage is still a hole; a declared rejection defends
    res("urun", FDS, 1, "[CVE-2016-9962] fds: runtime fds", "skipped",
        "known breakage: not yet (fd 5 open)", known=True),
    res("runc", FDS, 1, "[CVE-2016-9962] fds: runtime fds", "rejected-as-declared"),
    # two tags on one test; a skip next to passes
    res("urun", MNT, 1, "[CVE-2021-30465, CVE-2019-19921] mounts: symlink swap", "pass"),
    res("urun", MNT, 2, "[CVE-2019-16884] mounts: procfs over attr", "pass"),
    res("urun", MNT, 3, "[CVE-2019-16884] mounts: procfs through a symlink", "skipped",
        "no AppArmor"),
    res("runc", MNT, 2, "[CVE-2019-16884] mounts: procfs over attr", "ignored-as-declared",
        "runc ignores it"),
    # not a security test
    res("urun", "t1000-lifecycle", 1, "create then start", "pass"),
]
RUNTIMES = [{"label": lb, "mode": "root", "version": lb + " 1.0", "command": lb, "declared": []}
            for lb in ("urun", "runc", "crun-unprivileged")]


def make_report(results):
    return report.Report([{}], RUNTIMES, results, None)


class SecuritySection(unittest.TestCase):
    def setUp(self):
        self.rep = make_report(RESULTS)
        self.rows = {tag: (cases, {lb: text for lb, (_, text, _) in cells.items()})
                     for tag, cases, cells in self.rep.security_rows()}

    def test_classes_sorted_naturally_and_untagged_left_out(self):
        self.assertEqual([t for t, _, _ in self.rep.security_rows()], [
            "CVE-2016-9962", "CVE-2019-5736", "CVE-2019-16884", "CVE-2019-19921",
            "CVE-2021-30465"])

    def test_cells(self):
        cases, cells = self.rows["CVE-2019-5736"]
        self.assertEqual(cases, ["t9501.1", "t9501.2", "t9501.3"])
        self.assertEqual(cells["urun"], "defended 3/3")
        self.assertEqual(cells["runc"], "HOLE 1/3 (t9501.2)")
        self.assertEqual(cells["crun-unprivileged"], "skipped: needs root")

    def test_known_breakage_is_a_hole_and_declared_rejection_defends(self):
        _, cells = self.rows["CVE-2016-9962"]
        self.assertEqual(cells["urun"], "HOLE 1/1 (t9502.1 known)")
        self.assertEqual(cells["runc"], "defended 1/1")
        self.assertEqual(cells["crun-unprivileged"], "")

    def test_skips_and_ignored_are_counted_apart(self):
        _, cells = self.rows["CVE-2019-16884"]
        self.assertEqual(cells["urun"], "defended 1/1, 1 skipped")
        self.assertEqual(cells["runc"], "skipped: ignored as declared: runc ignores it")

    def test_several_tags(self):
        for tag in ("CVE-2019-19921", "CVE-2021-30465"):
            cases, cells = self.rows[tag]
            self.assertEqual((cases, cells["urun"]), (["t9503.1"], "defended 1/1"))

    def test_markdown_and_html(self):
        md = self.rep.markdown()
        self.assertIn("## Security (attack classes x runtimes)", md)
        self.assertIn("| class | cases | urun | runc | crun-unprivileged |", md)
        self.assertIn("| CVE-2019-5736 | t9501.1, t9501.2, t9501.3 | defended 3/3 | "
                      "HOLE 1/3 (t9501.2) | skipped: needs root |", md)
        self.assertLess(md.index("## Security"), md.index("## Arrangements"))
        h = self.rep.html()
        self.assertIn("<h2>Security (attack classes x runtimes)</h2>", h)
        self.assertIn("<td class='sec hole' title='t9501.1 [CVE-2019-5736] exec: attack 1: pass", h)
        self.assertIn(">HOLE 1/3 (t9501.2)</td>", h)
        self.assertIn("<td class='sec defended'", h)

    def test_unprivileged_column_next_to_its_runtime(self):
        rts = [{"label": lb, "declared": []} for lb in
               ("urun", "runc", "crun", "urun-unprivileged", "runc-unprivileged")]
        rep = report.Report([{}], rts, RESULTS, None)
        self.assertEqual(rep.security_labels(), ["urun", "urun-unprivileged", "runc",
                                                 "runc-unprivileged", "crun",
                                                 "crun-unprivileged"])
        self.assertIn("| class | cases | urun | urun-unprivileged | runc | runc-unprivileged | "
                      "crun | crun-unprivileged |", rep.markdown())

    def test_no_security_case(self):
        rep = make_report([r for r in RESULTS if not r["title"].startswith("[")])
        self.assertEqual(rep.security_rows(), [])
        self.assertIn("No security case", rep.markdown())
        self.assertIn("No security case", rep.html())

    def test_command_line_merges_root_and_unprivileged_runs(self):
        with tempfile.TemporaryDirectory() as d:
            root = [r for r in RESULTS if r["runtime"] != "crun-unprivileged"]
            unpriv = [r for r in RESULTS if r["runtime"] == "crun-unprivileged"]
            for name, rs, rts in (("root", root, RUNTIMES[:2]), ("unpriv", unpriv, RUNTIMES[2:])):
                with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
                    json.dump({"conform": {}, "runtimes": rts, "results": rs}, f)
            subprocess.run([sys.executable, "-B", os.path.join(HERE, "report.py"), "--out",
                            os.path.join(d, "out"), "--coverage", os.path.join(d, "none"),
                            os.path.join(d, "root.json"), os.path.join(d, "unpriv.json")],
                           check=True, capture_output=True)
            with open(os.path.join(d, "out", "report.md"), encoding="utf-8") as f:
                md = f.read()
            self.assertIn("| CVE-2019-5736 | t9501.1, t9501.2, t9501.3 | defended 3/3 | "
                          "HOLE 1/3 (t9501.2) | skipped: needs root |", md)


if __name__ == "__main__":
    unittest.main()
