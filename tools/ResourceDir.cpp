//===- ResourceDir.cpp - Where the drivers find clang's builtin headers ---===//

#include "ResourceDir.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace mapguard::tools {

std::optional<std::string> fallbackResourceDir(const char *Argv0) {
  static int AddressInThisBinary;
  std::string Executable =
      llvm::sys::fs::getMainExecutable(Argv0, &AddressInThisBinary);
  if (!Executable.empty()) {
    // The layout clang's driver derives: <bin>/../lib/clang/<major>.
    llvm::SmallString<256> Derived(llvm::sys::path::parent_path(
        llvm::sys::path::parent_path(Executable)));
    llvm::sys::path::append(Derived, "lib", "clang",
                            llvm::Twine(LLVM_VERSION_MAJOR));
    if (llvm::sys::fs::is_directory(Derived))
      return std::nullopt;
  }
  if (!llvm::sys::fs::is_directory(MAPGUARD_RESOURCE_DIR))
    return std::nullopt;
  return std::string(MAPGUARD_RESOURCE_DIR);
}

bool hasResourceDirArgument(int Argc, const char *const *Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    // --resource-dir (clangd), or -resource-dir passed on to the compiler
    // (--extra-arg=-resource-dir=..., or in a compile command after --).
    if (Arg.starts_with("-resource-dir") || Arg.starts_with("--resource-dir") ||
        Arg.contains("=-resource-dir"))
      return true;
  }
  return false;
}

} // namespace mapguard::tools
