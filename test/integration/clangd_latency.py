#!/usr/bin/env python3
"""Measures mapguard-clangd's diagnostics latency on real translation units:
the time from textDocument/didOpen to the first publishDiagnostics for the
file, with MapGuard's checks on and off, alternating in one run (fresh
server each time, so each measurement builds the preamble), and prints the
medians. Not a test: a measurement for docs/integration.md.

  python3 test/integration/clangd_latency.py --root COPY -p COPY/build --runs 5 COPY/lib/MapAccess.cpp

"on" enables only mapguard-* (`Checks: '-*,mapguard-*'`), "off" no check
(`Checks: '-*'`), written as ROOT/.clang-tidy: measure files under a scratch
copy (ROOT) that has no other .clang-tidy or .clangd. FastCheckFilter: Loose
comes from a user config in a temporary XDG_CONFIG_HOME.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402
from lsp_client import LspClient, uri_of  # noqa: E402

TIDY_CONFIGS = {"on": "Checks: '-*,mapguard-*'\n", "off": "Checks: '-*'\n"}
USER_CONFIG = "Diagnostics:\n  ClangTidy:\n    FastCheckFilter: Loose\n"


def measure(clangd, compile_commands_dir, path, mode, config_home, root):
    os.makedirs(os.path.join(config_home, "clangd"), exist_ok=True)
    with open(os.path.join(config_home, "clangd", "config.yaml"), "w") as f:
        f.write(USER_CONFIG)
    with open(os.path.join(root, ".clang-tidy"), "w") as f:
        f.write(TIDY_CONFIGS[mode])
    env = dict(os.environ, XDG_CONFIG_HOME=config_home)
    client = LspClient([clangd, "--log=error", "--background-index=false", "--clang-tidy",
                        "--enable-config", "--compile-commands-dir=" + compile_commands_dir],
                       env=env)
    try:
        client.initialize(os.path.dirname(path))
        with open(path) as f:
            text = f.read()
        sent = time.monotonic()
        client.open(path, text)
        arrived, diagnostics = client.wait_for_diagnostics(uri_of(path), version=1, timeout=600)
        mapguard = sum(1 for d in diagnostics if str(d.get("code", "")).startswith("mapguard-"))
        return arrived - sent, len(diagnostics), mapguard
    finally:
        client.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("-p", "--compile-commands-dir", default=support.BUILD_DIR)
    parser.add_argument("--clangd", default=support.MAPGUARD_CLANGD)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", required=True,
                        help="scratch copy of the sources; its .clang-tidy is overwritten")
    args = parser.parse_args()
    print("| translation unit | lines | checks off: median (min-max) | mapguard on: median (min-max) "
          "| difference of medians | mapguard findings |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as config_home:
        for path in args.files:
            path = os.path.abspath(path)
            times = {"on": [], "off": []}
            findings = 0
            for run in range(args.runs):
                # Alternate which mode goes first, so drifts hit both alike.
                for mode in (("on", "off") if run % 2 == 0 else ("off", "on")):
                    elapsed, _, mapguard = measure(args.clangd, args.compile_commands_dir,
                                                   path, mode, config_home, args.root)
                    times[mode].append(elapsed)
                    if mode == "on":
                        findings = mapguard
                    print("  %s %s %.3f s" % (os.path.basename(path), mode, elapsed),
                          file=sys.stderr)
            off, on = statistics.median(times["off"]), statistics.median(times["on"])
            with open(path) as f:
                lines = sum(1 for _ in f)
            print("| %s | %d | %.2f s (%.2f-%.2f) | %.2f s (%.2f-%.2f) | %+.2f s (%+.1f%%) | %d |" % (
                os.path.relpath(path, args.root), lines, off, min(times["off"]), max(times["off"]),
                on, min(times["on"]), max(times["on"]), on - off, 100 * (on - off) / off, findings))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
