"""Shared pieces of the front-end tests: where the tools are, a small C++
project with known findings, and SARIF validation.

The tests run from ctest (tools/CMakeLists.txt sets MAPGUARD_BUILD_DIR,
MAPGUARD_LLVM_BIN and MAPGUARD_LLVM_VERSION) or by hand:
  MAPGUARD_BUILD_DIR=build python3 test/integration/test_ci_runner.py -v
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROJECT_INPUT = os.path.join(HERE, "Inputs", "project")

BUILD_DIR = os.path.abspath(os.environ.get("MAPGUARD_BUILD_DIR", os.path.join(ROOT, "build")))
LLVM_VERSION = os.environ.get("MAPGUARD_LLVM_VERSION", "19")
LLVM_BIN = os.environ.get("MAPGUARD_LLVM_BIN", "/usr/lib/llvm-%s/bin" % LLVM_VERSION)

MAPGUARD_TIDY = os.path.join(BUILD_DIR, "bin", "mapguard-tidy")
MAPGUARD_CLANGD = os.path.join(BUILD_DIR, "bin", "mapguard-clangd")
PLUGIN = os.path.join(BUILD_DIR, "lib", "MapGuardTidyPlugin.so")
STOCK_TIDY = os.path.join(LLVM_BIN, "clang-tidy")
CLANGXX = os.path.join(LLVM_BIN, "clang++")
MAPGUARD_CI = os.path.join(ROOT, "tools", "mapguard-ci")

SOURCES = ["src/buggy.cpp", "src/clean.cpp", "src/uses_registry.cpp"]
MARKER = re.compile(r"// FINDING\((?P<check>[\w.-]+)\)")

SARIF_MULTITOOL_VERSION = "5.7.0"


def git_env():
    env = dict(os.environ)
    env.update({"GIT_AUTHOR_NAME": "MapGuard Test", "GIT_AUTHOR_EMAIL": "test@mapguard.invalid",
                "GIT_COMMITTER_NAME": "MapGuard Test", "GIT_COMMITTER_EMAIL": "test@mapguard.invalid",
                "GIT_CONFIG_NOSYSTEM": "1", "HOME": env.get("MAPGUARD_TEST_HOME", env.get("HOME", "/"))})
    return env


def run_git(directory, *args):
    return subprocess.run(["git", "-C", directory] + list(args), env=git_env(), check=True,
                          capture_output=True, text=True).stdout


class Project:
    """A copy of Inputs/project in a temporary directory, with a compilation
    database in build/ and (optionally) a git repository with one commit."""

    def __init__(self, with_git=True, extra_sources=()):
        self._tmp = tempfile.TemporaryDirectory(prefix="mapguard-project-")
        self.root = os.path.realpath(self._tmp.name)
        shutil.copytree(PROJECT_INPUT, self.root, dirs_exist_ok=True)
        self.sources = list(SOURCES) + list(extra_sources)
        self.write_compile_db()
        with open(os.path.join(self.root, ".gitignore"), "w") as f:
            f.write("build/\n")
        if with_git:
            run_git(self.root, "init", "-q", "-b", "main")
            run_git(self.root, "add", ".")
            run_git(self.root, "commit", "-q", "-m", "initial")

    def write_compile_db(self):
        os.makedirs(os.path.join(self.root, "build"), exist_ok=True)
        entries = [{"directory": self.root,
                    "arguments": [CLANGXX, "-std=c++17", "-Iinclude", "-c", source,
                                  "-o", "build/%s.o" % os.path.basename(source)],
                    "file": source} for source in self.sources]
        with open(os.path.join(self.root, "build", "compile_commands.json"), "w") as f:
            json.dump(entries, f, indent=1)

    def path(self, relative):
        return os.path.join(self.root, relative)

    def read(self, relative):
        with open(self.path(relative)) as f:
            return f.read()

    def write(self, relative, text):
        os.makedirs(os.path.dirname(self.path(relative)), exist_ok=True)
        with open(self.path(relative), "w") as f:
            f.write(text)

    def cleanup(self):
        self._tmp.cleanup()


def expected_findings(root, files):
    """(file, line, column, check) of every `// FINDING(check)` marker: the
    finding is at the first non-blank character of the marked line."""
    found = set()
    for relative in files:
        with open(os.path.join(root, relative)) as f:
            for number, line in enumerate(f, 1):
                match = MARKER.search(line)
                if match:
                    column = len(line) - len(line.lstrip()) + 1
                    found.add((relative, number, column, match["check"]))
    return found


def project_files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, names in os.walk(root) if "/build" not in d + "/" and "/.git" not in d
                  for f in names if f.endswith((".cpp", ".h")))


def sarif_results(log):
    """(uri, line, column, ruleId) of every result of every run."""
    return {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["region"]["startColumn"],
             r["ruleId"])
            for run in log["runs"] for r in run.get("results", [])}


# --------------------------------------------------------------------------
# SARIF validation: Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool,
# runs offline) and, independently, python3-jsonschema against the SARIF
# 2.1.0 JSON schema that the Multitool package ships.
# --------------------------------------------------------------------------

def sarif_multitool_dir():
    explicit = os.environ.get("MAPGUARD_SARIF_MULTITOOL_DIR")
    if explicit:
        return explicit
    # Outside the build directory, so the LLVM 19 and 22 runs share one copy.
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    cache = os.path.join(cache_home, "mapguard", "sarif-multitool-" + SARIF_MULTITOOL_VERSION)
    package = os.path.join(cache, "node_modules", "@microsoft", "sarif-multitool-linux")
    if not os.path.isfile(os.path.join(package, "Sarif.Multitool")):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", cache, "--no-audit", "--no-fund",
                        "--loglevel=error", "@microsoft/sarif-multitool@" + SARIF_MULTITOOL_VERSION],
                       check=True, capture_output=True, text=True, timeout=600)
    return package


def validate_sarif(path):
    """Problems found in the SARIF file: schema violations (jsonschema) and
    the Multitool's errors and warnings. An empty list means valid."""
    import jsonschema  # python3-jsonschema
    package = sarif_multitool_dir()
    with open(os.path.join(package, "sarif-2.1.0.json")) as f:
        schema = json.load(f)
    with open(path) as f:
        log = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    problems = ["schema: %s at %s" % (e.message, "/".join(map(str, e.absolute_path)))
                for e in validator_class(schema).iter_errors(log)]

    multitool = os.path.join(package, "Sarif.Multitool")
    os.chmod(multitool, 0o755)  # npm may skip the package's chmod script
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "validation.sarif")
        result = subprocess.run([multitool, "validate", path, "-o", report],
                                capture_output=True, text=True, timeout=300,
                                env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1"))
        if result.returncode != 0 or not os.path.isfile(report):
            return problems + ["Sarif.Multitool failed: " + result.stdout + result.stderr]
        with open(report) as f:
            validation = json.load(f)
    for run in validation.get("runs", []):
        for r in run.get("results", []):
            level = r.get("level", "warning")
            if level in ("error", "warning"):
                message = r.get("message", {})
                text = message.get("text") or "%s %s" % (message.get("id"), message.get("arguments"))
                problems.append("multitool %s %s: %s" % (level, r.get("ruleId"), text))
    return problems
