#!/usr/bin/env python3
"""mapguard-clangd as a language server over stdio: opening a file with a
MapGuard finding publishes the diagnostic with the right range, code and
note; an edit that fixes the code clears it; a correct file stays silent;
the sample .clangd (examples/editor) is what makes clangd run the checks."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from lsp_client import LspClient, uri_of  # noqa: E402

CHECK = "mapguard-mutation-during-iteration"
EXAMPLES = os.path.join(support.ROOT, "examples", "editor")


def mapguard_diagnostics(diagnostics):
    return [d for d in diagnostics if str(d.get("code", "")).startswith("mapguard-")]


class ClangdTest(unittest.TestCase):
    def setUp(self):
        self.project = support.Project(with_git=False)
        self.addCleanup(self.project.cleanup)
        for name in (".clangd", ".clang-tidy"):
            shutil.copy(os.path.join(EXAMPLES, name), self.project.root)
        self.config_home = tempfile.mkdtemp(prefix="mapguard-xdg-")  # no user config
        self.addCleanup(shutil.rmtree, self.config_home, True)

    def start(self):
        env = dict(os.environ, XDG_CONFIG_HOME=self.config_home, HOME=self.config_home)
        client = LspClient([support.MAPGUARD_CLANGD, "--log=error", "--background-index=false",
                            "--enable-config", "--clang-tidy"],
                           cwd=self.project.root, env=env,
                           stderr_path=os.path.join(self.config_home, "clangd.log"))
        client.initialize(self.project.root)
        return client

    def stop(self, client):
        self.assertEqual(client.shutdown(), 0, "clangd exits cleanly after shutdown/exit")

    def test_finding_is_published_and_cleared_by_a_fix(self):
        path = self.project.path("src/buggy.cpp")
        text = self.project.read("src/buggy.cpp")
        (_, line, column, check), = support.expected_findings(self.project.root, ["src/buggy.cpp"])
        client = self.start()
        try:
            client.open(path, text, version=1)
            _, diagnostics = client.wait_for_diagnostics(uri_of(path), version=1)
            found = mapguard_diagnostics(diagnostics)
            self.assertEqual(len(found), 1, diagnostics)
            diagnostic = found[0]
            self.assertEqual(diagnostic["code"], check)
            self.assertEqual(diagnostic["source"], "clang-tidy")
            self.assertEqual(diagnostic["severity"], 2)  # warning
            # LSP positions are 0-based; clangd underlines the token there.
            self.assertEqual(diagnostic["range"], {
                "start": {"line": line - 1, "character": column - 1},
                "end": {"line": line - 1, "character": column - 1 + len("users")}})
            self.assertIn("'erase' on 'users' removes the current element", diagnostic["message"])
            related = diagnostic.get("relatedInformation", [])
            self.assertTrue(any("'users' is iterated here" in r["message"] and
                                r["location"]["range"]["start"]["line"] == line - 3
                                for r in related), related)

            fixed = text.replace(
                "  for (auto &entry : users)\n    if (entry.second == 0)\n"
                "      users.erase(entry.first); // FINDING(mapguard-mutation-during-iteration)\n",
                "  for (auto it = users.begin(); it != users.end();) {\n"
                "    if (it->second == 0)\n      it = users.erase(it);\n"
                "    else\n      ++it;\n  }\n")
            self.assertNotEqual(fixed, text)
            client.change(path, fixed, version=2)
            _, diagnostics = client.wait_for_diagnostics(uri_of(path), version=2)
            self.assertEqual(mapguard_diagnostics(diagnostics), [], diagnostics)
            self.assertFalse([d for d in diagnostics if d.get("severity") == 1], diagnostics)

            # And breaking it again brings the diagnostic back.
            client.change(path, text, version=3)
            _, diagnostics = client.wait_for_diagnostics(uri_of(path), version=3)
            self.assertEqual(len(mapguard_diagnostics(diagnostics)), 1, diagnostics)
        finally:
            self.stop(client)

    def test_correct_code_stays_silent(self):
        client = self.start()
        try:
            for relative in ("src/clean.cpp", "src/uses_registry.cpp"):
                path = self.project.path(relative)
                client.open(path, self.project.read(relative))
                _, diagnostics = client.wait_for_diagnostics(uri_of(path), version=1)
                self.assertEqual(mapguard_diagnostics(diagnostics), [], (relative, diagnostics))
        finally:
            self.stop(client)

    def test_strict_fast_check_filter_hides_the_checks(self):
        # Without FastCheckFilter: Loose clangd skips checks it has not
        # measured, which is why the sample .clangd sets it.
        with open(self.project.path(".clangd")) as f:
            config = f.read()
        self.assertIn("FastCheckFilter: Loose", config)
        with open(self.project.path(".clangd"), "w") as f:
            f.write(config.replace("FastCheckFilter: Loose", "FastCheckFilter: Strict"))
        client = self.start()
        try:
            path = self.project.path("src/buggy.cpp")
            client.open(path, self.project.read("src/buggy.cpp"))
            _, diagnostics = client.wait_for_diagnostics(uri_of(path), version=1)
            self.assertEqual(mapguard_diagnostics(diagnostics), [], diagnostics)
        finally:
            self.stop(client)


if __name__ == "__main__":
    unittest.main()
