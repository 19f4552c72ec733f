//===- MapTypesOption.h - The MapTypes option every check shares -*- C++ -*-===//
//
// `MapTypes` lists user map types with their semantics family
// (`my::FlatTable=flat;my::Index=node-ordered`). Every check reads it with
// getLocalOrGlobal, so one global CheckOption configures them all, and
// reports entries that do not parse through clang-tidy's configuration
// diagnostics instead of ignoring them.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_CHECKS_MAPTYPESOPTION_H
#define MAPGUARD_CHECKS_MAPTYPESOPTION_H

#include "MapTypes.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::mapguard {

class MapTypesOption {
public:
  static constexpr llvm::StringLiteral Name = "MapTypes";

  /// Reads the option of \p Check and reports bad entries through it.
  MapTypesOption(ClangTidyCheck &Check,
                 const ClangTidyCheck::OptionsView &Options);

  const ::mapguard::analysis::MapTypeRegistry &registry() const {
    return Registry;
  }
  void store(const ClangTidyCheck::OptionsView &Options,
             ClangTidyOptions::OptionMap &Opts) const;

private:
  std::string Raw;
  ::mapguard::analysis::MapTypeRegistry Registry;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_MAPTYPESOPTION_H
