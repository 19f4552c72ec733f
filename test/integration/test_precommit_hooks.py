#!/usr/bin/env python3
"""The pre-commit hooks: `.pre-commit-hooks.yaml` through Debian's pre-commit
(`pre-commit try-repo`, on the staged files of a project) and the plain git
hook tools/pre-commit (installed with one command, run by `git commit`). A
staged file with a finding fails with the finding; a clean one passes."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

HOOK = os.path.join(support.ROOT, "tools", "pre-commit")
NEW_BUG = ("\nvoid resetAll(std::map<std::string, int> &users) {\n"
           "  for (auto &entry : users)\n"
           "    users.clear();\n"
           "}\n")


class HookTestCase(unittest.TestCase):
    def setUp(self):
        self.project = support.Project()
        self.addCleanup(self.project.cleanup)
        self.home = tempfile.mkdtemp(prefix="mapguard-hook-home-")
        self.addCleanup(shutil.rmtree, self.home, True)
        self.env = dict(support.git_env(), HOME=self.home, MAPGUARD_TIDY=support.MAPGUARD_TIDY,
                        PRE_COMMIT_HOME=os.path.join(self.home, "pre-commit"),
                        PRE_COMMIT_COLOR="never")
        self.env.pop("MAPGUARD_PLUGIN", None)

    def stage(self, relative, text):
        self.project.write(relative, text)
        support.run_git(self.project.root, "add", relative)

    def append_and_stage(self, relative, text):
        self.stage(relative, self.project.read(relative) + text)

    def run_in_project(self, *command):
        return subprocess.run(list(command), cwd=self.project.root, env=self.env,
                              capture_output=True, text=True, timeout=900)


class PreCommitFrameworkTest(HookTestCase):
    def try_repo(self):
        result = self.run_in_project("pre-commit", "try-repo", support.ROOT, "mapguard")
        return result, result.stdout + result.stderr

    def test_staged_file_with_a_finding_fails_the_hook(self):
        self.append_and_stage("src/buggy.cpp", NEW_BUG)
        result, output = self.try_repo()
        self.assertEqual(result.returncode, 1, output)
        self.assertIn("MapGuard", output)
        self.assertIn("Failed", output)
        self.assertIn("src/buggy.cpp:9:7: warning: 'erase' on 'users'", output)
        self.assertIn("'clear' on 'users'", output)
        self.assertIn("[mapguard-mutation-during-iteration]", output)

    def test_staged_clean_file_passes(self):
        self.append_and_stage("src/clean.cpp", "\n// A comment.\n")
        result, output = self.try_repo()
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("Passed", output)

    def test_staged_header_is_checked_through_its_includers(self):
        self.append_and_stage("include/registry.h", "\n// A comment.\n")
        result, output = self.try_repo()
        self.assertEqual(result.returncode, 1, output)
        self.assertIn("include/registry.h:11:7: warning", output)
        # Findings in files that are not staged do not fail this commit.
        self.assertNotIn("src/buggy.cpp:9:7", output)

    def test_unstaged_bug_is_not_checked(self):
        # pre-commit stashes unstaged changes: only the staged text counts.
        self.append_and_stage("src/clean.cpp", "\n// A comment.\n")
        with open(self.project.path("src/clean.cpp"), "a") as f:
            f.write(NEW_BUG.replace("std::map<std::string, int>", "std::map<int, int>")
                    .replace("resetAll", "resetAllUnstaged"))
        result, output = self.try_repo()
        self.assertEqual(result.returncode, 0, output)


class PlainGitHookTest(HookTestCase):
    def install(self, *extra):
        return self.run_in_project(HOOK, "--install", self.project.root, *extra)

    def commit(self, message="change"):
        return self.run_in_project("git", "commit", "-q", "-m", message)

    def test_install_links_the_hook_once(self):
        result = self.install()
        self.assertEqual(result.returncode, 0, result.stderr)
        hook = os.path.join(self.project.root, ".git", "hooks", "pre-commit")
        self.assertEqual(os.path.realpath(hook), os.path.realpath(HOOK))
        again = self.install()
        self.assertEqual(again.returncode, 0)
        self.assertIn("already installed", again.stdout)

    def test_install_keeps_another_hook(self):
        hook = os.path.join(self.project.root, ".git", "hooks", "pre-commit")
        os.makedirs(os.path.dirname(hook), exist_ok=True)
        with open(hook, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        self.assertEqual(self.install().returncode, 2)
        self.assertFalse(os.path.islink(hook))
        self.assertEqual(self.install("--force").returncode, 0)
        self.assertTrue(os.path.islink(hook))

    def test_commit_with_a_finding_is_rejected_and_a_clean_one_passes(self):
        self.assertEqual(self.install().returncode, 0)
        self.append_and_stage("src/buggy.cpp", NEW_BUG)
        rejected = self.commit("add a bug")
        output = rejected.stdout + rejected.stderr
        self.assertNotEqual(rejected.returncode, 0, output)
        self.assertIn("'clear' on 'users'", output)
        self.assertIn("commit rejected", output)
        head = support.run_git(self.project.root, "rev-list", "--count", "HEAD").strip()
        self.assertEqual(head, "1")

        support.run_git(self.project.root, "reset", "-q", "--hard")
        self.append_and_stage("src/clean.cpp", "\n// A comment.\n")
        accepted = self.commit("comment")
        self.assertEqual(accepted.returncode, 0, accepted.stdout + accepted.stderr)
        head = support.run_git(self.project.root, "rev-list", "--count", "HEAD").strip()
        self.assertEqual(head, "2")

    def test_commit_without_cpp_files_does_not_run_the_checks(self):
        self.assertEqual(self.install().returncode, 0)
        self.stage("NOTES.txt", "notes\n")
        self.env["MAPGUARD_TIDY"] = "/nonexistent/mapguard-tidy"  # would fail if run
        self.assertEqual(self.commit().returncode, 0)


if __name__ == "__main__":
    unittest.main()
