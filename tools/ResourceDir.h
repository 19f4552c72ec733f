//===- ResourceDir.h - Where the drivers find clang's builtin headers -----===//

#ifndef MAPGUARD_TOOLS_RESOURCEDIR_H
#define MAPGUARD_TOOLS_RESOURCEDIR_H

#include <optional>
#include <string>

namespace mapguard::tools {

/// Clang looks for its builtin headers (stddef.h, the intrinsics) in
/// <executable dir>/../lib/clang/<major>. For a driver run from a build tree
/// or copied to another prefix that directory does not exist; then this
/// returns the resource directory of the LLVM the driver was built against,
/// or nothing when the derived directory exists (or neither does).
std::optional<std::string> fallbackResourceDir(const char *Argv0);

/// True if one of the arguments already chooses a resource directory.
bool hasResourceDirArgument(int Argc, const char *const *Argv);

} // namespace mapguard::tools

#endif // MAPGUARD_TOOLS_RESOURCEDIR_H
