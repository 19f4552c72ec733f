//===- MutationDuringIterationCheck.cpp -----------------------------------===//

#include "MutationDuringIterationCheck.h"
#include "ContainerSemantics.h"
#include "Iteration.h"
#include "MapAccess.h"
#include "MapIdentity.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;
using namespace ::mapguard::analysis;

namespace clang::tidy::mapguard {

namespace {

/// Why a mutation breaks the loop; selects the message.
enum class Hazard {
  RemovesCurrent,    ///< erases the element the loop's iterator points to
  MayRemoveCurrent,  ///< erases an element that may be the current one
  MayRehash,         ///< may rehash and invalidate every iterator
  InvalidatesAll,    ///< invalidates every iterator
  Rebinds,           ///< moves the elements into another map (swap)
};

bool isEraseLike(Operation Op) {
  switch (Op) {
  case Operation::EraseKey:
  case Operation::EraseIterator:
  case Operation::EraseRange:
  case Operation::ExtractKey:
  case Operation::ExtractIterator:
    return true;
  default:
    return false;
  }
}

/// Insertions that leave the map unchanged in size when the key exists.
bool insertsOnlyIfMissing(Operation Op) {
  return Op == Operation::Subscript || Op == Operation::TryEmplace ||
         Op == Operation::InsertOrAssign;
}

/// Everything the verdict depends on, for a direct mutation or one made by
/// a member function called in the loop.
struct MutationFacts {
  Family FamilyId;
  Operation Op;
  /// How the operation's first argument relates to the current element.
  ElementUse FirstArg = ElementUse::Unrelated;
  /// Whether any argument denotes the current iterator (erase ranges).
  bool AnyArgIsCurrentIterator = false;
  bool ResultReseatsIterator = false;
  bool LeavesOrReseatsAfter = false;
};

std::optional<Hazard> judge(const MutationFacts &Facts,
                            bool ReportUncertainErase) {
  if (Facts.LeavesOrReseatsAfter)
    return std::nullopt;
  switch (effectOf(Facts.FamilyId, Facts.Op).Invalidates) {
  case Invalidation::None:
    return std::nullopt;
  case Invalidation::Element:
    if (Facts.ResultReseatsIterator)
      return std::nullopt; // it = m.erase(it)
    if (Facts.FirstArg == ElementUse::CurrentIterator ||
        Facts.FirstArg == ElementUse::CurrentKey ||
        (Facts.Op == Operation::EraseRange && Facts.AnyArgIsCurrentIterator))
      return Hazard::RemovesCurrent;
    if (Facts.FirstArg == ElementUse::AdvancedIterator)
      return std::nullopt; // m.erase(it++) on a node-based map
    if (ReportUncertainErase)
      return Hazard::MayRemoveCurrent;
    return std::nullopt;
  case Invalidation::AllIfRehash:
  case Invalidation::All:
    if (isEraseLike(Facts.Op) && Facts.ResultReseatsIterator)
      return std::nullopt; // the returned iterator is valid
    if (insertsOnlyIfMissing(Facts.Op) &&
        Facts.FirstArg == ElementUse::CurrentKey)
      return std::nullopt; // the key exists: nothing is inserted
    return effectOf(Facts.FamilyId, Facts.Op).Invalidates ==
                   Invalidation::AllIfRehash
               ? Hazard::MayRehash
               : Hazard::InvalidatesAll;
  case Invalidation::Rebinds:
    return Hazard::Rebinds;
  }
  return std::nullopt;
}

MutationFacts factsFor(const MapLoop &Loop, Family FamilyId, Operation Op,
                       llvm::ArrayRef<const Expr *> Args,
                       llvm::ArrayRef<const Stmt *> Ancestors,
                       bool ResultMayReseat) {
  MutationFacts Facts{FamilyId, Op};
  if (!Args.empty())
    Facts.FirstArg = elementUse(Args.front(), Loop);
  for (const Expr *Arg : Args)
    Facts.AnyArgIsCurrentIterator |=
        elementUse(Arg, Loop) == ElementUse::CurrentIterator;
  Facts.ResultReseatsIterator =
      ResultMayReseat && resultReseatsIterator(Ancestors, Loop);
  Facts.LeavesOrReseatsAfter = leavesOrReseatsAfter(Ancestors, Loop);
  return Facts;
}

bool isStandardType(const MapTypeInfo &Type) {
  return Type.Decl &&
         llvm::StringRef(qualifiedNameWithoutInlineNamespaces(Type.Decl))
             .starts_with("std::");
}

std::string adviceFor(const MapLoop &Loop, Hazard Kind, Operation Op,
                      const std::string &MapName) {
  switch (Kind) {
  case Hazard::RemovesCurrent:
  case Hazard::MayRemoveCurrent: {
    std::string Iterator =
        Loop.IteratorVar ? Loop.IteratorVar->getNameAsString() : "it";
    std::string Advice = "advance with '" + Iterator + " = " + MapName +
                         ".erase(" + Iterator + ")'";
    if (Loop.isRangeFor())
      Advice = "iterate with an explicit iterator and " + Advice;
    if (isStandardType(Loop.Type))
      Advice += ", or use std::erase_if (C++20)";
    return Advice;
  }
  case Hazard::MayRehash:
  case Hazard::InvalidatesAll:
    if (isEraseLike(Op))
      return "collect the keys and erase them after the loop";
    if (operationInfo(Op).Kind == OperationKind::Mutate &&
        Op != Operation::Clear && Op != Operation::Assign &&
        Op != Operation::Rehash && Op != Operation::Reserve)
      return "collect the new elements and insert them after the loop";
    return "leave the loop right after it, or do it after the loop";
  case Hazard::Rebinds:
    return "leave the loop right after it, or do it after the loop";
  }
  return {};
}

std::string consequence(Hazard Kind) {
  switch (Kind) {
  case Hazard::RemovesCurrent:
    return "removes the current element and invalidates the iterator of the "
           "loop over it";
  case Hazard::MayRemoveCurrent:
    return "may remove the current element and invalidate the iterator of "
           "the loop over it";
  case Hazard::MayRehash:
    return "may rehash it and invalidate the iterator of the loop over it";
  case Hazard::InvalidatesAll:
    return "invalidates the iterator of the loop over it";
  case Hazard::Rebinds:
    return "moves its elements into another map while the loop over it is "
           "running";
  }
  return {};
}

} // namespace

struct MutationDuringIterationCheck::Finding {
  SourceLocation Loc;
  Hazard Kind;
  Operation Op;
  /// Set when the mutation happens inside a member function called here.
  const CXXMethodDecl *Helper = nullptr;
  SourceLocation InnerLoc;
  /// The member function whose body holds the mutation (Helper, or one it calls).
  const CXXMethodDecl *InnerMethod = nullptr;
};

MutationDuringIterationCheck::MutationDuringIterationCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), MapTypes(*this, Options),
      ReportUncertainErase(Options.get("ReportUncertainErase", false)),
      Effects(MapTypes.registry()) {}

void MutationDuringIterationCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  MapTypes.store(Options, Opts);
  Options.store(Opts, "ReportUncertainErase", ReportUncertainErase);
}

void MutationDuringIterationCheck::registerMatchers(MatchFinder *Finder) {
  // One matcher per loop kind, so that the match finder only calls us for
  // loops instead of testing every statement.
  Finder->addMatcher(
      cxxForRangeStmt(unless(isExpansionInSystemHeader())).bind("loop"), this);
  Finder->addMatcher(forStmt(unless(isExpansionInSystemHeader())).bind("loop"),
                     this);
  Finder->addMatcher(
      whileStmt(unless(isExpansionInSystemHeader())).bind("loop"), this);
  Finder->addMatcher(doStmt(unless(isExpansionInSystemHeader())).bind("loop"),
                     this);
}

void MutationDuringIterationCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *LoopStmt = Result.Nodes.getNodeAs<Stmt>("loop");
  std::optional<MapLoop> Loop = matchMapLoop(LoopStmt, MapTypes.registry());
  if (!Loop || !Loop->Map || !Loop->Body)
    return;
  forEachStmt(Loop->Body, [&](const Stmt *S,
                              llvm::ArrayRef<const Stmt *> Ancestors) {
    if (!isa<CallExpr>(S))
      return;
    for (const MapAccess &Access : classifyAccess(S, MapTypes.registry()))
      inspectAccess(*Loop, Access, Ancestors);
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
      inspectHelperCall(*Loop, Call, Ancestors);
  });
}

void MutationDuringIterationCheck::inspectAccess(
    const MapLoop &Loop, const MapAccess &Access,
    llvm::ArrayRef<const Stmt *> Ancestors) {
  if (!Access.isMutation() || !Access.Op)
    return;
  std::optional<MapRef> Target = Access.target();
  if (!Target || *Target != *Loop.Map)
    return;
  MutationFacts Facts =
      factsFor(Loop, Access.Type.FamilyId, *Access.Op, Access.Args, Ancestors,
               /*ResultMayReseat=*/true);
  if (std::optional<Hazard> Kind = judge(Facts, ReportUncertainErase))
    report(Loop, Finding{Access.Site->getBeginLoc(), *Kind, *Access.Op,
                         nullptr, SourceLocation(), nullptr});
}

void MutationDuringIterationCheck::inspectHelperCall(
    const MapLoop &Loop, const CXXMemberCallExpr *Call,
    llvm::ArrayRef<const Stmt *> Ancestors) {
  const MapRef &Map = *Loop.Map;
  if (Map.Owner != MapOwner::Member || !Map.Path.empty() || Map.Derefs != 0)
    return;
  const CXXMethodDecl *Helper = MethodEffects::calledOnThis(Call);
  if (!Helper)
    return;
  for (const MemberMutation &Mutation : Effects.mutationsOf(Helper)) {
    if (Mutation.Field != Map.Root)
      continue;
    llvm::SmallVector<const Expr *, 1> Args;
    if (const Expr *Arg = MethodEffects::argumentFor(Call, Mutation.ArgParam))
      Args.push_back(Arg);
    MutationFacts Facts =
        factsFor(Loop, Mutation.Type.FamilyId, Mutation.Op, Args, Ancestors,
                 Mutation.ResultReturned);
    if (std::optional<Hazard> Kind = judge(Facts, ReportUncertainErase)) {
      report(Loop, Finding{Call->getBeginLoc(), *Kind, Mutation.Op, Helper,
                           Mutation.Site->getBeginLoc(), Mutation.Method});
      return; // one warning per call
    }
  }
}

void MutationDuringIterationCheck::report(const MapLoop &Loop,
                                          const Finding &F) {
  std::string MapName = Loop.Map->name();
  std::string Subject = "'" + operationInfo(F.Op).Spelling.str() + "' on '" +
                        MapName + "'";
  if (F.Helper)
    Subject += " in '" + F.Helper->getNameAsString() + "'";
  diag(F.Loc, "%0 %1") << Subject << consequence(F.Kind);
  if (F.Helper)
    diag(F.InnerLoc, "'%0' is mutated here, in '%1'", DiagnosticIDs::Note)
        << MapName
        << (F.InnerMethod ? F.InnerMethod : F.Helper)->getNameAsString();
  diag(Loop.Loop->getBeginLoc(), "'%0' is iterated here; %1",
       DiagnosticIDs::Note)
      << MapName << adviceFor(Loop, F.Kind, F.Op, MapName);
}

} // namespace clang::tidy::mapguard
