//===- EscapingAllocationCheck.h -------------------------------*- C++ -*-===//

#ifndef MAPGUARD_CHECKS_ESCAPINGALLOCATIONCHECK_H
#define MAPGUARD_CHECKS_ESCAPINGALLOCATIONCHECK_H

#include "Escapes.h"
#include "MapTypesOption.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <string>

namespace clang::tidy::mapguard {

/// Finds map objects whose lifetime or ownership escapes the scope that owns
/// them: a local map captured by reference (or pointed to) by code that runs
/// on a thread not joined before the map's scope ends, or stored in
/// longer-lived state, or returned; and `new` of a map owned only by a raw
/// pointer.
///
/// For the user-facing documentation see docs/checks/escaping-allocation.md.
class EscapingAllocationCheck : public ClangTidyCheck {
public:
  EscapingAllocationCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

private:
  void checkFunction(const FunctionDecl *Fn, ASTContext &Context);
  void reportEscape(const ::mapguard::analysis::MapEscape &Escape);
  void reportRawOwner(const CXXNewExpr *New, const ValueDecl *Owner,
                      bool Returned);

  MapTypesOption MapTypes;
  const std::string ThreadEntryFunctionsRaw;
  ::mapguard::analysis::EscapeOptions EscapeOpts;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_ESCAPINGALLOCATIONCHECK_H
