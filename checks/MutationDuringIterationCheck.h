//===- MutationDuringIterationCheck.h --------------------------*- C++ -*-===//

#ifndef MAPGUARD_CHECKS_MUTATIONDURINGITERATIONCHECK_H
#define MAPGUARD_CHECKS_MUTATIONDURINGITERATIONCHECK_H

#include "MapTypesOption.h"
#include "MethodEffects.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace mapguard::analysis {
struct MapLoop;
struct MapAccess;
} // namespace mapguard::analysis

namespace clang::tidy::mapguard {

/// Finds a map mutated inside the loop that iterates it, when the container's
/// rules say the mutation invalidates the loop's iterator: erasing the
/// current element, clearing or reassigning the map, inserting into a
/// rehashing or flat map.
///
/// For the user-facing documentation see docs/checks/mutation-during-iteration.md.
class MutationDuringIterationCheck : public ClangTidyCheck {
public:
  MutationDuringIterationCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override { Effects.clear(); }
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

private:
  struct Finding;
  void inspectAccess(const ::mapguard::analysis::MapLoop &Loop,
                     const ::mapguard::analysis::MapAccess &Access,
                     llvm::ArrayRef<const Stmt *> Ancestors);
  void inspectHelperCall(const ::mapguard::analysis::MapLoop &Loop,
                         const CXXMemberCallExpr *Call,
                         llvm::ArrayRef<const Stmt *> Ancestors);
  void report(const ::mapguard::analysis::MapLoop &Loop, const Finding &F);

  MapTypesOption MapTypes;
  const bool ReportUncertainErase;
  ::mapguard::analysis::MethodEffects Effects;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_MUTATIONDURINGITERATIONCHECK_H
