//===- LongLivedIterationCheck.h -------------------------------*- C++ -*-===//

#ifndef MAPGUARD_CHECKS_LONGLIVEDITERATIONCHECK_H
#define MAPGUARD_CHECKS_LONGLIVEDITERATIONCHECK_H

#include "Blocking.h"
#include "LockSet.h"
#include "MapTypesOption.h"
#include "ThreadContext.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <memory>
#include <string>

namespace mapguard::analysis {
struct MapLoop;
} // namespace mapguard::analysis

namespace clang::tidy::mapguard {

/// Finds loops over a shared map (a member, a global, a static, or an object
/// a thread reaches by reference) that stay open for long: the loop's body
/// blocks (sleeps, waits, joins, blocking I/O, another mutex) while the
/// iteration, and usually the map's lock, is held; or the loop runs inside
/// the endless loop of a thread.
///
/// For the user-facing documentation see docs/checks/long-lived-iteration.md.
class LongLivedIterationCheck : public ClangTidyCheck {
public:
  LongLivedIterationCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;
  bool isLanguageVersionSupported(const LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }

private:
  struct LoopSite;
  void inspectLoop(const LoopSite &Site, ASTContext &Context);
  ::mapguard::analysis::ThreadContexts &threads(ASTContext &Context);

  MapTypesOption MapTypes;
  const std::string BlockingFunctionsRaw;
  const unsigned BlockingCallDepth;
  const std::string ThreadEntryFunctionsRaw;
  const std::string MutexTypesRaw;
  const std::string GuardTypesRaw;
  const bool ReportEndlessLoops;

  ::mapguard::analysis::LockTypeRegistry LockTypes;
  ::mapguard::analysis::BlockingAnalysis Blocking;
  std::unique_ptr<::mapguard::analysis::LockSetAnalysis> Locks;
  std::unique_ptr<::mapguard::analysis::ThreadContexts> Threads;
};

} // namespace clang::tidy::mapguard

#endif // MAPGUARD_CHECKS_LONGLIVEDITERATIONCHECK_H
