#!/usr/bin/env python3
"""Runs one MapGuard check over a test file and verifies its output.

Usage (from lit):
  %check_mapguard [options] <file> <check-name> <temp> [-- <tidy args> [-- <clang args>]]

Options:
  -std=<std>               e.g. c++17, or c++17-or-later (reruns per standard)
  -check-suffix=A / -check-suffixes=A,B   check CHECK-MESSAGES-A and
                           CHECK-MESSAGES-B (likewise NOTES, FIXES) in this
                           run; an empty item keeps the unsuffixed prefix
  -expect-clang-tidy-error clang-tidy is expected to fail

Expectations in the test file:
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: ... [check-name]
      the warnings (and any notes written out) in clang-tidy's output; every
      other warning or error is a failure.
  // CHECK-NOTES: ...   like CHECK-MESSAGES, but every note must be written out too.
  // CHECK-FIXES: ...   lines of the file after clang-tidy applied the fixes.
A run with no expectation for its prefixes must produce no warning at all.

The expectation comments are blanked (keeping '//' so line numbers hold) in
a copy that clang-tidy runs on with -fix; tests compile against the real
standard library (libstdc++, or libc++ with --stdlib=libc++).
"""

import argparse
import os
import re
import shlex
import subprocess
import sys

STANDARDS = ["c++11", "c++14", "c++17", "c++20", "c++23"]


def expand_std(spec):
    if spec.endswith("-or-later"):
        first = spec[: -len("-or-later")]
        if first not in STANDARDS:
            sys.exit("unknown standard in -std=%s" % spec)
        return STANDARDS[STANDARDS.index(first):]
    return [spec]


def split_dashes(args):
    """Splits [a, --, b, --, c] into ([a], [b], [c])."""
    groups = [[]]
    for arg in args:
        if arg == "--" and len(groups) < 3:
            groups.append([])
        else:
            groups[-1].append(arg)
    while len(groups) < 3:
        groups.append([])
    return groups


def run(cmd, **kwargs):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kwargs)


class Prefixes:
    """The FileCheck prefixes of one run: one per suffix, used together."""

    def __init__(self, text, suffixes):
        def has(prefix):
            return re.search(r"\b" + re.escape(prefix) + r"(-NOT|-NEXT|-SAME|-DAG)?:",
                             text) is not None

        self.messages, self.notes, self.fixes = [], [], []
        for suffix in suffixes:
            tail = "-" + suffix if suffix else ""
            messages, notes, fixes = ("CHECK-MESSAGES" + tail, "CHECK-NOTES" + tail,
                                      "CHECK-FIXES" + tail)
            if has(messages) and has(notes):
                sys.exit("%s and %s cannot be used together" % (messages, notes))
            if has(messages):
                self.messages.append(messages)
            if has(notes):
                self.notes.append(notes)
            if has(fixes):
                self.fixes.append(fixes)
        if self.messages and self.notes:
            sys.exit("mixing CHECK-MESSAGES and CHECK-NOTES across suffixes is not supported")


def blank_expectations(text):
    return re.sub(r"//\s*CHECK-[A-Z0-9-]*:.*$", "//", text, flags=re.M)


def filecheck(filecheck_bin, check_file, input_text, prefixes, extra):
    cmd = [filecheck_bin, check_file, "--check-prefixes=" + ",".join(prefixes),
           "--dump-input=fail"] + extra
    result = subprocess.run(cmd, input=input_text, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, universal_newlines=True)
    if result.returncode != 0:
        print("FileCheck failed: " + " ".join(shlex.quote(c) for c in cmd))
        print(result.stdout)
        return False
    return True


def run_once(opts, std, suffixes, text, tidy_args, clang_args):
    prefixes = Prefixes(text, suffixes)
    ext = os.path.splitext(opts.input)[1] or ".cpp"
    tag = ("-".join(s or "base" for s in suffixes)) + "-" + std.replace("+", "x")
    temp = "%s.%s%s" % (opts.temp, tag, ext)
    os.makedirs(os.path.dirname(os.path.abspath(temp)), exist_ok=True)
    with open(temp, "w") as f:
        f.write(blank_expectations(text))

    if not any(a.startswith("-config") or a.startswith("--config") for a in tidy_args):
        tidy_args = ["--config={}"] + tidy_args
    compile_args = ["-std=" + std] + opts.stdlib_flags + clang_args
    cmd = ([opts.clang_tidy, "--load=" + opts.plugin, temp, "-fix",
            "--checks=-*," + opts.check_name] + tidy_args + ["--"] + compile_args)
    result = run(cmd)
    output = result.stdout
    print("Running: " + " ".join(shlex.quote(c) for c in cmd))
    print("------------------------ clang-tidy output -------------------------")
    print(output)

    if opts.expect_error:
        if result.returncode == 0:
            print("clang-tidy was expected to fail but exited 0")
            return False
    elif result.returncode != 0:
        print("clang-tidy exited with %d" % result.returncode)
        return False

    ok = True
    if prefixes.notes:
        filtered = "\n".join(l for l in output.splitlines()
                             if "FIX-IT applied suggested code changes" not in l)
        ok &= filecheck(opts.filecheck, opts.input, filtered, prefixes.notes,
                        ["-implicit-check-not={{note|warning|error}}:"])
    elif prefixes.messages:
        ok &= filecheck(opts.filecheck, opts.input, output, prefixes.messages,
                        ["-implicit-check-not={{warning|error}}:"])
    elif not opts.expect_error:
        if re.search(r"\b(warning|error):", output):
            print("expected no warning (no CHECK-MESSAGES for suffixes %s)" % suffixes)
            ok = False

    if prefixes.fixes:
        with open(temp) as f:
            fixed = f.read()
        ok &= filecheck(opts.filecheck, opts.input, fixed, prefixes.fixes,
                        ["--match-full-lines"])
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--filecheck", default="FileCheck")
    parser.add_argument("--stdlib", default="libstdc++", choices=["libstdc++", "libc++"])
    parser.add_argument("-std", default="c++17")
    parser.add_argument("-check-suffix", "-check-suffixes", dest="suffixes", default="")
    parser.add_argument("-expect-clang-tidy-error", dest="expect_error", action="store_true")
    parser.add_argument("input")
    parser.add_argument("check_name")
    parser.add_argument("temp")
    own, rest = [], []
    argv = sys.argv[1:]
    if "--" in argv:
        at = argv.index("--")
        own, rest = argv[:at], argv[at + 1:]
    else:
        own = argv
    opts = parser.parse_args(own)
    tidy_args, clang_args, _ = split_dashes(rest)
    opts.stdlib_flags = ["-stdlib=libc++"] if opts.stdlib == "libc++" else []

    with open(opts.input) as f:
        text = f.read()
    suffixes = opts.suffixes.split(",") if opts.suffixes else [""]
    for suffix in suffixes:
        if suffix and not re.match(r"^[A-Z0-9-]+$", suffix):
            sys.exit("invalid check suffix '%s': use A-Z, 0-9 and -" % suffix)

    ok = True
    for std in expand_std(opts.std):
        ok &= run_once(opts, std, suffixes, text, tidy_args, clang_args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
