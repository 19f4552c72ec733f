//===- ConcurrentIterationMutationCheck.h ----------------------*- C++ -*-===//

#ifndef MAPGUARD_CHECKS_CONCURRENTITERATIONMUTATIONCHECK_H
#define MAPGUARD_CHECKS_CONCURRENTITERATIONMUTATIONCHECK_H

#include "LockSet.h"
#include "MapTypesOption.h"
#include "ThreadContext.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <memory>

namespace clang::tidy::mapguard {

/// Finds a map iterated in one thread context while another context may
/// mutate it with no mutex held by both sides (exclusively at the
/// mutation), a mutation made under only a reader lock of the mutex that
/// guards the map's iterations, and a member function that hands out a
/// reference to a map that the class mutates under its mutex.
///
/// For the user-facing documentation see
/// docs/checks/concurrent-iteration-mutation.md.
class ConcurrentIterationMutationCheck : public ClangTidyCheck {
public:
  ConcurrentIterationMutationCheck(StringRef Name, ClangTidyContext *Context);
  ~ConcurrentIterationMutationCheck() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

  struct Analysis;

private:
  MapTypesOption MapTypes;
  const std::string MutexTypes;
  const std::string GuardTypes;
  const std::string ThreadEntryFunctions;
  const bool ClassOwnsMutexRule;
  const bool ReportEscapingReferences;
  ::mapguard::analysis::LockTypeRegistry LockTypes;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_CONCURRENTITERATIONMUTATIONCHECK_H
