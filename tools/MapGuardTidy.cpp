//===- MapGuardTidy.cpp - clang-tidy with the mapguard checks linked in ---===//
//
// Debian's clang-tidy driver (clangTidyMain) plus the statically linked
// mapguard module: for places that cannot load the plugin (a statically
// linked or differently built clang-tidy). Everything else is clang-tidy's.
//
//===----------------------------------------------------------------------===//

#include "ResourceDir.h"
#include "clang-tidy/tool/ClangTidyMain.h"
#include <string>
#include <vector>

int main(int Argc, const char **Argv) {
  std::optional<std::string> ResourceDir =
      mapguard::tools::fallbackResourceDir(Argv[0]);
  if (!ResourceDir || mapguard::tools::hasResourceDirArgument(Argc, Argv))
    return clang::tidy::clangTidyMain(Argc, Argv);

  // Prepended to every compile command, so a -resource-dir in the
  // compilation database or in a later --extra-arg still wins.
  std::string Extra = "--extra-arg-before=-resource-dir=" + *ResourceDir;
  std::vector<const char *> Args(Argv, Argv + Argc);
  Args.insert(Args.begin() + 1, Extra.c_str());
  Args.push_back(nullptr);
  return clang::tidy::clangTidyMain(static_cast<int>(Args.size()) - 1,
                                    Args.data());
}
