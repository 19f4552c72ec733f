//===- MapGuardClangd.cpp - clangd with the mapguard checks linked in -----===//
//
// Stock clangd cannot load clang-tidy plugins, so editors would never show
// MapGuard's findings. This is Debian's clangd (clangdMain from
// libclang-N-dev) with the mapguard module linked in statically. clangd runs
// a clang-tidy check only if it knows the check to be fast, unless the
// configuration says `Diagnostics: ClangTidy: FastCheckFilter: Loose`
// (docs/integration.md).
//
//===----------------------------------------------------------------------===//

#include "ResourceDir.h"
#include <string>
#include <vector>

// clangd installs no headers; this is the entry point of libclangdMain.a.
namespace clang::clangd {
int clangdMain(int Argc, char *Argv[]);
} // namespace clang::clangd

int main(int Argc, char **Argv) {
  std::optional<std::string> ResourceDir =
      mapguard::tools::fallbackResourceDir(Argv[0]);
  if (!ResourceDir || mapguard::tools::hasResourceDirArgument(Argc, Argv))
    return clang::clangd::clangdMain(Argc, Argv);

  std::string Flag = "--resource-dir=" + *ResourceDir;
  std::vector<char *> Args(Argv, Argv + Argc);
  Args.insert(Args.begin() + 1, Flag.data());
  Args.push_back(nullptr);
  return clang::clangd::clangdMain(static_cast<int>(Args.size()) - 1,
                                   Args.data());
}
