//===- EscapingAllocationCheck.cpp ----------------------------------------===//

#include "EscapingAllocationCheck.h"
#include "MapAccess.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;
using namespace ::mapguard::analysis;

namespace clang::tidy::mapguard {

namespace {

bool isThreadTarget(EscapeTarget Target) {
  return Target == EscapeTarget::DetachedThread ||
         Target == EscapeTarget::UnjoinedThread ||
         Target == EscapeTarget::Task || Target == EscapeTarget::UnwaitedFuture;
}

/// "local map 'm' is captured by reference", "the address of local map 'm'
/// is passed" ...: the subject of the warning, with the verb that fits where
/// it goes.
std::string subjectOf(const MapEscape &E) {
  std::string Map = "local map '" + E.Map->getNameAsString() + "'";
  bool Thread = isThreadTarget(E.Target);
  bool Returned = E.Target == EscapeTarget::Returned;
  switch (E.Handle) {
  case EscapeHandle::CapturedByReference:
    return Map + " is captured by reference by " +
           (Thread ? "code run " : Returned ? "a returned lambda" : "a lambda stored ");
  case EscapeHandle::CapturedPointer:
    return "a pointer to " + Map + " is captured by " +
           (Thread ? "code run " : Returned ? "a returned lambda" : "a lambda stored ");
  case EscapeHandle::Address:
    return "the address of " + Map +
           (Thread ? " is passed to code run " : Returned ? " is returned" : " is stored ");
  case EscapeHandle::ReferenceWrapper:
    return "a reference to " + Map +
           (Thread ? " is passed to code run " : Returned ? " is returned" : " is stored ");
  }
  return Map;
}

std::string whereOf(const MapEscape &E) {
  std::string Map = "'" + E.Map->getNameAsString() + "'";
  std::string Name = "'" + E.TargetName + "'";
  std::string Element = E.IntoContainer ? "an element of " : "";
  switch (E.Target) {
  case EscapeTarget::DetachedThread:
    return "on a detached thread, which may still use " + Map +
           " after it is destroyed";
  case EscapeTarget::UnjoinedThread:
    if (E.TargetName.empty())
      return "on a thread that is not joined before " + Map +
             " goes out of scope";
    return "on " + (E.IntoContainer ? "the threads of " : std::string("thread ")) +
           Name + ", which " + (E.IntoContainer ? "are" : "is") +
           " not joined before " + Map + " goes out of scope";
  case EscapeTarget::Task:
    return "as a task handed to '" + E.EntryName +
           "', which may run after " + Map + " goes out of scope";
  case EscapeTarget::UnwaitedFuture:
    return "with 'std::async' whose future " +
           (E.TargetName.empty() ? std::string() : Name + " ") +
           "is not waited for before " + Map + " goes out of scope";
  case EscapeTarget::Member:
    return "in " + Element + "member " + Name + ", which outlives it";
  case EscapeTarget::Global:
    return "in " + Element + "global " + Name + ", which outlives it";
  case EscapeTarget::StaticLocal:
    return "in " + Element + "static " + Name + ", which outlives it";
  case EscapeTarget::CallerObject:
    return "in " + Element + Name + ", reached through a parameter, which "
                                    "outlives it";
  case EscapeTarget::OuterLocal:
    return "in " + Element + Name + ", declared outside the scope of " + Map +
           ", which outlives it";
  case EscapeTarget::Returned:
    return "";
  }
  return "";
}

std::string adviceOf(const MapEscape &E) {
  std::string Map = "'" + E.Map->getNameAsString() + "'";
  bool Capture = E.Handle == EscapeHandle::CapturedByReference ||
                 E.Handle == EscapeHandle::CapturedPointer;
  std::string Keep = Capture ? "capture it by value or by move"
                             : "pass a copy, or move it";
  switch (E.Target) {
  case EscapeTarget::DetachedThread:
  case EscapeTarget::UnjoinedThread:
    return Keep + ", or join the thread before this point";
  case EscapeTarget::UnwaitedFuture:
  case EscapeTarget::Task:
    return Keep + ", or wait for the result before this point";
  case EscapeTarget::Returned:
    return "return the map by value, or give it shared ownership "
           "(std::make_shared)";
  default:
    return Keep + ", or give it shared ownership (std::make_shared)";
  }
}

} // namespace

EscapingAllocationCheck::EscapingAllocationCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), MapTypes(*this, Options),
      ThreadEntryFunctionsRaw(
          Options.getLocalOrGlobal("ThreadEntryFunctions", "").str()) {
  llvm::SmallVector<StringRef, 8> Entries;
  StringRef(ThreadEntryFunctionsRaw).split(Entries, ';', -1, false);
  for (StringRef Entry : Entries) {
    Entry = Entry.trim();
    Entry.consume_front("::");
    if (!Entry.empty())
      EscapeOpts.ExecutorFunctions.insert(Entry);
  }
}

void EscapingAllocationCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  MapTypes.store(Options, Opts);
  Options.store(Opts, "ThreadEntryFunctions", ThreadEntryFunctionsRaw);
}

void EscapingAllocationCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()))
          .bind("fn"),
      this);
  Finder->addMatcher(
      fieldDecl(unless(isExpansionInSystemHeader()),
                hasInClassInitializer(ignoringImplicit(cxxNewExpr().bind("new"))))
          .bind("field"),
      this);
}

void EscapingAllocationCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Field = Result.Nodes.getNodeAs<FieldDecl>("field")) {
    const auto *New = Result.Nodes.getNodeAs<CXXNewExpr>("new");
    if (isRawOwnedMemberAllocation(New, Field, MapTypes.registry()))
      reportRawOwner(New, Field, false);
    return;
  }
  const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!Fn || !Fn->getBody() || Fn->isDependentContext())
    return;
  // A lambda inside a function is examined with the function around it.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Fn))
    if (Method->getParent()->isLambda() &&
        Method->getParent()->getDeclContext()->isFunctionOrMethod())
      return;
  checkFunction(Fn, *Result.Context);
}

void EscapingAllocationCheck::checkFunction(const FunctionDecl *Fn,
                                            ASTContext &Context) {
  const MapTypeRegistry &Maps = MapTypes.registry();
  for (const MapEscape &Escape : findMapEscapes(Fn, Maps, EscapeOpts, Context))
    reportEscape(Escape);

  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Fn))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isMemberInitializer() && Init->isWritten())
        if (const auto *New =
                dyn_cast_or_null<CXXNewExpr>(Init->getInit()->IgnoreImplicit()))
          if (isRawOwnedMemberAllocation(New, Init->getMember(), Maps))
            reportRawOwner(New, Init->getMember(), false);

  WalkOptions Walk;
  Walk.IntoLambdas = true;
  forEachStmt(
      Fn->getBody(),
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
        if (!isa<CXXNewExpr>(S))
          return;
        if (std::optional<RawOwnedMap> Raw =
                rawOwnedMapAllocation(Ancestors, Fn, Maps))
          reportRawOwner(Raw->New, Raw->Owner, Raw->Returned);
      },
      Walk);
}

void EscapingAllocationCheck::reportEscape(const MapEscape &E) {
  std::string Map = E.Map->getNameAsString();
  std::string Where = whereOf(E);
  diag(E.Loc, "%0%1") << subjectOf(E) << Where;
  if (E.Target == EscapeTarget::DetachedThread && E.DetachLoc.isValid())
    diag(E.DetachLoc, "the thread is detached here", DiagnosticIDs::Note);
  else if (isThreadTarget(E.Target) && E.TargetSite)
    diag(E.TargetSite->getBeginLoc(), "started with '%0' here",
         DiagnosticIDs::Note)
        << E.EntryName;
  if (E.ScopeEnd.isValid() && E.Target != EscapeTarget::Returned)
    diag(E.ScopeEnd, "'%0' is destroyed here; %1", DiagnosticIDs::Note)
        << Map << adviceOf(E);
  else
    diag(E.Map->getLocation(), "'%0' is declared here; %1", DiagnosticIDs::Note)
        << Map << adviceOf(E);
}

void EscapingAllocationCheck::reportRawOwner(const CXXNewExpr *New,
                                             const ValueDecl *Owner,
                                             bool Returned) {
  if (Returned) {
    diag(New->getBeginLoc(),
         "map allocated with 'new' is returned as an owning raw pointer; "
         "return it by value or as a std::unique_ptr");
    return;
  }
  diag(New->getBeginLoc(),
       "map allocated with 'new' is owned by raw pointer %0'%1'; hold it by "
       "value, in a std::unique_ptr, or make it with std::make_shared")
      << (isa<FieldDecl>(Owner) ? "member " : "") << Owner->getName();
}

} // namespace clang::tidy::mapguard
