#!/usr/bin/env python3
"""tools/mapguard-ci: findings, exit codes, SARIF 2.1.0 (validated against
the official schema and by Microsoft's SARIF Multitool), baseline, shards
and merge, --changed-since, file selection through headers."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402


def run_ci(project, *args, env=None, cwd=None):
    environment = dict(support.git_env(), MAPGUARD_TIDY=support.MAPGUARD_TIDY)
    environment.pop("MAPGUARD_PLUGIN", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, support.MAPGUARD_CI] + list(args),
                          cwd=cwd or project.root, env=environment, capture_output=True, text=True,
                          timeout=600)


def reported(output):
    """(file, line, column, check) of each warning line of the runner's output."""
    found = set()
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and " warning: " in line and line.endswith("]"):
            found.add((parts[0], int(parts[1]), int(parts[2]), line.rsplit("[", 1)[1][:-1]))
    return found


def analysed_units(stderr):
    for line in stderr.splitlines():
        if "translation units analysed" in line:
            return int(line.split()[0])
    raise AssertionError("no summary in:\n" + stderr)


class CIRunnerTest(unittest.TestCase):
    def setUp(self):
        self.project = support.Project()
        self.addCleanup(self.project.cleanup)
        self.expected = support.expected_findings(self.project.root,
                                                  support.project_files(self.project.root))
        self.tmp = tempfile.mkdtemp(prefix="mapguard-ci-out-")

    def out(self, name):
        return os.path.join(self.tmp, name)

    def assertValidSarif(self, path):
        problems = support.validate_sarif(path)
        self.assertEqual(problems, [], "SARIF %s is not valid" % path)

    def test_findings_summary_and_exit_codes(self):
        result = run_ci(self.project, "run", "-p", "build", "-j", "2")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(reported(result.stdout), self.expected)
        self.assertTrue(self.expected, "the fixture has findings")
        # A finding in a header included by two units is reported once.
        self.assertEqual(result.stdout.count("include/registry.h:11:7: warning"), 1)
        self.assertIn("is iterated here", result.stdout)  # the note
        self.assertEqual(analysed_units(result.stderr), 3)
        self.assertRegex(result.stderr, r"mapguard-mutation-during-iteration\s+2\n")
        self.assertIn("2 findings", result.stderr)

        failing = run_ci(self.project, "run", "-p", "build", "--fail-on-findings")
        self.assertEqual(failing.returncode, 1, failing.stderr)

    def test_clean_unit_passes_with_fail_on_findings(self):
        result = run_ci(self.project, "run", "-p", "build", "--fail-on-findings", "src/clean.cpp")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(reported(result.stdout), set())
        self.assertEqual(analysed_units(result.stderr), 1)

    def test_stock_clang_tidy_with_plugin_reports_the_same(self):
        result = run_ci(self.project, "run", "-p", "build", "--clang-tidy", support.STOCK_TIDY,
                        "--plugin", support.PLUGIN)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(reported(result.stdout), self.expected)

    def test_sarif_is_valid_and_complete(self):
        sarif = self.out("mapguard.sarif")
        result = run_ci(self.project, "run", "-p", "build", "--sarif", sarif)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertValidSarif(sarif)
        with open(sarif) as f:
            log = json.load(f)
        self.assertEqual(log["version"], "2.1.0")
        run = log["runs"][0]
        rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
        # One rule per enabled check, whatever checks the module has.
        listed = subprocess.run([support.MAPGUARD_TIDY, "--list-checks", "--checks=-*,mapguard-*"],
                                capture_output=True, text=True, check=True).stdout
        checks = {line.strip() for line in listed.splitlines() if line.startswith("    ")}
        self.assertTrue(checks)
        self.assertEqual(set(rules), checks)
        for check, rule in rules.items():
            page = "docs/checks/%s.md" % check[len("mapguard-"):]
            self.assertTrue(rule["helpUri"].endswith("/" + page), rule)
            self.assertIn(rule["helpUri"], rule["help"]["text"])
            if os.path.isfile(os.path.join(support.ROOT, page)):
                # The description is the page's first paragraph.
                self.assertNotIn("MapGuard check", rule["fullDescription"]["text"])
        self.assertEqual(support.sarif_results(log), self.expected)
        for result in run["results"]:
            self.assertEqual(run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"],
                             result["ruleId"])
            self.assertTrue(result["relatedLocations"], "notes become related locations")
            note = result["relatedLocations"][0]
            self.assertIn("is iterated here", note["message"]["text"])
            self.assertGreater(note["physicalLocation"]["region"]["startLine"], 0)
            self.assertIn("mapguardFingerprint/v1", result["partialFingerprints"])

    def test_analysis_error_exit_code_and_sarif_notification(self):
        self.project.write("src/broken.cpp", "int f() { return undeclared_name; }\n")
        self.project.sources.append("src/broken.cpp")
        self.project.write_compile_db()
        sarif = self.out("broken.sarif")
        result = run_ci(self.project, "run", "-p", "build", "--sarif", sarif)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("could not be analysed", result.stderr)
        self.assertIn("undeclared_name", result.stderr)
        with open(sarif) as f:
            invocation = json.load(f)["runs"][0]["invocations"][0]
        self.assertFalse(invocation["executionSuccessful"])
        self.assertValidSarif(sarif)
        ignored = run_ci(self.project, "run", "-p", "build", "--ignore-analysis-errors")
        self.assertEqual(ignored.returncode, 0, ignored.stderr)

    def test_usage_errors(self):
        self.assertEqual(run_ci(self.project, "run", "-p", "nowhere").returncode, 2)
        self.assertEqual(run_ci(self.project, "run", "-p", "build", "--shard", "3/2").returncode, 2)
        missing_tool = run_ci(self.project, "run", "-p", "build",
                              env={"MAPGUARD_TIDY": "/nonexistent/mapguard-tidy"})
        self.assertEqual(missing_tool.returncode, 2)

    def test_baseline_suppresses_known_findings_across_unrelated_edits(self):
        baseline = self.out("baseline.json")
        first = run_ci(self.project, "run", "-p", "build", "--write-baseline", baseline)
        self.assertEqual(first.returncode, 0, first.stderr)
        with open(baseline) as f:
            self.assertEqual(len(json.load(f)["findings"]), len(self.expected))

        # Unrelated edits move the findings to other lines.
        buggy = self.project.read("src/buggy.cpp")
        self.project.write("src/buggy.cpp", "// A comment.\n\n#include <vector>\n" + buggy)
        header = self.project.read("include/registry.h")
        self.project.write("include/registry.h",
                           header.replace("// Forgets", "// Unrelated.\n// Forgets"))
        sarif = self.out("baselined.sarif")
        quiet = run_ci(self.project, "run", "-p", "build", "--baseline", baseline,
                       "--fail-on-findings", "--sarif", sarif)
        self.assertEqual(quiet.returncode, 0, quiet.stdout + quiet.stderr)
        self.assertEqual(reported(quiet.stdout), set())
        self.assertIn("2 more in the baseline", quiet.stderr)
        with open(sarif) as f:
            self.assertEqual(json.load(f)["runs"][0]["results"], [])

        # A new finding of the same kind in the same file is reported.
        self.project.write("src/buggy.cpp", self.project.read("src/buggy.cpp") + (
            "\nvoid clearInLoop(std::map<int, int> &counts) {\n"
            "  for (auto &entry : counts)\n"
            "    counts.clear(); // FINDING(mapguard-mutation-during-iteration)\n"
            "}\n"))
        new = run_ci(self.project, "run", "-p", "build", "--baseline", baseline,
                     "--fail-on-findings", "--sarif", sarif)
        self.assertEqual(new.returncode, 1, new.stderr)
        self.assertEqual(len(reported(new.stdout)), 1)
        self.assertIn("'counts'", new.stdout)
        with open(sarif) as f:
            results = json.load(f)["runs"][0]["results"]
        self.assertEqual([r["baselineState"] for r in results], ["new"])
        self.assertValidSarif(sarif)

    def test_shards_partition_the_units_and_merge_to_the_full_result(self):
        full = self.out("full.sarif")
        self.assertEqual(run_ci(self.project, "run", "-p", "build", "--sarif", full).returncode, 0)
        shards, units = [], 0
        for k in (1, 2):
            shard = self.out("shard-%d.sarif" % k)
            result = run_ci(self.project, "run", "-p", "build", "--shard", "%d/2" % k,
                            "--sarif", shard)
            self.assertEqual(result.returncode, 0, result.stderr)
            units += analysed_units(result.stderr)
            self.assertValidSarif(shard)
            shards.append(shard)
        self.assertEqual(units, 3, "every unit in exactly one shard")
        merged = self.out("merged.sarif")
        result = run_ci(self.project, "merge", "-o", merged, *shards)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertValidSarif(merged)
        with open(full) as f, open(merged) as g:
            full_log, merged_log = json.load(f), json.load(g)
        self.assertEqual(support.sarif_results(merged_log), support.sarif_results(full_log))
        self.assertEqual(len(merged_log["runs"][0]["results"]),
                         len(full_log["runs"][0]["results"]))
        failing = run_ci(self.project, "merge", "-o", merged, "--fail-on-findings", *shards)
        self.assertEqual(failing.returncode, 1)

    def test_changed_since_selects_changed_units_and_includers_of_changed_headers(self):
        nothing = run_ci(self.project, "run", "-p", "build", "--changed-since", "HEAD")
        self.assertEqual(nothing.returncode, 0, nothing.stderr)
        self.assertEqual(analysed_units(nothing.stderr), 0)

        self.project.write("src/clean.cpp", self.project.read("src/clean.cpp") + "\n// edited\n")
        one = run_ci(self.project, "run", "-p", "build", "--changed-since", "HEAD")
        self.assertEqual(analysed_units(one.stderr), 1)
        self.assertEqual(reported(one.stdout), set())

        support.run_git(self.project.root, "commit", "-q", "-am", "edit clean.cpp")
        header = self.project.read("include/registry.h")
        self.project.write("include/registry.h", header + "\n// edited\n")
        includers = run_ci(self.project, "run", "-p", "build", "--changed-since", "HEAD~1")
        # clean.cpp (committed since HEAD~1) and both includers of registry.h.
        self.assertEqual(analysed_units(includers.stderr), 3)
        only_header = run_ci(self.project, "run", "-p", "build", "--changed-since", "HEAD",
                             "--only-touched-files")
        self.assertEqual(analysed_units(only_header.stderr), 2)
        self.assertEqual({f[0] for f in reported(only_header.stdout)}, {"include/registry.h"})

    def test_header_argument_selects_its_includers(self):
        result = run_ci(self.project, "run", "-p", "build", "include/registry.h")
        self.assertEqual(analysed_units(result.stderr), 2)


if __name__ == "__main__":
    unittest.main()
