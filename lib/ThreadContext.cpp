//===- ThreadContext.cpp --------------------------------------------------===//

#include "ThreadContext.h"
#include "Iteration.h"
#include "MapAccess.h"
#include "MapTypes.h"
#include "SpawnSites.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

using namespace clang;

namespace mapguard::analysis {
namespace {

constexpr unsigned BaseDepthLimit = 3;

/// Strips what does not change which object or callable an expression
/// denotes: casts, temporaries, copies of closures, std::move.
const Expr *strip(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 16; ++Guard) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(Next))
      Next = Cleanups->getSubExpr();
    else if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = Temp->getSubExpr();
    else if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = Bind->getSubExpr();
    else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = Cast->getSubExpr();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next)) {
      if (Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isCopyOrMoveConstructor())
        Next = Construct->getArg(0);
    } else if (const auto *Call = dyn_cast<CallExpr>(Next)) {
      if (Call->isCallToStdMove() && Call->getNumArgs() == 1)
        Next = Call->getArg(0);
    }
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

/// `std::ref(x)` / `std::cref(x)`: x; else null.
const Expr *refWrapped(const Expr *E) {
  const auto *Call = dyn_cast_or_null<CallExpr>(strip(E));
  if (!Call || Call->getNumArgs() != 1)
    return nullptr;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee || !Callee->isInStdNamespace() || !Callee->getIdentifier())
    return nullptr;
  if (Callee->getName() == "ref" || Callee->getName() == "cref")
    return Call->getArg(0);
  return nullptr;
}

struct Callable {
  const FunctionDecl *Body = nullptr;
  const LambdaExpr *Lambda = nullptr;
};

const FunctionDecl *definitionOf(const FunctionDecl *F) {
  if (!F)
    return nullptr;
  const FunctionDecl *Definition = nullptr;
  if (F->hasBody(Definition) && Definition)
    return Definition;
  return nullptr;
}

/// The code that \p E, passed as a thread's callable, runs.
std::optional<Callable> callableOf(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 2)
    return std::nullopt;
  E = strip(E);
  if (const auto *AddrOf = dyn_cast<UnaryOperator>(E))
    if (AddrOf->getOpcode() == UO_AddrOf)
      E = strip(AddrOf->getSubExpr());
  if (const auto *Lambda = dyn_cast<LambdaExpr>(E))
    return Callable{Lambda->getCallOperator(), Lambda};
  // A callable wrapped on the way in: std::function<void()>(lambda).
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    if (Construct->getNumArgs() == 1)
      return callableOf(Construct->getArg(0), Depth + 1);
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *Function = dyn_cast<FunctionDecl>(Ref->getDecl())) {
      if (const FunctionDecl *Definition = definitionOf(Function))
        return Callable{Definition, nullptr};
      return std::nullopt;
    }
    // `auto worker = [&] {...}; std::thread t(worker);`
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
      if (Var->isLocalVarDecl() && Var->getInit() &&
          !Var->getType()->isPointerType())
        return callableOf(Var->getInit(), Depth + 1);
  }
  return std::nullopt;
}

/// Whether the chain from \p Ancestors' end up to index \p Upto passes only
/// through expressions that keep the value (no use of it).
bool onlyWrappersBetween(llvm::ArrayRef<const Stmt *> Ancestors, size_t Upto) {
  for (size_t I = Upto + 1; I + 1 < Ancestors.size(); ++I)
    if (!isa<ExprWithCleanups, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
             ImplicitCastExpr, CXXFunctionalCastExpr, ParenExpr,
             CXXConstructExpr, CStyleCastExpr>(Ancestors[I]))
      return false;
  return true;
}

/// A join()/get()/wait() call on a thread or future.
struct WaitCall {
  const VarDecl *Object = nullptr;
  SourceLocation Loc;
  bool Detach = false;
};

class SpawnFinder {
public:
  SpawnFinder(const ThreadContextConfig &Config, ASTContext &Context,
              std::vector<ThreadSpawn> &Spawns,
              std::vector<const FunctionDecl *> &Scanned)
      : Config(Config), Context(Context), Spawns(Spawns), Scanned(Scanned) {}

  void scan(const FunctionDecl *F) {
    const Stmt *Body = F->getBody();
    if (!Body)
      return;
    Scanned.push_back(F);
    size_t First = Spawns.size();
    llvm::SmallVector<WaitCall, 4> Waits;
    WalkOptions Options;
    Options.NodeBudget = Config.NodeBudget;
    auto IsExecutor = [&](llvm::StringRef Name) {
      return llvm::is_contained(Config.ExecutorFunctions, Name);
    };
    auto Visit = [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
      if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S))
        if (noteWait(Member, Waits))
          return;
      if (std::optional<SpawnSite> Site = spawnAt(S, IsExecutor))
        addSpawnSite(F, cast<Expr>(S), *Site, Ancestors);
    };
    // A constructor's member initializers run before its body; a thread
    // member is often started there (`Worker() : thread_([this] { run(); })`).
    if (const auto *Constructor = dyn_cast<CXXConstructorDecl>(F))
      for (const CXXCtorInitializer *Init : Constructor->inits())
        if (Init->isWritten() && Init->getInit())
          forEachStmt(Init->getInit(), Visit, Options);
    forEachStmt(Body, Visit, Options);
    for (size_t I = First; I < Spawns.size(); ++I)
      findJoin(Spawns[I], Waits, Body);
  }

private:
  /// Records a join()/get()/wait()/detach() on a thread or future; true
  /// when \p Call is one of those objects' members.
  static bool noteWait(const CXXMemberCallExpr *Call,
                       llvm::SmallVectorImpl<WaitCall> &Waits) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    const Expr *Object = Call->getImplicitObjectArgument();
    if (!Method || !Object || !Method->getIdentifier())
      return false;
    QualType ObjectType = Object->getType();
    if (ObjectType->isPointerType())
      ObjectType = ObjectType->getPointeeType();
    if (!isThreadType(ObjectType) && !isFutureType(ObjectType))
      return false;
    llvm::StringRef Name = Method->getName();
    if (Name == "join" || Name == "get" || Name == "wait" || Name == "detach") {
      WaitCall Wait;
      if (const auto *Ref = dyn_cast<DeclRefExpr>(strip(Object)))
        Wait.Object = dyn_cast<VarDecl>(Ref->getDecl());
      Wait.Loc = Call->getBeginLoc();
      Wait.Detach = Name == "detach";
      Waits.push_back(Wait);
    }
    return true;
  }

  void addSpawnSite(const FunctionDecl *F, const Expr *Site,
                    const SpawnSite &Spawn,
                    llvm::ArrayRef<const Stmt *> Ancestors) {
    switch (Spawn.Kind) {
    case SpawnKind::Thread:
    case SpawnKind::JThread:
      addSpawn(F, Site, Ancestors, Spawn.Kind, Spawn.EntryName, Spawn.Args,
               Spawn.Container ? nullptr : handleOf(Site, Ancestors));
      return;
    case SpawnKind::Async: {
      if (Spawn.Deferred)
        return; // runs in the thread that waits for it
      const VarDecl *Handle = handleOf(Site, Ancestors);
      bool Discarded = !Handle && discarded(Ancestors, Ancestors.size() - 1);
      addSpawn(F, Site, Ancestors, SpawnKind::Async, Spawn.EntryName,
               Spawn.Args, Handle);
      if (Discarded && !Spawns.empty() && Spawns.back().Site == Site)
        Spawns.back().WaitedImmediately = true;
      return;
    }
    case SpawnKind::PThread:
      addSpawn(F, Site, Ancestors, SpawnKind::PThread, Spawn.EntryName,
               Spawn.Args, nullptr, /*PThreadArg=*/true);
      return;
    case SpawnKind::Executor:
      // Every callable argument runs in another thread.
      for (const Expr *Arg : Spawn.Args)
        if (callableOf(Arg))
          addSpawn(F, Site, Ancestors, SpawnKind::Executor, Spawn.EntryName,
                   llvm::ArrayRef<const Expr *>(Arg), nullptr);
      return;
    }
  }

  /// Whether the value of the expression at Ancestors[Index] is discarded
  /// at the end of its full-expression statement.
  static bool discarded(llvm::ArrayRef<const Stmt *> Ancestors, size_t Index) {
    for (size_t I = Index; I-- > 0;) {
      const Stmt *Parent = Ancestors[I];
      if (isa<CompoundStmt>(Parent))
        return true;
      if (!isa<ExprWithCleanups, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
               ImplicitCastExpr, ParenExpr, CStyleCastExpr>(Parent))
        return false;
    }
    return false;
  }

  /// The variable initialised with the thread or future \p Site creates.
  static const VarDecl *handleOf(const Expr *Site,
                                 llvm::ArrayRef<const Stmt *> Ancestors) {
    for (size_t I = Ancestors.size() - 1; I-- > 0;) {
      if (const auto *Decl = dyn_cast<DeclStmt>(Ancestors[I])) {
        if (!Decl->isSingleDecl() || !onlyWrappersBetween(Ancestors, I))
          return nullptr;
        const auto *Var = dyn_cast<VarDecl>(Decl->getSingleDecl());
        if (Var && !Var->getType()->isReferenceType() &&
            (isThreadType(Var->getType()) || isFutureType(Var->getType())))
          return Var;
        return nullptr;
      }
      if (!isa<Expr>(Ancestors[I]))
        return nullptr;
    }
    (void)Site;
    return nullptr;
  }

  void addSpawn(const FunctionDecl *F, const Expr *Site,
                llvm::ArrayRef<const Stmt *> Ancestors, SpawnKind Kind,
                llvm::StringRef EntryName, llvm::ArrayRef<const Expr *> Args,
                const VarDecl *Handle, bool PThreadArg = false) {
    if (Args.empty())
      return;
    std::optional<Callable> Code = callableOf(Args[0]);
    if (!Code || !Code->Body)
      return;
    ThreadSpawn Spawn;
    Spawn.Kind = Kind;
    Spawn.Site = Site;
    Spawn.Spawner = F;
    Spawn.Body = Code->Body;
    Spawn.Lambda = Code->Lambda;
    Spawn.EntryName = EntryName.str();
    Spawn.Handle = Handle;
    Spawn.StartLoc = Site->getBeginLoc();
    for (size_t I = 0; I + 1 < Ancestors.size(); ++I)
      if (isLoopStatement(Ancestors[I])) {
        Spawn.Repeated = true;
        Spawn.StartLoc = Ancestors[I]->getBeginLoc();
        break;
      }
    if (!bind(Spawn, Args.drop_front(), PThreadArg))
      return;
    Spawns.push_back(std::move(Spawn));
  }

  /// Binds the body's parameters (and object, for a member function) to the
  /// arguments passed; returns false when the thread runs on a copy of the
  /// object it was given.
  static bool bind(ThreadSpawn &Spawn, llvm::ArrayRef<const Expr *> Args,
                   bool PThreadArg) {
    const FunctionDecl *Body = Spawn.Body;
    const auto *Method = dyn_cast<CXXMethodDecl>(Body);
    if (Method && !Spawn.Lambda && Method->isInstance()) {
      if (Args.empty())
        return false;
      const Expr *Object = Args.front();
      Args = Args.drop_front();
      if (const Expr *Wrapped = refWrapped(Object)) {
        Spawn.This = resolveMapRef(Wrapped);
      } else if (strip(Object)->getType()->isPointerType()) {
        if (!isa<CXXThisExpr>(strip(Object)))
          Spawn.This = resolvePointeeMapRef(Object);
      } else {
        return false; // a copy of the object
      }
    }
    for (size_t I = 0; I < Args.size() && I < Body->getNumParams(); ++I) {
      const ParmVarDecl *Param = Body->getParamDecl(I);
      std::optional<MapRef> Target;
      if (PThreadArg || Param->getType()->isPointerType())
        Target = resolvePointeeMapRef(Args[I]);
      else if (const Expr *Wrapped = refWrapped(Args[I]))
        Target = resolveMapRef(Wrapped);
      if (Target)
        Spawn.Bindings.push_back(ParamBinding{Param, *Target});
    }
    return true;
  }

  void findJoin(ThreadSpawn &Spawn, llvm::ArrayRef<WaitCall> Waits,
                const Stmt *Body) {
    SourceManager &SM = Context.getSourceManager();
    SourceLocation Start = Spawn.Site->getEndLoc();
    for (const WaitCall &Wait : Waits) {
      if (!SM.isBeforeInTranslationUnit(Start, Wait.Loc))
        continue;
      if (Spawn.Handle && Wait.Object != Spawn.Handle)
        continue;
      if (!Spawn.Handle && Wait.Object &&
          isFutureType(Wait.Object->getType()) !=
              (Spawn.Kind == SpawnKind::Async))
        continue;
      if (Spawn.Kind == SpawnKind::Executor || Spawn.Kind == SpawnKind::PThread)
        continue;
      if (Wait.Detach)
        return;
      Spawn.JoinLoc = Wait.Loc;
      return;
    }
    if (Spawn.Kind == SpawnKind::PThread) {
      // pthread_join(t, ...) after the spawn.
      forEachStmt(Body, [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
        const auto *Call = dyn_cast<CallExpr>(S);
        if (Spawn.JoinLoc.isValid() || !Call || !Call->getDirectCallee() ||
            !Call->getDirectCallee()->getIdentifier() ||
            Call->getDirectCallee()->getName() != "pthread_join")
          return;
        if (SM.isBeforeInTranslationUnit(Start, Call->getBeginLoc()))
          Spawn.JoinLoc = Call->getBeginLoc();
      });
      return;
    }
    // A jthread or a future waits when its variable goes out of scope.
    if (Spawn.Handle && (Spawn.Kind == SpawnKind::JThread ||
                         isFutureType(Spawn.Handle->getType()))) {
      const DeclContext *Context = Spawn.Handle->getDeclContext();
      (void)Context;
      const CompoundStmt *Scope = nullptr;
      forEachStmt(Body, [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Up) {
        const auto *Decl = dyn_cast<DeclStmt>(S);
        if (Scope || !Decl)
          return;
        for (const clang::Decl *D : Decl->decls())
          if (D == Spawn.Handle)
            for (size_t I = Up.size(); I-- > 0;)
              if (const auto *Compound = dyn_cast<CompoundStmt>(Up[I])) {
                Scope = Compound;
                break;
              }
      });
      if (Scope)
        Spawn.JoinLoc = Scope->getRBracLoc();
    }
  }

  const ThreadContextConfig &Config;
  ASTContext &Context;
  std::vector<ThreadSpawn> &Spawns;
  std::vector<const FunctionDecl *> &Scanned;
};

class UserCodeVisitor : public RecursiveASTVisitor<UserCodeVisitor> {
public:
  UserCodeVisitor(SourceManager &SM, SpawnFinder &Finder)
      : SM(SM), Finder(Finder) {}

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *F) {
    if (F->doesThisDeclarationHaveABody() && !F->isDependentContext())
      Finder.scan(F);
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *Lambda) {
    // The call operator is not visited as a declaration.
    if (const CXXMethodDecl *Call = Lambda->getCallOperator())
      if (!Call->isDependentContext())
        Finder.scan(Call);
    return true;
  }

private:
  SourceManager &SM;
  SpawnFinder &Finder;
};

/// A pointer-typed parameter binds what it points to.
bool bindsPointee(const ParmVarDecl *Param) {
  return Param->getType()->isPointerType();
}

MapRef substitute(const MapRef &Local, const MapRef &Target, bool Pointee) {
  MapRef Result = Target;
  if (!Local.Path.empty()) {
    Result.Path.append(Local.Path.begin(), Local.Path.end());
    Result.Derefs = Local.Derefs;
    return Result;
  }
  Result.Derefs = Target.Derefs + Local.Derefs - (Pointee ? 1 : 0);
  return Result;
}

/// How the lambda whose call operator is \p Function captures \p Var, if it
/// does.
std::optional<LambdaCaptureKind> captureKind(const FunctionDecl *Function,
                                             const ValueDecl *Var) {
  const auto *Method = dyn_cast<CXXMethodDecl>(Function);
  if (!Method || !Method->getParent()->isLambda())
    return std::nullopt;
  for (const LambdaCapture &Capture : Method->getParent()->captures())
    if (Capture.capturesVariable() && Capture.getCapturedVar() == Var)
      return Capture.getCaptureKind();
  return std::nullopt;
}

} // namespace

std::optional<MapRef> sharedIdentity(const MapRef &Local,
                                     const ContextFunction &Where) {
  if (!Local.Root)
    return std::nullopt;
  if (const auto *Field = dyn_cast<FieldDecl>(Local.Root)) {
    if (!Where.This)
      return Local;
    MapRef Result = *Where.This;
    Result.Path.push_back(Field);
    Result.Path.append(Local.Path.begin(), Local.Path.end());
    Result.Derefs = Local.Derefs;
    return Result;
  }
  const auto *Var = dyn_cast<VarDecl>(Local.Root);
  if (!Var)
    return std::nullopt; // bindings of structured bindings: not tracked
  if (Var->hasGlobalStorage())
    return Local;
  const DeclContext *Owner = Var->getDeclContext();
  if (Owner == Where.Function) {
    if (const auto *Param = dyn_cast<ParmVarDecl>(Var))
      for (const ParamBinding &Binding : Where.Bindings)
        if (Binding.Param == Param)
          return substitute(Local, Binding.Target, bindsPointee(Param));
    if (Where.OwnsLocals)
      return std::nullopt;
    return Local;
  }
  // A variable of an enclosing function, captured by the lambda.
  if (std::optional<LambdaCaptureKind> Kind = captureKind(Where.Function, Var))
    if (*Kind == LCK_ByCopy)
      return std::nullopt;
  return Local;
}

ThreadContexts::ThreadContexts(ThreadContextConfig Config)
    : Config(std::move(Config)) {}

ThreadContexts::~ThreadContexts() = default;

std::vector<std::string> ThreadContexts::parseNameList(llvm::StringRef List) {
  std::vector<std::string> Names;
  llvm::SmallVector<llvm::StringRef, 4> Entries;
  List.split(Entries, ';', -1, false);
  for (llvm::StringRef Entry : Entries) {
    Entry = Entry.trim();
    Entry.consume_front("::");
    if (!Entry.empty())
      Names.push_back(Entry.str());
  }
  return Names;
}

void ThreadContexts::build(ASTContext &Ctx) {
  if (Built)
    return;
  Built = true;
  Context = &Ctx;
  SpawnFinder Finder(Config, Ctx, Spawns, UserFunctions);
  UserCodeVisitor Visitor(Ctx.getSourceManager(), Finder);
  Visitor.TraverseDecl(Ctx.getTranslationUnitDecl());
}

void ThreadContexts::clear() {
  Built = false;
  Context = nullptr;
  Spawns.clear();
  UserFunctions.clear();
  ThreadSide.clear();
  SpawnerSide.clear();
  MutexOwners.reset();
}

namespace {
class RecordCollector : public RecursiveASTVisitor<RecordCollector> {
public:
  RecordCollector(SourceManager &SM, const LockTypeRegistry &Types,
                  std::vector<const CXXRecordDecl *> &Found)
      : SM(SM), Types(Types), Found(Found) {}

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  // Function bodies hold no class we want (local classes are rare and
  // their methods are not called from elsewhere).
  bool TraverseStmt(Stmt *) { return true; }

  bool VisitCXXRecordDecl(CXXRecordDecl *Record) {
    if (Record->isThisDeclarationADefinition() && !Record->isLambda() &&
        !Record->isUnion() && ownsMutex(Record, Types))
      Found.push_back(Record);
    return true;
  }

private:
  SourceManager &SM;
  const LockTypeRegistry &Types;
  std::vector<const CXXRecordDecl *> &Found;
};
} // namespace

llvm::ArrayRef<const CXXRecordDecl *>
ThreadContexts::mutexOwningClasses(const LockTypeRegistry &Types) {
  if (MutexOwners)
    return *MutexOwners;
  MutexOwners.emplace();
  if (!Context)
    return *MutexOwners;
  RecordCollector Collector(Context->getSourceManager(), Types, *MutexOwners);
  Collector.TraverseDecl(Context->getTranslationUnitDecl());
  return *MutexOwners;
}

bool ThreadContexts::mayOverlap(const ThreadSpawn &A,
                                const ThreadSpawn &B) const {
  if (&A == &B)
    return A.Repeated || A.Kind == SpawnKind::Executor;
  if (!Context)
    return true;
  if (A.Spawner != B.Spawner)
    // Threads that their spawners join are confined to those calls; two
    // such calls are presumed to be sequential. A thread that outlives its
    // spawner may meet anything.
    return A.JoinLoc.isInvalid() || B.JoinLoc.isInvalid();
  SourceManager &SM = Context->getSourceManager();
  if (A.JoinLoc.isValid() &&
      SM.isBeforeInTranslationUnit(A.JoinLoc, B.StartLoc))
    return false;
  if (B.JoinLoc.isValid() &&
      SM.isBeforeInTranslationUnit(B.JoinLoc, A.StartLoc))
    return false;
  return !A.WaitedImmediately && !B.WaitedImmediately;
}

std::vector<ContextFunction>
ThreadContexts::expand(ContextFunction Root, const ThreadSpawn *WindowOf) {
  std::vector<ContextFunction> Result;
  llvm::SmallPtrSet<const FunctionDecl *, 16> Seen;
  Result.push_back(std::move(Root));
  Seen.insert(Result.front().Function);
  SourceManager *SM = Context ? &Context->getSourceManager() : nullptr;
  for (size_t Next = 0; Next < Result.size(); ++Next) {
    ContextFunction Current = Result[Next];
    if (Current.Depth >= Config.CallDepth)
      continue;
    const Stmt *Body = Current.Function->getBody();
    if (!Body)
      continue;
    WalkOptions Options;
    Options.NodeBudget = Config.NodeBudget;
    forEachStmt(
        Body,
        [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
          const auto *Call = dyn_cast<CallExpr>(S);
          if (!Call || Result.size() >= Config.MaxFunctionsPerContext)
            return;
          const FunctionDecl *Callee = definitionOf(Call->getDirectCallee());
          if (!Callee || Seen.count(Callee) || !Callee->getBody())
            return;
          if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
            if (Method->getParent()->isLambda() || Method->isVirtual())
              return;
          if (SM && SM->isInSystemHeader(Callee->getLocation()))
            return;
          if (WindowOf && Current.Depth == 0 &&
              orderOf(*WindowOf, Call) != SpawnOrder::During)
            return;
          ContextFunction Inner;
          Inner.Function = Callee;
          Inner.Depth = Current.Depth + 1;
          Inner.ReachedBy = Call;
          Inner.Parent = static_cast<int>(Next);
          Inner.OwnsLocals = true;
          Inner.This = Current.This;
          unsigned FirstArg = 0;
          if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
            const Expr *Object = Member->getImplicitObjectArgument();
            if (!Object)
              return;
            if (!isa<CXXThisExpr>(Object->IgnoreParenImpCasts())) {
              bool Arrow = false;
              if (const auto *ME =
                      dyn_cast<MemberExpr>(Member->getCallee()->IgnoreParens()))
                Arrow = ME->isArrow();
              std::optional<MapRef> ObjectRef =
                  Arrow ? resolvePointeeMapRef(Object) : resolveMapRef(Object);
              if (!ObjectRef)
                return;
              std::optional<MapRef> Shared =
                  sharedIdentity(*ObjectRef, Current);
              if (!Shared)
                return; // a method of an object private to this context
              Inner.This = Shared;
            }
          } else if (isa<CXXOperatorCallExpr>(Call) &&
                     isa<CXXMethodDecl>(Callee)) {
            return; // operators of other objects: not followed
          } else if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee)) {
            if (Method->isInstance())
              return;
          }
          for (unsigned I = FirstArg;
               I < Call->getNumArgs() && I < Callee->getNumParams(); ++I) {
            const ParmVarDecl *Param = Callee->getParamDecl(I);
            QualType T = Param->getType();
            std::optional<MapRef> Target;
            if (T->isPointerType())
              Target = resolvePointeeMapRef(Call->getArg(I));
            else if (T->isReferenceType())
              Target = resolveMapRef(Call->getArg(I));
            if (!Target)
              continue;
            if (std::optional<MapRef> Shared = sharedIdentity(*Target, Current))
              Inner.Bindings.push_back(ParamBinding{Param, *Shared});
          }
          Seen.insert(Callee);
          Result.push_back(std::move(Inner));
        },
        Options);
  }
  return Result;
}

llvm::ArrayRef<ContextFunction>
ThreadContexts::threadFunctions(const ThreadSpawn &Spawn) {
  auto It = ThreadSide.find(&Spawn);
  if (It != ThreadSide.end())
    return It->second;
  ContextFunction Root;
  Root.Function = Spawn.Body;
  Root.Bindings = Spawn.Bindings;
  Root.This = Spawn.This;
  Root.OwnsLocals = true;
  return ThreadSide[&Spawn] = expand(std::move(Root), nullptr);
}

llvm::ArrayRef<ContextFunction>
ThreadContexts::spawnerFunctions(const ThreadSpawn &Spawn) {
  auto It = SpawnerSide.find(&Spawn);
  if (It != SpawnerSide.end())
    return It->second;
  ContextFunction Root;
  Root.Function = Spawn.Spawner;
  Root.OwnsLocals = false;
  return SpawnerSide[&Spawn] = expand(std::move(Root), &Spawn);
}

llvm::SmallVector<const ThreadSpawn *, 2>
ThreadContexts::spawnsRunning(const FunctionDecl *F) {
  llvm::SmallVector<const ThreadSpawn *, 2> Result;
  if (!F)
    return Result;
  if (const FunctionDecl *Definition = definitionOf(F))
    F = Definition;
  for (const ThreadSpawn &Spawn : Spawns)
    for (const ContextFunction &Function : threadFunctions(Spawn))
      if (Function.Function == F) {
        Result.push_back(&Spawn);
        break;
      }
  return Result;
}

SpawnOrder ThreadContexts::orderOf(const ThreadSpawn &Spawn,
                                   const Stmt *S) const {
  if (!Context || !S || Spawn.WaitedImmediately)
    return Spawn.WaitedImmediately ? SpawnOrder::Before : SpawnOrder::During;
  SourceManager &SM = Context->getSourceManager();
  if (SM.isBeforeInTranslationUnit(S->getEndLoc(), Spawn.StartLoc))
    return SpawnOrder::Before;
  if (Spawn.JoinLoc.isValid() &&
      SM.isBeforeInTranslationUnit(Spawn.JoinLoc, S->getBeginLoc()))
    return SpawnOrder::After;
  return SpawnOrder::During;
}

bool ownsMutex(const CXXRecordDecl *Record, const LockTypeRegistry &Types) {
  std::function<bool(const CXXRecordDecl *, unsigned)> Owns =
      [&](const CXXRecordDecl *R, unsigned Depth) {
        if (!R || !R->hasDefinition() || Depth > BaseDepthLimit)
          return false;
        R = R->getDefinition();
        for (const FieldDecl *Field : R->fields())
          if (Types.isMutex(Field->getType()))
            return true;
        for (const CXXBaseSpecifier &Base : R->bases())
          if (Owns(Base.getType()->getAsCXXRecordDecl(), Depth + 1))
            return true;
        return false;
      };
  return Owns(Record, 0);
}

namespace {

/// A flag read: a bool or atomic object that is a member or global, read
/// directly, through load(), its conversion, or stop_requested().
bool isFlagRead(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 4)
    return false;
  E = E->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(E))
    return Not->getOpcode() == UO_LNot &&
           isFlagRead(Not->getSubExpr(), Depth + 1);
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (!Method)
      return false;
    bool Reads =
        isa<CXXConversionDecl>(Method) ||
        (Method->getIdentifier() && (Method->getName() == "load" ||
                                     Method->getName() == "stop_requested"));
    if (!Reads)
      return false;
    if (Method->getIdentifier() && Method->getName() == "stop_requested")
      return true;
    return isFlagRead(Call->getImplicitObjectArgument(), Depth + 1);
  }
  const ValueDecl *D = nullptr;
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    D = Member->getMemberDecl();
  else if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    D = Ref->getDecl();
  if (!D)
    return false;
  if (const auto *Var = dyn_cast<VarDecl>(D))
    if (!Var->hasGlobalStorage() && !Var->getType()->isReferenceType())
      return false; // a local flag is not an outside stop signal
  QualType T = D->getType().getNonReferenceType();
  if (T->isBooleanType())
    return true;
  std::string Name = classNameOf(T);
  return Name == "std::atomic" || Name == "std::atomic_bool";
}

bool conditionRunsForever(const Expr *Cond, ASTContext &Context) {
  if (!Cond)
    return true;
  if (!Cond->isValueDependent()) {
    bool Value = false;
    if (Cond->EvaluateAsBooleanCondition(Value, Context))
      return Value;
  }
  return isFlagRead(Cond);
}

} // namespace

bool isEndlessLoop(const Stmt *Loop, ASTContext &Context) {
  if (const auto *For = dyn_cast_or_null<ForStmt>(Loop))
    return conditionRunsForever(For->getCond(), Context);
  if (const auto *While = dyn_cast_or_null<WhileStmt>(Loop))
    return While->getCond() && conditionRunsForever(While->getCond(), Context);
  if (const auto *Do = dyn_cast_or_null<DoStmt>(Loop))
    return Do->getCond() && conditionRunsForever(Do->getCond(), Context);
  return false;
}

} // namespace mapguard::analysis
