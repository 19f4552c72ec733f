//===- LongLivedIterationCheck.cpp ----------------------------------------===//

#include "LongLivedIterationCheck.h"
#include "Iteration.h"
#include "MapAccess.h"
#include "MapIdentity.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;
using namespace ::mapguard::analysis;

namespace clang::tidy::mapguard {

namespace {

constexpr unsigned BodyNodeBudget = 20000;

/// How many parents are climbed from a call inside a thread to the endless
/// loop around it.
constexpr unsigned ParentClimbLimit = 64;

const FunctionDecl *definitionOf(const FunctionDecl *F) {
  const FunctionDecl *Definition = nullptr;
  if (F && F->hasBody(Definition) && Definition)
    return Definition;
  return F;
}

bool isLambdaCallOperator(const FunctionDecl *F) {
  const auto *Method = dyn_cast<CXXMethodDecl>(F);
  return Method && Method->getParent() && Method->getParent()->isLambda();
}

/// A template whose instantiations are analysed instead: they know the
/// types, and say the same with more notes (the pattern's diagnostic would
/// hide theirs, being identical and first).
bool hasInstantiations(const FunctionDecl *F) {
  if (!F->isDependentContext())
    return false;
  if (const FunctionTemplateDecl *Template = F->getDescribedFunctionTemplate())
    if (!Template->specializations().empty())
      return true;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(F))
    if (const ClassTemplateDecl *Template =
            Method->getParent()->getDescribedClassTemplate())
      return !Template->specializations().empty();
  return false;
}

/// A map declared const (not reached through a pointer or a member path)
/// never changes: iterating it for long is harmless.
bool isImmutable(const MapRef &Map) {
  const auto *Value = dyn_cast_or_null<ValueDecl>(Map.Root);
  if (!Value || !Map.Path.empty() || Map.Derefs != 0)
    return false;
  return Value->getType().getNonReferenceType().isConstQualified();
}

/// What the loop does that blocks, as the warning says it.
std::string blockingAction(const BlockingCall &Call) {
  std::string Callee = "'" + Call.Callee + "'";
  std::string Action;
  switch (Call.Kind) {
  case BlockingKind::Sleep:
    Action = "sleeps in " + Callee;
    break;
  case BlockingKind::ConditionWait:
    Action = "waits on a condition variable in " + Callee;
    break;
  case BlockingKind::FutureWait:
    Action = "waits in " + Callee;
    break;
  case BlockingKind::ThreadJoin:
    Action = "joins a thread in " + Callee;
    break;
  case BlockingKind::IO:
    Action = "blocks on I/O in " + Callee;
    break;
  case BlockingKind::LockAcquire: {
    std::optional<MutexRef> Mutex =
        Call.Mutex ? resolveMutex(Call.Mutex, /*IsPointer=*/false)
                   : std::nullopt;
    Action = Mutex ? "acquires mutex '" + Mutex->name() + "'"
                   : "acquires a mutex in " + Callee;
    break;
  }
  case BlockingKind::Configured:
    Action = "calls blocking function " + Callee;
    break;
  }
  if (Call.Via)
    return "calls '" + Call.Via->getNameAsString() + "', which " + Action;
  return Action;
}

/// The innermost loop around \p S, up to the function or lambda that runs
/// it, that never ends by itself.
const Stmt *endlessLoopAround(const Stmt *S, ASTContext &Context) {
  DynTypedNode Node = DynTypedNode::create(*S);
  for (unsigned Climbed = 0; Climbed < ParentClimbLimit; ++Climbed) {
    DynTypedNodeList Parents = Context.getParents(Node);
    if (Parents.empty())
      return nullptr;
    Node = Parents[0];
    const auto *Parent = Node.get<Stmt>();
    if (!Parent || isa<LambdaExpr>(Parent))
      return nullptr; // reached the declaration that runs S
    if (isa<ForStmt, WhileStmt, DoStmt>(Parent) &&
        isEndlessLoop(Parent, Context))
      return Parent;
  }
  return nullptr;
}

} // namespace

/// A loop over a named map, and where it runs.
struct LongLivedIterationCheck::LoopSite {
  MapLoop Loop;
  /// The function, or lambda call operator, whose body runs the loop.
  const FunctionDecl *Runs = nullptr;
  /// The innermost endless loop around it within Runs, if any.
  const Stmt *EndlessLoop = nullptr;
};

LongLivedIterationCheck::LongLivedIterationCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), MapTypes(*this, Options),
      BlockingFunctionsRaw(Options.get("BlockingFunctions", "").str()),
      BlockingCallDepth(Options.get("BlockingCallDepth", 3U)),
      // Shared with mapguard-concurrent-iteration-mutation: one global
      // option configures both.
      ThreadEntryFunctionsRaw(
          Options.getLocalOrGlobal("ThreadEntryFunctions", "").str()),
      MutexTypesRaw(Options.getLocalOrGlobal("MutexTypes", "").str()),
      GuardTypesRaw(Options.getLocalOrGlobal("GuardTypes", "").str()),
      ReportEndlessLoops(Options.get("ReportEndlessLoops", true)),
      Blocking(parseFunctionList(BlockingFunctionsRaw), BlockingCallDepth,
               &LockTypes) {
  LockTypes.addMutexTypes(MutexTypesRaw);
  LockTypes.addGuardTypes(GuardTypesRaw);
}

void LongLivedIterationCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  MapTypes.store(Options, Opts);
  Options.store(Opts, "BlockingFunctions", BlockingFunctionsRaw);
  Options.store(Opts, "BlockingCallDepth", BlockingCallDepth);
  Options.store(Opts, "ThreadEntryFunctions", ThreadEntryFunctionsRaw);
  Options.store(Opts, "MutexTypes", MutexTypesRaw);
  Options.store(Opts, "GuardTypes", GuardTypesRaw);
  Options.store(Opts, "ReportEndlessLoops", ReportEndlessLoops);
}

void LongLivedIterationCheck::registerMatchers(MatchFinder *Finder) {
  // Whole functions, so that each loop is seen with the statements around
  // it; lambdas are walked from the function that defines them.
  Finder->addMatcher(
      functionDecl(isDefinition(), unless(isExpansionInSystemHeader()))
          .bind("fn"),
      this);
}

void LongLivedIterationCheck::onEndOfTranslationUnit() {
  Blocking.clear();
  Locks.reset();
  Threads.reset();
}

ThreadContexts &LongLivedIterationCheck::threads(ASTContext &Context) {
  if (!Threads) {
    ThreadContextConfig Config;
    Config.ExecutorFunctions =
        ThreadContexts::parseNameList(ThreadEntryFunctionsRaw);
    Threads = std::make_unique<ThreadContexts>(Config);
  }
  Threads->build(Context);
  return *Threads;
}

void LongLivedIterationCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!Function || !Function->getBody() || isLambdaCallOperator(Function) ||
      hasInstantiations(Function))
    return;
  llvm::SmallVector<LoopSite, 4> Sites;
  auto CollectLoops = [&](const Stmt *S,
                          llvm::ArrayRef<const Stmt *> Ancestors) {
    if (!isa<CXXForRangeStmt, ForStmt, WhileStmt, DoStmt>(S))
      return;
    std::optional<MapLoop> Loop = matchMapLoop(S, MapTypes.registry());
    if (!Loop || !Loop->Map || !Loop->Body)
      return;
    LoopSite Site{*Loop, Function, nullptr};
    // The innermost lambda around the loop runs it; endless loops outside
    // that lambda do not repeat it.
    for (size_t I = Ancestors.size() - 1; I-- > 0;) {
      const Stmt *Around = Ancestors[I];
      if (const auto *Lambda = dyn_cast<LambdaExpr>(Around)) {
        Site.Runs = Lambda->getCallOperator();
        break;
      }
      if (!Site.EndlessLoop && isa<ForStmt, WhileStmt, DoStmt>(Around) &&
          isEndlessLoop(Around, *Result.Context))
        Site.EndlessLoop = Around;
    }
    Sites.push_back(std::move(Site));
  };
  WalkOptions Walk{/*IntoLambdas=*/true, BodyNodeBudget};
  // A constructor may start its threads in member initializers.
  if (const auto *Constructor = dyn_cast<CXXConstructorDecl>(Function))
    for (const CXXCtorInitializer *Init : Constructor->inits())
      if (Init->isWritten())
        forEachStmt(Init->getInit(), CollectLoops, Walk);
  forEachStmt(Function->getBody(), CollectLoops, Walk);
  for (const LoopSite &Site : Sites)
    inspectLoop(Site, *Result.Context);
}

void LongLivedIterationCheck::inspectLoop(const LoopSite &Site,
                                          ASTContext &Context) {
  const MapLoop &Loop = Site.Loop;
  const MapRef &Map = *Loop.Map;
  if (isImmutable(Map))
    return;
  bool OwnedByAll = Map.Owner == MapOwner::Member ||
                    Map.Owner == MapOwner::Global ||
                    Map.Owner == MapOwner::StaticLocal;
  // Members, globals and statics are shared; locals and parameters only
  // with a thread that reaches them by reference. In a thread, the thread
  // contexts say which (a by-copy capture is the thread's own).
  ThreadContexts &Contexts = threads(Context);
  const FunctionDecl *Runs = definitionOf(Site.Runs);
  const ThreadSpawn *Spawn = nullptr;
  const ContextFunction *InThread = nullptr;
  bool Shared = OwnedByAll;
  for (const ThreadSpawn *Candidate : Contexts.spawnsRunning(Runs)) {
    for (const ContextFunction &Function :
         Contexts.threadFunctions(*Candidate)) {
      if (Function.Function != Runs)
        continue;
      if (sharedIdentity(Map, Function)) {
        Spawn = Candidate;
        InThread = &Function;
        Shared = true;
      } else {
        Shared = false; // the thread's own copy
      }
      break;
    }
    if (Spawn || !Shared)
      break;
  }
  if (!Shared)
    return;

  // Lock sets need a CFG of the function: computed only once a blocking
  // call or an endless loop makes them matter.
  if (!Locks)
    Locks = std::make_unique<LockSetAnalysis>(LockTypes);
  std::optional<std::optional<LockSet>> HeldAtLoopOnce;
  auto LocksAroundLoop = [&]() -> const std::optional<LockSet> & {
    if (!HeldAtLoopOnce)
      HeldAtLoopOnce = Locks->locksHeldAt(Runs, Loop.Loop);
    return *HeldAtLoopOnce;
  };

  // The first call in the body that blocks while the loop goes on.
  std::optional<BlockingCall> Blocks;
  forEachStmt(
      Loop.Body,
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
        if (Blocks || !isa<CallExpr, CXXConstructExpr>(S))
          return;
        std::optional<BlockingCall> Call = Blocking.classify(S);
        if (!Call || leavesOrReseatsAfter(Ancestors, Loop))
          return;
        // Re-taking the lock already held around the loop is not another
        // mutex (a relock after unlock(), or a recursive mutex).
        if (Call->Kind == BlockingKind::LockAcquire && Call->Mutex &&
            LocksAroundLoop())
          if (std::optional<MutexRef> Mutex =
                  resolveMutex(Call->Mutex, /*IsPointer=*/false))
            if (LocksAroundLoop()->holds(*Mutex))
              return;
        Blocks = Call;
      },
      WalkOptions{/*IntoLambdas=*/false, BodyNodeBudget});

  // An endless loop around it, here or around the call that reaches this
  // function in the thread.
  const Stmt *Endless = nullptr;
  if (Spawn) {
    Endless = Site.EndlessLoop;
    if (!Endless && InThread->ReachedBy)
      Endless = endlessLoopAround(InThread->ReachedBy, Context);
  }
  bool ReportEndless = ReportEndlessLoops && Endless;

  if (!Blocks && !ReportEndless)
    return;
  const std::optional<LockSet> &HeldAtLoop = LocksAroundLoop();

  const HeldLock *Held = nullptr;
  std::optional<LockSet> HeldAtBlock =
      Blocks ? Locks->locksHeldAt(Runs, Blocks->Site) : HeldAtLoop;
  if (HeldAtBlock && !HeldAtBlock->empty())
    Held = &HeldAtBlock->locks().front();

  if (Blocks && !ReportEndless) {
    // Blocking outside a thread loop matters only where other threads can
    // be at the map: a lock is held, the code runs in a thread, or the
    // map's class owns a mutex (its methods run concurrently, except
    // construction and destruction).
    bool MemberOfLockedClass = false;
    if (const auto *Field = dyn_cast<FieldDecl>(Map.Root);
        Field && !isa<CXXConstructorDecl, CXXDestructorDecl>(Runs))
      MemberOfLockedClass =
          Map.Owner == MapOwner::Member &&
          ownsMutex(dyn_cast<CXXRecordDecl>(Field->getParent()), LockTypes);
    bool LockAround = (HeldAtLoop && !HeldAtLoop->empty()) || Held;
    if (!Spawn && !LockAround && !MemberOfLockedClass)
      return;
  }

  std::string MapName = Map.name();
  const char *Advice = "copy the map under its lock and iterate the copy "
                       "(mapguard::snapshot)";
  if (Blocks) {
    diag(Loop.Loop->getBeginLoc(),
         "loop over shared map '%0' %1 while the iteration is open; %2")
        << MapName << blockingAction(*Blocks) << Advice;
    if (Blocks->Via)
      diag(Blocks->Site->getBeginLoc(), "'%0' is called here",
           DiagnosticIDs::Note)
          << Blocks->Via->getNameAsString();
    // At the blocking call itself (inside the called function, if any):
    // the mutex it acquires, or the call.
    std::optional<MutexRef> Acquired;
    if (Blocks->Kind == BlockingKind::LockAcquire && Blocks->Mutex)
      Acquired = resolveMutex(Blocks->Mutex, /*IsPointer=*/false);
    if (Acquired)
      diag(Blocks->InnerSite->getBeginLoc(), "'%0' is acquired here",
           DiagnosticIDs::Note)
          << Acquired->name();
    else
      diag(Blocks->InnerSite->getBeginLoc(), "'%0' blocks here",
           DiagnosticIDs::Note)
          << Blocks->Callee;
  } else {
    diag(Loop.Loop->getBeginLoc(),
         "loop over shared map '%0' runs on every pass of a thread's endless "
         "loop; %1")
        << MapName << Advice;
  }
  if (Held && Held->AcquiredAt) {
    const char *When =
        Blocks ? "still held when the loop blocks" : "held while the loop runs";
    if (Held->Mutex)
      diag(Held->AcquiredAt->getBeginLoc(), "'%0' is locked here and %1",
           DiagnosticIDs::Note)
          << Held->Mutex->name() << When;
    else
      diag(Held->AcquiredAt->getBeginLoc(), "a lock taken here is %0",
           DiagnosticIDs::Note)
          << When;
  }
  if (ReportEndless) {
    diag(Endless->getBeginLoc(),
         "the thread repeats this loop until it is "
         "stopped",
         DiagnosticIDs::Note);
    diag(Spawn->Site->getBeginLoc(), "the thread is started here with '%0'",
         DiagnosticIDs::Note)
        << Spawn->EntryName;
  }
}

} // namespace clang::tidy::mapguard
