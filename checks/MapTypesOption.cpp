//===- MapTypesOption.cpp -------------------------------------------------===//

#include "MapTypesOption.h"

namespace clang::tidy::mapguard {

MapTypesOption::MapTypesOption(ClangTidyCheck &Check,
                               const ClangTidyCheck::OptionsView &Options)
    : Raw(Options.getLocalOrGlobal(Name, "").str()) {
  for (const auto &Error : Registry.addConfigured(Raw))
    Check.configurationDiag("invalid entry '%0' in option '%1': %2")
        << Error.Entry << Name << Error.Message;
}

void MapTypesOption::store(const ClangTidyCheck::OptionsView &Options,
                           ClangTidyOptions::OptionMap &Opts) const {
  Options.store(Opts, Name, Raw);
}

} // namespace clang::tidy::mapguard
