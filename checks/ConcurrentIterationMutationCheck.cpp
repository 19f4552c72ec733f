//===- ConcurrentIterationMutationCheck.cpp -------------------------------===//

#include "ConcurrentIterationMutationCheck.h"
#include "ContainerSemantics.h"
#include "MapAccess.h"
#include "MapIdentity.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang::ast_matchers;
using namespace ::mapguard::analysis;

namespace clang::tidy::mapguard {

namespace {

/// Bounds the pairing work on huge translation units.
constexpr size_t MaxAccesses = 4000;

/// One context whose code may run concurrently with others.
struct RunContext {
  /// Plain: a function that takes a reader lock, concurrent with nothing
  /// known, examined for writers under that reader lock only.
  enum Kind { ThreadSide, SpawnerSide, Method, Plain } K = ThreadSide;
  const ThreadSpawn *Spawn = nullptr;
  const CXXRecordDecl *Class = nullptr;
  std::vector<ContextFunction> Functions;
};

/// A map iteration or mutation seen in one context.
struct SharedAccess {
  MapRef Map; ///< in the spawner's (or the object's) terms
  MapAccess Access;
  std::string LocalName; ///< the map's name as written at the access
  LockSet Locks;         ///< also in the spawner's terms
  unsigned ContextIndex = 0;
  const FunctionDecl *Function = nullptr;
};

bool insertLike(Operation Op) {
  return Op == Operation::Insert || Op == Operation::Emplace ||
         Op == Operation::TryEmplace || Op == Operation::InsertOrAssign ||
         Op == Operation::Subscript;
}

/// Whether iterating while \p Access runs in another thread is defined for
/// the map's family.
bool concurrencySafe(const MapAccess &Access) {
  const FamilyInfo &Info = familyInfo(Access.Type.FamilyId);
  if (!Info.ConcurrentIteration)
    return false;
  if (Access.Type.FamilyId == Family::ConcurrentInsertOnly &&
      Access.isMutation() && Access.Op && !insertLike(*Access.Op))
    return false; // clear, swap, assignment are serial operations there
  return true;
}

std::string functionName(const FunctionDecl *F) {
  if (const auto *Method = dyn_cast<CXXMethodDecl>(F)) {
    if (Method->getParent()->isLambda())
      return "a lambda";
    return "'" + Method->getParent()->getNameAsString() +
           "::" + Method->getNameAsString() + "'";
  }
  return "'" + F->getNameAsString() + "'";
}

std::string locksText(const LockSet &Locks) {
  if (Locks.empty())
    return "with no lock held";
  std::string Text = "holding ";
  bool First = true;
  for (const HeldLock &Lock : Locks.locks()) {
    if (!First)
      Text += " and ";
    First = false;
    Text += Lock.Mutex ? "'" + Lock.Mutex->name() + "'" : "a lock";
    if (Lock.isShared())
      Text += " (shared)";
  }
  return Text;
}

} // namespace

struct ConcurrentIterationMutationCheck::Analysis {
  Analysis(ConcurrentIterationMutationCheck &Check, ASTContext &AST,
           const MapTypeRegistry &Maps, const LockTypeRegistry &LockTypes,
           ThreadContextConfig Config, bool ClassRule, bool EscapeRule)
      : Check(Check), AST(AST), Maps(Maps), LockTypes(LockTypes),
        Locks(LockTypes), Threads(std::move(Config)), ClassRule(ClassRule),
        EscapeRule(EscapeRule) {}

  void run() {
    Threads.build(AST);
    collectContexts();
    for (unsigned I = 0; I < Contexts.size() && !Full; ++I)
      collectAccesses(I);
    reportRaces();
    if (EscapeRule)
      reportEscapingReferences();
  }

private:
  void collectContexts() {
    for (const ThreadSpawn &Spawn : Threads.spawns()) {
      if (Spawn.WaitedImmediately)
        continue;
      RunContext Thread;
      Thread.K = RunContext::ThreadSide;
      Thread.Spawn = &Spawn;
      llvm::ArrayRef<ContextFunction> Side = Threads.threadFunctions(Spawn);
      Thread.Functions.assign(Side.begin(), Side.end());
      Contexts.push_back(std::move(Thread));

      RunContext Spawner;
      Spawner.K = RunContext::SpawnerSide;
      Spawner.Spawn = &Spawn;
      Side = Threads.spawnerFunctions(Spawn);
      Spawner.Functions.assign(Side.begin(), Side.end());
      Contexts.push_back(std::move(Spawner));
    }
    // Functions taking a reader lock: a writer there races with the other
    // readers, whatever the thread contexts.
    for (const FunctionDecl *F : Threads.userFunctions()) {
      if (!takesReaderLock(F))
        continue;
      RunContext Readers;
      Readers.K = RunContext::Plain;
      ContextFunction Function;
      Function.Function = F;
      Function.OwnsLocals = false;
      Readers.Functions.push_back(std::move(Function));
      Contexts.push_back(std::move(Readers));
    }
    // Methods of a class that owns a mutex: the escape rule needs their
    // accesses even when the class rule is off.
    if (!ClassRule && !EscapeRule)
      return;
    for (const CXXRecordDecl *Record : Threads.mutexOwningClasses(LockTypes)) {
      for (const Decl *D : Record->decls()) {
        const auto *Method = dyn_cast<CXXMethodDecl>(D);
        if (const auto *Template = dyn_cast<FunctionTemplateDecl>(D))
          Method = dyn_cast<CXXMethodDecl>(Template->getTemplatedDecl());
        if (!Method || Method->isStatic() || Method->isDeleted() ||
            isa<CXXConstructorDecl, CXXDestructorDecl>(Method))
          continue;
        const FunctionDecl *Definition = nullptr;
        if (!Method->hasBody(Definition) || !Definition)
          continue;
        RunContext Member;
        Member.K = RunContext::Method;
        Member.Class = Record;
        ContextFunction Function;
        Function.Function = Definition;
        Function.OwnsLocals = true;
        Member.Functions.push_back(std::move(Function));
        Contexts.push_back(std::move(Member));
      }
    }
  }

  bool takesReaderLock(const FunctionDecl *F) const {
    bool Found = false;
    forEachStmt(F->getBody(), [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
      if (Found)
        return;
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
        Found = LockTypes.guardKind(Construct->getType()) == LockKind::Shared;
      else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
        if (const Expr *Object = Call->getImplicitObjectArgument()) {
          QualType T = Object->getType();
          if (T->isPointerType())
            T = T->getPointeeType();
          const CXXMethodDecl *Method = Call->getMethodDecl();
          Found = Method && Method->getIdentifier() &&
                  LockTypes.isSharedMutex(T) &&
                  Method->getName().contains_insensitive("shared");
        }
    });
    return Found;
  }

  /// The locks held at \p S in function \p Index of \p Ctx, plus those held
  /// at the calls that reach it, in the spawner's terms.
  std::optional<LockSet> effectiveLocks(const RunContext &Ctx, int Index,
                                        const Stmt *S, unsigned Depth = 0) {
    const ContextFunction &Function = Ctx.Functions[Index];
    std::optional<LockSet> Local = Locks.locksHeldAt(Function.Function, S);
    if (!Local || Depth > 8)
      return std::nullopt;
    LockSet Result;
    for (HeldLock Lock : Local->locks()) {
      if (Lock.Mutex) {
        std::optional<MapRef> Shared = sharedIdentity(*Lock.Mutex, Function);
        if (!Shared)
          continue; // a mutex of this activation protects nothing shared
        Lock.Mutex = Shared;
      }
      Result.add(Lock);
    }
    if (Function.Parent >= 0 && Function.ReachedBy) {
      std::optional<LockSet> Outer =
          effectiveLocks(Ctx, Function.Parent, Function.ReachedBy, Depth + 1);
      if (!Outer)
        return std::nullopt;
      for (const HeldLock &Lock : Outer->locks())
        Result.add(Lock);
    }
    return Result;
  }

  void collectAccesses(unsigned Index) {
    const RunContext &Ctx = Contexts[Index];
    for (unsigned I = 0; I < Ctx.Functions.size(); ++I) {
      const ContextFunction &Function = Ctx.Functions[I];
      const Stmt *Body = Function.Function->getBody();
      if (!Body)
        continue;
      forEachMapAccess(
          Body, Maps,
          [&](const MapAccess &Access, llvm::ArrayRef<const Stmt *> Ancestors) {
            if (Full)
              return;
            if (Access.Kind != OperationKind::Iterate && !Access.isMutation())
              return;
            // `return table_.begin();` hands the iteration to the caller:
            // that is the escaping-accessor rule's business.
            if (Access.Kind == OperationKind::Iterate &&
                isReturnedValue(Ancestors))
              return;
            if (concurrencySafe(Access))
              return;
            if (Ctx.K == RunContext::SpawnerSide && Function.Depth == 0 &&
                Threads.orderOf(*Ctx.Spawn, Access.Site) != SpawnOrder::During)
              return;
            std::optional<MapRef> Local = Access.target();
            if (!Local)
              return;
            std::optional<MapRef> Shared = sharedIdentity(*Local, Function);
            if (!Shared)
              return;
            std::optional<LockSet> Held = effectiveLocks(Ctx, I, Access.Site);
            if (!Held)
              return;
            SharedAccess Seen;
            Seen.Map = *Shared;
            Seen.Access = Access;
            Seen.LocalName = Local->name();
            Seen.Locks = *Held;
            Seen.ContextIndex = Index;
            Seen.Function = Function.Function;
            Accesses.push_back(std::move(Seen));
            if (Accesses.size() >= MaxAccesses)
              Full = true;
          });
    }
  }

  static bool isReturnedValue(llvm::ArrayRef<const Stmt *> Ancestors) {
    for (size_t I = Ancestors.size() - 1; I-- > 0;) {
      if (isa<ReturnStmt>(Ancestors[I]))
        return true;
      if (!isa<ImplicitCastExpr, CXXConstructExpr, MaterializeTemporaryExpr,
               CXXBindTemporaryExpr, ExprWithCleanups, ParenExpr>(Ancestors[I]))
        return false;
    }
    return false;
  }

  bool concurrent(const RunContext &A, const RunContext &B) const {
    if (A.K == RunContext::ThreadSide && B.K == RunContext::ThreadSide)
      return Threads.mayOverlap(*A.Spawn, *B.Spawn);
    if ((A.K == RunContext::ThreadSide && B.K == RunContext::SpawnerSide) ||
        (A.K == RunContext::SpawnerSide && B.K == RunContext::ThreadSide))
      return A.Spawn == B.Spawn;
    if (!ClassRule)
      return false;
    if (A.K == RunContext::Method && B.K == RunContext::Method)
      return A.Class == B.Class;
    return (A.K == RunContext::Method && B.K == RunContext::ThreadSide) ||
           (A.K == RunContext::ThreadSide && B.K == RunContext::Method);
  }

  /// Whether some access to \p Map holds a lock, or the member is
  /// GUARDED_BY: the map is meant to be shared.
  bool guardedSomewhere(const MapRef &Map) const {
    if (Map.Path.empty() && Map.Root && Map.Root->hasAttr<GuardedByAttr>())
      return true;
    for (const SharedAccess &Other : Accesses)
      if (Other.Map == Map && !Other.Locks.empty())
        return true;
    return false;
  }

  enum class Verdict { Safe, Race, SharedWriter };

  Verdict judge(const SharedAccess &Iteration, const SharedAccess &Mutation,
                const HeldLock *&SharedLock) const {
    SharedLock = nullptr;
    for (const HeldLock &Lock : Mutation.Locks.locks()) {
      if (!Lock.Mutex || !Iteration.Locks.holds(*Lock.Mutex))
        continue;
      if (Mutation.Locks.holdsExclusive(*Lock.Mutex))
        return Verdict::Safe;
      SharedLock = &Lock;
    }
    // A lock on a mutex we cannot name may be the common one.
    if ((Mutation.Locks.hasUnresolved() && !Iteration.Locks.empty()) ||
        (Iteration.Locks.hasUnresolved() && !Mutation.Locks.empty()))
      return Verdict::Safe;
    if (SharedLock && Iteration.Locks.find(*SharedLock->Mutex)->isShared())
      return Verdict::SharedWriter;
    if (SharedLock)
      return Verdict::Safe; // the iteration excludes this writer
    return Verdict::Race;
  }

  void reportRaces() {
    // Pairs found, in a deterministic order: by mutation, then iteration.
    struct Pair {
      const SharedAccess *Iteration;
      const SharedAccess *Mutation;
      Verdict Kind;
      const HeldLock *SharedLock;
    };
    std::vector<Pair> Pairs;
    llvm::DenseSet<std::pair<const Stmt *, const Stmt *>> Seen;
    llvm::DenseMap<const MapRef *, bool> GuardedCache;
    for (const SharedAccess &Mutation : Accesses) {
      if (!Mutation.Access.isMutation())
        continue;
      for (const SharedAccess &Iteration : Accesses) {
        if (Iteration.Access.Kind != OperationKind::Iterate ||
            Iteration.Map != Mutation.Map ||
            Iteration.Access.Site == Mutation.Access.Site)
          continue;
        const RunContext &ItCtx = Contexts[Iteration.ContextIndex];
        const RunContext &MuCtx = Contexts[Mutation.ContextIndex];
        const HeldLock *SharedLock = nullptr;
        Verdict Kind = judge(Iteration, Mutation, SharedLock);
        if (Kind == Verdict::Safe)
          continue;
        // A reader lock that lets a writer in is wrong wherever it runs:
        // several readers hold it at once.
        bool Concurrent =
            concurrent(ItCtx, MuCtx) || Kind == Verdict::SharedWriter;
        if (!Concurrent)
          continue;
        if (ItCtx.K == RunContext::Method && MuCtx.K == RunContext::Method &&
            Kind == Verdict::Race) {
          // Presumed concurrency needs evidence: the map is locked somewhere,
          // and the two sides are different methods.
          if (Iteration.Function == Mutation.Function ||
              !guardedSomewhere(Mutation.Map))
            continue;
        }
        if (!Seen.insert({Iteration.Access.Site, Mutation.Access.Site}).second)
          continue;
        Pairs.push_back({&Iteration, &Mutation, Kind, SharedLock});
      }
    }
    const SourceManager &SM = AST.getSourceManager();
    // clang-tidy keeps one of several equal warnings at one place: put the
    // pair whose two sides are most closely related first.
    std::stable_sort(
        Pairs.begin(), Pairs.end(), [&](const Pair &A, const Pair &B) {
          SourceLocation LA = A.Mutation->Access.Site->getBeginLoc();
          SourceLocation LB = B.Mutation->Access.Site->getBeginLoc();
          if (LA != LB)
            return SM.isBeforeInTranslationUnit(LA, LB);
          unsigned RA = distance(*A.Iteration, *A.Mutation);
          unsigned RB = distance(*B.Iteration, *B.Mutation);
          if (RA != RB)
            return RA < RB;
          return SM.isBeforeInTranslationUnit(
              A.Iteration->Access.Site->getBeginLoc(),
              B.Iteration->Access.Site->getBeginLoc());
        });
    for (const Pair &P : Pairs)
      report(*P.Iteration, *P.Mutation, P.Kind, P.SharedLock);
  }

  /// 0 when both sides come from one spawn, 1 from one function or
  /// class, 2 otherwise.
  unsigned distance(const SharedAccess &A, const SharedAccess &B) const {
    const RunContext &CA = Contexts[A.ContextIndex];
    const RunContext &CB = Contexts[B.ContextIndex];
    if (CA.Spawn && CA.Spawn == CB.Spawn)
      return 0;
    auto Origin = [](const RunContext &C) -> const void * {
      if (C.Spawn)
        return C.Spawn->Spawner;
      return C.Class;
    };
    if (Origin(CA) == Origin(CB))
      return 1;
    if (CA.Spawn && CB.Class && dyn_cast<CXXMethodDecl>(CA.Spawn->Spawner) &&
        cast<CXXMethodDecl>(CA.Spawn->Spawner)->getParent() == CB.Class)
      return 1;
    return 2;
  }

  std::string contextText(const SharedAccess &Access) const {
    const RunContext &Ctx = Contexts[Access.ContextIndex];
    std::string Where;
    switch (Ctx.K) {
    case RunContext::ThreadSide:
      if (Ctx.Spawn->Kind == SpawnKind::Executor)
        Where = "in a task submitted to '" + Ctx.Spawn->EntryName + "' in " +
                functionName(Ctx.Spawn->Spawner);
      else
        Where = "in the thread started by '" + Ctx.Spawn->EntryName + "' in " +
                functionName(Ctx.Spawn->Spawner);
      if (Access.Function != Ctx.Spawn->Body)
        Where += " (through " + functionName(Access.Function) + ")";
      return Where;
    case RunContext::SpawnerSide:
      Where = "in " + functionName(Ctx.Spawn->Spawner) +
              " while the thread it started runs";
      if (Access.Function != Ctx.Spawn->Spawner)
        Where += " (through " + functionName(Access.Function) + ")";
      return Where;
    case RunContext::Plain:
      return "in " + functionName(Access.Function);
    case RunContext::Method:
      return "in " + functionName(Access.Function) + ", which may run " +
             "concurrently with the other methods of '" +
             Ctx.Class->getNameAsString() + "' (it owns a mutex)";
    }
    return Where;
  }

  void report(const SharedAccess &Iteration, const SharedAccess &Mutation,
              Verdict Kind, const HeldLock *SharedLock) {
    std::string Operation = Mutation.Access.spelling().str();
    std::string Name = Mutation.LocalName;
    if (Kind == Verdict::SharedWriter) {
      Check.diag(Mutation.Access.Site->getBeginLoc(),
                 "'%0' on '%1' mutates it holding only a shared lock of '%2', "
                 "while readers iterate it under the same lock")
          << Operation << Name << SharedLock->Mutex->name();
      Check.diag(Iteration.Access.Site->getBeginLoc(),
                 "'%0' is iterated here, %1", DiagnosticIDs::Note)
          << Iteration.LocalName << locksText(Iteration.Locks);
      return;
    }
    Check.diag(Mutation.Access.Site->getBeginLoc(),
               "'%0' on '%1' may run while another thread iterates it; no "
               "mutex is held by both sides")
        << Operation << Name;
    Check.diag(Iteration.Access.Site->getBeginLoc(),
               "'%0' is iterated here %1, %2", DiagnosticIDs::Note)
        << Iteration.LocalName << contextText(Iteration)
        << locksText(Iteration.Locks);
    Check.diag(Mutation.Access.Site->getBeginLoc(), "the mutation runs %0, %1",
               DiagnosticIDs::Note)
        << contextText(Mutation) << locksText(Mutation.Locks);
    const RunContext &ItCtx = Contexts[Iteration.ContextIndex];
    const RunContext &MuCtx = Contexts[Mutation.ContextIndex];
    const ThreadSpawn *Spawn = ItCtx.K != RunContext::Method   ? ItCtx.Spawn
                               : MuCtx.K != RunContext::Method ? MuCtx.Spawn
                                                               : nullptr;
    if (Spawn)
      Check.diag(Spawn->Site->getBeginLoc(),
                 Spawn->Kind == SpawnKind::Executor
                     ? "the task is submitted here"
                     : "the thread is started here",
                 DiagnosticIDs::Note);
  }

  /// A public member function that returns a reference, pointer or iterator
  /// into a member map that the class mutates under a lock.
  void reportEscapingReferences() {
    for (const CXXRecordDecl *Record : Threads.mutexOwningClasses(LockTypes))
      for (const Decl *D : Record->decls()) {
        const auto *Method = dyn_cast<CXXMethodDecl>(D);
        if (!Method || Method->getAccess() != AS_public || Method->isStatic() ||
            isa<CXXConstructorDecl, CXXConversionDecl>(Method) ||
            Method->isOverloadedOperator() ||
            Method->hasAttr<RequiresCapabilityAttr>())
          continue;
        const FunctionDecl *Definition = nullptr;
        if (!Method->hasBody(Definition) || !Definition)
          continue;
        inspectAccessor(Record, Definition);
      }
  }

  void inspectAccessor(const CXXRecordDecl *Record, const FunctionDecl *F) {
    QualType Returned = F->getReturnType();
    bool Indirect = Returned->isReferenceType() || Returned->isPointerType();
    if (Indirect && !Maps.classify(Returned->getPointeeType()))
      return;
    const auto *Body = dyn_cast_or_null<CompoundStmt>(F->getBody());
    if (!Body)
      return;
    // The accessor is a single return statement handing out the map.
    if (Body->size() != 1)
      return;
    const auto *Return = dyn_cast<ReturnStmt>(Body->body_front());
    if (!Return || !Return->getRetValue())
      return;
    const Expr *Value = Return->getRetValue()->IgnoreParenImpCasts();
    std::optional<MapRef> Map;
    if (Returned->isReferenceType())
      Map = resolveMapRef(Value);
    else if (Returned->isPointerType())
      Map = resolvePointeeMapRef(Value);
    else {
      // `iterator begin() { return table_.begin(); }`
      llvm::SmallVector<MapAccess, 1> Found =
          classifyAccess(stripToCall(Value), Maps);
      if (Found.size() != 1 || Found.front().Kind != OperationKind::Iterate)
        return;
      Map = Found.front().target();
    }
    if (!Map || Map->Owner != MapOwner::Member || !Map->Path.empty() ||
        Map->Derefs != 0)
      return;
    llvm::SmallVector<const SharedAccess *, 2> LockedMutations;
    for (const SharedAccess &Access : Accesses) {
      if (!Access.Access.isMutation() || Access.Map != *Map ||
          Contexts[Access.ContextIndex].K != RunContext::Method ||
          Contexts[Access.ContextIndex].Class != Record)
        continue;
      bool Locked = false;
      for (const HeldLock &Lock : Access.Locks.locks())
        Locked |= Lock.Mutex && !Lock.isShared();
      if (Locked)
        LockedMutations.push_back(&Access);
    }
    if (LockedMutations.empty())
      return;
    const char *What = Returned->isReferenceType() ? "a reference to"
                       : Returned->isPointerType() ? "a pointer to"
                                                   : "an iterator into";
    Check.diag(F->getLocation(),
               "'%0' returns %1 '%2', which '%3' mutates under a lock; callers "
               "iterate it without that lock")
        << F->getNameAsString() << What << Map->name()
        << Record->getNameAsString();
    for (const SharedAccess *Mutation :
         llvm::ArrayRef(LockedMutations).take_front(2))
      Check.diag(Mutation->Access.Site->getBeginLoc(),
                 "'%0' is mutated here, %1", DiagnosticIDs::Note)
          << Map->name() << locksText(Mutation->Locks);
  }

  static const Stmt *stripToCall(const Expr *E) {
    for (unsigned Guard = 0; E && Guard < 8; ++Guard) {
      E = E->IgnoreParenImpCasts();
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
        if (Construct->getNumArgs() == 1) {
          E = Construct->getArg(0);
          continue;
        }
      } else if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(E)) {
        E = Temp->getSubExpr();
        continue;
      } else if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(E)) {
        E = Bind->getSubExpr();
        continue;
      }
      return E;
    }
    return E;
  }

  ConcurrentIterationMutationCheck &Check;
  ASTContext &AST;
  const MapTypeRegistry &Maps;
  const LockTypeRegistry &LockTypes;
  LockSetAnalysis Locks;
  ThreadContexts Threads;
  bool ClassRule;
  bool EscapeRule;
  std::vector<RunContext> Contexts;
  std::vector<SharedAccess> Accesses;
  bool Full = false;
};

ConcurrentIterationMutationCheck::ConcurrentIterationMutationCheck(
    StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), MapTypes(*this, Options),
      MutexTypes(Options.getLocalOrGlobal("MutexTypes", "").str()),
      GuardTypes(Options.getLocalOrGlobal("GuardTypes", "").str()),
      ThreadEntryFunctions(
          Options.getLocalOrGlobal("ThreadEntryFunctions", "").str()),
      ClassOwnsMutexRule(Options.get("ClassOwnsMutexRule", true)),
      ReportEscapingReferences(Options.get("ReportEscapingReferences", true)) {
  LockTypes.addMutexTypes(MutexTypes);
  LockTypes.addGuardTypes(GuardTypes);
}

ConcurrentIterationMutationCheck::~ConcurrentIterationMutationCheck() = default;

void ConcurrentIterationMutationCheck::storeOptions(
    ClangTidyOptions::OptionMap &Opts) {
  MapTypes.store(Options, Opts);
  Options.store(Opts, "MutexTypes", MutexTypes);
  Options.store(Opts, "GuardTypes", GuardTypes);
  Options.store(Opts, "ThreadEntryFunctions", ThreadEntryFunctions);
  Options.store(Opts, "ClassOwnsMutexRule", ClassOwnsMutexRule);
  Options.store(Opts, "ReportEscapingReferences", ReportEscapingReferences);
}

void ConcurrentIterationMutationCheck::registerMatchers(MatchFinder *Finder) {
  // The analysis is per translation unit: it pairs accesses made in
  // different functions, so it runs once, over the user's code.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void ConcurrentIterationMutationCheck::check(
    const MatchFinder::MatchResult &Result) {
  if (!Result.Nodes.getNodeAs<TranslationUnitDecl>("tu"))
    return;
  ThreadContextConfig Config;
  Config.ExecutorFunctions =
      ThreadContexts::parseNameList(ThreadEntryFunctions);
  Analysis Run(*this, *Result.Context, MapTypes.registry(), LockTypes,
               std::move(Config), ClassOwnsMutexRule, ReportEscapingReferences);
  Run.run();
}

} // namespace clang::tidy::mapguard
