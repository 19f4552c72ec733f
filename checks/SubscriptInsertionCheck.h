//===- SubscriptInsertionCheck.h -------------------------------*- C++ -*-===//

#ifndef MAPGUARD_CHECKS_SUBSCRIPTINSERTIONCHECK_H
#define MAPGUARD_CHECKS_SUBSCRIPTINSERTIONCHECK_H

#include "LockSet.h"
#include "MapTypesOption.h"
#include "MethodEffects.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/StringSet.h"
#include <string>

namespace clang::tidy::mapguard {

/// Finds `m[k]` on a map whose result is only read: on a missing key the
/// subscript inserts a default element, a write that allocates, may rehash,
/// and races with concurrent readers. Gives extra weight to reads under a
/// shared (reader) lock, inside a loop over the same map, and in functions
/// that never otherwise mutate it.
///
/// For the user-facing documentation see docs/checks/subscript-insertion.md.
class SubscriptInsertionCheck : public ClangTidyCheck {
public:
  SubscriptInsertionCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override {
    Effects.clear();
    Locks.clear();
  }
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

private:
  struct Candidate;
  struct Usage;
  bool hasIdiomaticMappedType(const CXXOperatorCallExpr *Subscript) const;
  void weighInLoop(Candidate &C) const;
  void weighByLocks(Candidate &C);
  void weighByOtherMutations(const Stmt *Body,
                             llvm::MutableArrayRef<Candidate> Candidates);
  void report(const Candidate &C, const ASTContext &Ctx);

  MapTypesOption MapTypes;
  const std::string IdiomaticMappedTypesRaw;
  llvm::StringSet<> IdiomaticMappedTypes;
  ::mapguard::analysis::MethodEffects Effects;
  const std::string MutexTypesRaw;
  const std::string GuardTypesRaw;
  ::mapguard::analysis::LockTypeRegistry LockTypes;
  ::mapguard::analysis::LockSetAnalysis Locks;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_SUBSCRIPTINSERTIONCHECK_H
