# -*- Python -*-
# lit configuration for MapGuard's check tests. CMake writes lit.site.cfg.py
# (paths of the plugin and the LLVM tools) and loads this file from it; the
# parameters below override those paths from the command line:
#   --param plugin=PATH      the MapTypes plugin to load
#   --param llvm_bin=DIR     where clang-tidy and FileCheck live
#   --param stdlib=libc++    compile the tests against libc++ instead of libstdc++
import os
import shlex

import lit.formats

config.name = "MapGuard"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".cpp", ".c", ".test"]
# test/tsan holds programs run by scripts/test.d/40-tsan-confirmation, not lit tests.
config.excludes = ["Inputs", "unit", "tsan", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)

params = lit_config.params
plugin = params.get("plugin", getattr(config, "mapguard_plugin", ""))
llvm_bin = params.get("llvm_bin", getattr(config, "llvm_bin", "/usr/lib/llvm-19/bin"))
stdlib = params.get("stdlib", "libstdc++")
if not plugin or not os.path.exists(plugin):
    lit_config.fatal("MapGuard plugin not found: '%s' (build it, or pass --param plugin=)" % plugin)
if stdlib not in ("libstdc++", "libc++"):
    lit_config.fatal("stdlib must be libstdc++ or libc++, not '%s'" % stdlib)

config.test_exec_root = getattr(config, "test_exec_root", None) or os.path.join(
    os.path.dirname(plugin), "..", "test-output", stdlib)

clang_tidy = os.path.join(llvm_bin, "clang-tidy")
filecheck = os.path.join(llvm_bin, "FileCheck")
runner = os.path.join(config.test_source_root, "check_mapguard.py")
q = shlex.quote

config.environment["PATH"] = os.pathsep.join([llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["CLANG_NO_DEFAULT_CONFIG"] = "1"
config.substitutions.append(
    ("%check_mapguard", "python3 %s --clang-tidy=%s --plugin=%s --filecheck=%s --stdlib=%s"
     % (q(runner), q(clang_tidy), q(plugin), q(filecheck), stdlib)))
stdlib_flag = " -stdlib=libc++" if stdlib == "libc++" else ""
config.substitutions.append(("%clang_tidy", "%s --load=%s" % (q(clang_tidy), q(plugin))))
config.substitutions.append(("%stdlib_flags", stdlib_flag))
config.substitutions.append(("%plugin", q(plugin)))
config.substitutions.append(("%llvm_bin", q(llvm_bin)))
config.available_features.add("stdlib-" + stdlib)
# llvm-19, llvm-22: for the few tests whose expectations depend on clang's own
# warnings, which change between majors.
import re as _re
_major = _re.search(r"llvm-(\d+)", os.path.realpath(llvm_bin))
if _major:
    config.available_features.add("llvm-" + _major.group(1))
