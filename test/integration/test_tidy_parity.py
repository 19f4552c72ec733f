#!/usr/bin/env python3
"""mapguard-tidy behaves exactly like the stock clang-tidy of the same LLVM
with the plugin loaded: the same checks, the same diagnostics and exit codes
(with mapguard and stock checks together, on correct and broken code), the
same configuration; and it finds clang's builtin headers from a build tree."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

STOCK_CHECKS = "bugprone-use-after-move,performance-for-range-copy,modernize-use-nullptr"


def tidy(*args, cwd=None, plugin=False):
    command = [support.MAPGUARD_TIDY] if not plugin else [support.STOCK_TIDY, "--load=" + support.PLUGIN]
    env = dict(os.environ, CLANG_NO_DEFAULT_CONFIG="1")
    return subprocess.run(command + list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def listed_checks(output):
    return [line.strip() for line in output.splitlines() if line.startswith("    ")]


class TidyParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.project = support.Project(with_git=False)
        cls.project.write("src/stock.cpp",
                          "#include <map>\n#include <string>\n#include <utility>\n"
                          "void sink(std::string);\n"
                          "void f(std::map<int, std::string> &m) {\n"
                          "  std::string s = \"x\";\n  sink(std::move(s));\n"
                          "  s.size();\n"  # bugprone-use-after-move
                          "  for (std::pair<const int, std::string> p : m)\n"  # for-range-copy
                          "    sink(p.second);\n  int *q = 0;\n  (void)q;\n}\n")
        cls.project.write("src/broken.cpp", "#include <map>\nint g() { return missing; }\n")
        cls.project.sources += ["src/stock.cpp", "src/broken.cpp"]
        cls.project.write_compile_db()

    @classmethod
    def tearDownClass(cls):
        cls.project.cleanup()

    def test_same_checks_as_stock_clang_tidy_with_the_plugin(self):
        ours = tidy("--list-checks", "--checks=*")
        stock_with_plugin = tidy("--list-checks", "--checks=*", plugin=True)
        stock = subprocess.run([support.STOCK_TIDY, "--list-checks", "--checks=*"],
                               capture_output=True, text=True)
        self.assertEqual(ours.returncode, 0, ours.stderr)
        self.assertEqual(listed_checks(ours.stdout), listed_checks(stock_with_plugin.stdout))
        mapguard = [c for c in listed_checks(ours.stdout) if c.startswith("mapguard-")]
        self.assertIn("mapguard-mutation-during-iteration", mapguard)
        self.assertEqual(sorted(listed_checks(stock.stdout) + mapguard),
                         sorted(listed_checks(ours.stdout)))

    def test_same_diagnostics_and_exit_codes(self):
        checks = "--checks=-*,mapguard-*," + STOCK_CHECKS
        for source in self.project.sources:
            with self.subTest(source=source):
                ours = tidy("-p", "build", checks, "--header-filter=.*", source,
                            cwd=self.project.root)
                theirs = tidy("-p", "build", checks, "--header-filter=.*", source,
                              cwd=self.project.root, plugin=True)
                self.assertEqual(ours.stdout, theirs.stdout)
                self.assertEqual(ours.returncode, theirs.returncode, ours.stderr)
        buggy = tidy("-p", "build", checks, "src/buggy.cpp", cwd=self.project.root)
        self.assertIn("[mapguard-mutation-during-iteration]", buggy.stdout)
        stock = tidy("-p", "build", checks, "src/stock.cpp", cwd=self.project.root)
        for check in STOCK_CHECKS.split(","):
            self.assertIn("[%s]" % check, stock.stdout)
        broken = tidy("-p", "build", checks, "src/broken.cpp", cwd=self.project.root)
        self.assertNotEqual(broken.returncode, 0)
        self.assertIn("use of undeclared identifier 'missing'", broken.stdout)

    def test_fixes_and_warnings_as_errors_behave_the_same(self):
        checks = "--checks=-*,mapguard-*,modernize-use-nullptr"
        for plugin in (False, True):
            with self.subTest(plugin=plugin):
                result = tidy("-p", "build", checks, "--warnings-as-errors=mapguard-*",
                              "src/buggy.cpp", cwd=self.project.root, plugin=plugin)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("error: 'erase' on 'users'", result.stdout)

    def test_same_configuration(self):
        config = "--config={CheckOptions: {MapTypes: 'lib::Table=flat'}}"
        ours = tidy("--dump-config", "--checks=-*,mapguard-*", config, "src/buggy.cpp",
                    cwd=self.project.root)
        theirs = tidy("--dump-config", "--checks=-*,mapguard-*", config, "src/buggy.cpp",
                      cwd=self.project.root, plugin=True)
        self.assertEqual(ours.returncode, 0, ours.stderr)
        self.assertEqual(ours.stdout, theirs.stdout)
        self.assertIn("lib::Table=flat", ours.stdout)

    def test_builtin_headers_come_from_the_same_resource_directory(self):
        # Run from the build tree, <bin>/../lib/clang/N does not exist: the
        # driver falls back to its LLVM's resource directory, the one stock
        # clang-tidy uses (Debian's own last resort would be another path).
        self.project.write("src/builtins.cpp",
                           "#include <stddef.h>\n#include <x86intrin.h>\n"
                           "size_t f() { return sizeof(__m128); }\n")

        def builtin_include_dirs(plugin):
            result = tidy("--checks=-*,mapguard-*", "src/builtins.cpp", "--", "-std=c++17", "-v",
                          cwd=self.project.root, plugin=plugin)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            return [line.strip() for line in result.stderr.splitlines()
                    if "clang" in line and line.rstrip().endswith("/include")]

        ours = builtin_include_dirs(False)
        self.assertEqual(ours, builtin_include_dirs(True))
        self.assertEqual(len(ours), 1, ours)
        self.assertTrue(os.path.isfile(os.path.join(ours[0], "x86intrin.h")), ours)

    def test_version_names_the_llvm_it_was_built_against(self):
        result = tidy("--version")
        self.assertIn("LLVM version %s." % support.LLVM_VERSION, result.stdout)


if __name__ == "__main__":
    unittest.main()
