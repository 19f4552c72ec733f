//===- Escapes.cpp --------------------------------------------------------===//

#include "Escapes.h"
#include "MapAccess.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSwitch.h"
#include <algorithm>

using namespace clang;

namespace mapguard::analysis {
namespace {

/// Wrappers that only convert or carry a callable or pointer: what they
/// produce still holds the reference.
bool isCallableWrapperType(QualType T) {
  std::string Name = classNameOf(T);
  return Name == "std::function" || Name == "std::move_only_function" ||
         Name == "std::copyable_function" || Name == "std::reference_wrapper" ||
         Name == "std::packaged_task";
}

bool isInsertingMember(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("push_back", "emplace_back", "push_front", "emplace_front", true)
      .Cases("insert", "emplace", "emplace_hint", "push", true)
      .Cases("try_emplace", "insert_or_assign", true)
      .Default(false);
}

const FunctionDecl *directCallee(const Stmt *S) {
  if (const auto *Call = dyn_cast<CallExpr>(S))
    return Call->getDirectCallee();
  return nullptr;
}

std::string calleeName(const Stmt *S) {
  const FunctionDecl *Callee = directCallee(S);
  return Callee ? qualifiedNameWithoutInlineNamespaces(Callee) : std::string();
}

int argumentIndex(const Stmt *Call, const Stmt *Arg) {
  if (const auto *C = dyn_cast<CallExpr>(Call)) {
    for (unsigned I = 0, N = C->getNumArgs(); I < N; ++I)
      if (C->getArg(I) == Arg)
        return static_cast<int>(I);
  } else if (const auto *C = dyn_cast<CXXConstructExpr>(Call)) {
    for (unsigned I = 0, N = C->getNumArgs(); I < N; ++I)
      if (C->getArg(I) == Arg)
        return static_cast<int>(I);
  }
  return -1;
}

/// The map's scope: the statement whose end destroys it.
struct LocalMap {
  const VarDecl *Var = nullptr;
  const Stmt *Scope = nullptr;
  SourceLocation ScopeEnd;
};

SourceLocation endOfScope(const Stmt *Scope) {
  if (const auto *Block = dyn_cast<CompoundStmt>(Scope))
    return Block->getRBracLoc();
  return Scope->getEndLoc();
}

/// How the spawner waits for a thread or task handle.
struct WaitRule {
  /// Methods that wait (`join`; `get`, `wait` for futures).
  llvm::SmallVector<llvm::StringRef, 2> WaitMethods;
  /// Destroying the handle waits (std::jthread, std::async's future).
  bool DestructorWaits = false;
  /// pthread_join / pthread_detach on the handle.
  bool PThread = false;
  /// Report when nothing waits (known semantics); otherwise stay silent.
  bool ReportUnwaited = true;
};

enum class WaitVerdict { Waited, Detached, NotWaited, Unknown };

class EscapeFinder {
public:
  EscapeFinder(const FunctionDecl *F, const MapTypeRegistry &Maps,
               const EscapeOptions &Options, ASTContext &Context)
      : F(F), Maps(Maps), Options(Options), SM(Context.getSourceManager()) {}

  std::vector<MapEscape> run() {
    if (!F->getBody() || !collectLocals())
      return {};
    WalkOptions Walk;
    Walk.IntoLambdas = true;
    Walk.NodeBudget = Options.NodeBudget;
    forEachStmt(
        F->getBody(),
        [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
          visit(S, Chain);
        },
        Walk);
    return std::move(Found);
  }

private:
  struct Escaping {
    const LocalMap *Map = nullptr;
    EscapeHandle Handle = EscapeHandle::Address;
    SourceLocation Loc;
    /// Clang's -Wreturn-stack-address sees this one when returned directly.
    bool ClangSeesReturn = false;
  };

  // --- local maps ---------------------------------------------------------

  bool collectLocals() {
    for (const ParmVarDecl *Param : F->parameters())
      if (!Param->getType()->isReferenceType() && Maps.classify(Param->getType()))
        Locals[Param] = LocalMap{Param, F->getBody(), endOfScope(F->getBody())};
    WalkOptions Walk;
    Walk.IntoLambdas = true;
    Walk.NodeBudget = Options.NodeBudget;
    bool Complete = forEachStmt(
        F->getBody(),
        [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
          const auto *Decls = dyn_cast<DeclStmt>(S);
          if (!Decls || Chain.size() < 2)
            return;
          const Stmt *Scope = Chain[Chain.size() - 2];
          for (const Decl *D : Decls->decls()) {
            const auto *Var = dyn_cast<VarDecl>(D);
            if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var))
              continue;
            ScopeOf[Var] = Scope;
            if (Var->getType()->isReferenceType() ||
                !Maps.classify(Var->getType()))
              continue;
            Locals[Var] = LocalMap{Var, Scope, endOfScope(Scope)};
          }
        },
        Walk);
    return Complete && !Locals.empty();
  }

  const LocalMap *localMapOf(const std::optional<MapRef> &Ref) const {
    if (!Ref || !Ref->Path.empty() || Ref->Derefs != 0)
      return nullptr;
    const auto *Var = dyn_cast_or_null<VarDecl>(Ref->Root);
    auto It = Locals.find(Var);
    return It == Locals.end() ? nullptr : &It->second;
  }

  /// A local pointer (or reference) variable that denotes a local map.
  const LocalMap *aliasedMap(const VarDecl *Var, bool &IsPointer) const {
    if (!Var || !Var->hasLocalStorage() || !Var->hasInit() ||
        Var->isInitCapture())
      return nullptr;
    IsPointer = Var->getType()->isPointerType();
    if (IsPointer)
      return localMapOf(resolvePointeePointer(Var->getInit()));
    if (Var->getType()->isReferenceType())
      return localMapOf(resolveMapRef(Var->getInit()));
    return nullptr;
  }

  static std::optional<MapRef> resolvePointeePointer(const Expr *E) {
    return resolvePointeeMapRef(E);
  }

  bool inScope(SourceLocation Loc, const LocalMap &M) const {
    SourceRange Range = M.Scope->getSourceRange();
    return Loc.isValid() && !SM.isBeforeInTranslationUnit(Loc, Range.getBegin()) &&
           !SM.isBeforeInTranslationUnit(Range.getEnd(), Loc);
  }

  // --- candidates ---------------------------------------------------------

  void visit(const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      visitLambda(Lambda, Chain);
      return;
    }
    if (const auto *Unary = dyn_cast<UnaryOperator>(S)) {
      if (Unary->getOpcode() == UO_AddrOf)
        if (const LocalMap *M = localMapOf(resolveMapRef(Unary->getSubExpr())))
          follow(Chain, {M, EscapeHandle::Address, Unary->getBeginLoc(), true});
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      if (Call->getNumArgs() != 1)
        return;
      std::string Name = calleeName(Call);
      if (Name != "std::ref" && Name != "std::cref" && Name != "std::addressof")
        return;
      if (const LocalMap *M = localMapOf(resolveMapRef(Call->getArg(0))))
        follow(Chain, {M,
                       Name == "std::addressof" ? EscapeHandle::Address
                                                : EscapeHandle::ReferenceWrapper,
                       Call->getBeginLoc(), Name == "std::addressof"});
      return;
    }
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
      const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
      if (!Var)
        return;
      // A variable holding a lambda that captured a local map by reference.
      auto Held = LambdaVars.find(Var);
      if (Held != LambdaVars.end()) {
        for (const Escaping &E : Held->second)
          follow(Chain, {E.Map, E.Handle, E.Loc, false});
        return;
      }
      // A local pointer to a local map, read as a value.
      bool IsPointer = false;
      const LocalMap *M = aliasedMap(Var, IsPointer);
      if (!M || !IsPointer)
        return;
      // Read as a value: lvalue-to-rvalue, after the xvalue cast that
      // C++23's implicit move adds to `return p;`.
      for (size_t I = Chain.size() - 1; I-- > 0;) {
        const auto *Cast = dyn_cast<ImplicitCastExpr>(Chain[I]);
        if (!Cast)
          return;
        if (Cast->getCastKind() == CK_LValueToRValue) {
          follow(Chain.take_front(I + 1),
                 {M, EscapeHandle::Address, Ref->getBeginLoc(), false});
          return;
        }
        if (Cast->getCastKind() != CK_NoOp)
          return;
      }
    }
  }

  void visitLambda(const LambdaExpr *Lambda, llvm::ArrayRef<const Stmt *> Chain) {
    llvm::SmallVector<Escaping, 2> Captured;
    auto Add = [&](const LocalMap *M, EscapeHandle Handle, SourceLocation Loc,
                   bool ClangSees) {
      if (!M)
        return;
      for (Escaping &E : Captured)
        if (E.Map == M) {
          E.ClangSeesReturn |= ClangSees;
          return;
        }
      Captured.push_back({M, Handle, Loc, ClangSees});
    };
    for (const LambdaCapture &Capture : Lambda->captures()) {
      if (!Capture.capturesVariable())
        continue;
      const auto *Var = dyn_cast_or_null<VarDecl>(Capture.getCapturedVar());
      if (!Var)
        continue;
      bool ByRef = Capture.getCaptureKind() == LCK_ByRef;
      SourceLocation Loc = Capture.getLocation();
      if (Var->isInitCapture()) {
        const Expr *Init = Var->getInit();
        if (Var->getType()->isReferenceType())
          Add(localMapOf(resolveMapRef(Init)), EscapeHandle::CapturedByReference,
              Loc, true);
        else if (Var->getType()->isPointerType())
          Add(localMapOf(resolvePointeeMapRef(Init)),
              EscapeHandle::CapturedPointer, Loc,
              Init && isa<UnaryOperator>(Init->IgnoreParenImpCasts()));
        continue;
      }
      auto Local = Locals.find(Var);
      if (Local != Locals.end()) {
        // Clang follows explicit and implicit by-reference captures of a
        // lambda returned as it is.
        if (ByRef)
          Add(&Local->second, EscapeHandle::CapturedByReference, Loc, true);
        continue;
      }
      bool IsPointer = false;
      const LocalMap *M = aliasedMap(Var, IsPointer);
      if (!M)
        continue;
      if (IsPointer)
        Add(M, EscapeHandle::CapturedPointer, Loc, false);
      else if (ByRef)
        Add(M, EscapeHandle::CapturedByReference, Loc, true);
    }
    for (const Escaping &E : Captured)
      follow(Chain, E);
  }

  // --- where an escaping value goes ---------------------------------------

  /// Climbs over wrappers that keep holding the reference; returns the index
  /// of the outermost one. \p ClangTransparent turns false when a wrapper
  /// that Clang's return-address analysis does not look through is passed.
  size_t climb(llvm::ArrayRef<const Stmt *> Chain, size_t I,
               bool &ClangTransparent) const {
    while (I > 0) {
      const Stmt *Parent = Chain[I - 1];
      if (isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
              CXXBindTemporaryExpr, ExprWithCleanups, ConditionalOperator>(
              Parent)) {
        --I;
        continue;
      }
      if (isa<ExplicitCastExpr, InitListExpr, CXXStdInitializerListExpr>(Parent)) {
        ClangTransparent = false;
        --I;
        continue;
      }
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(Parent))
        if (isCallableWrapperType(Construct->getType()) &&
            argumentIndex(Construct, Chain[I]) == 0) {
          ClangTransparent = false;
          --I;
          continue;
        }
      if (calleeName(Parent) == "std::move") {
        ClangTransparent = false;
        --I;
        continue;
      }
      break;
    }
    return I;
  }

  void follow(llvm::ArrayRef<const Stmt *> Chain, const Escaping &E) {
    if (Chain.empty())
      return;
    bool ClangTransparent = true;
    size_t I = climb(Chain, Chain.size() - 1, ClangTransparent);
    if (I == 0)
      return;
    const Stmt *Cur = Chain[I];
    const Stmt *Parent = Chain[I - 1];
    auto Escaped = [&](EscapeTarget Target, const Stmt *Site) {
      MapEscape Result;
      Result.Map = E.Map->Var;
      Result.Handle = E.Handle;
      Result.Escaping = dyn_cast<Expr>(Chain.back());
      Result.Loc = E.Loc;
      Result.Target = Target;
      Result.TargetSite = Site;
      Result.ScopeEnd = E.Map->ScopeEnd;
      return Result;
    };

    // Handed to a thread or task.
    auto IsExecutor = [&](llvm::StringRef Name) {
      return Options.ExecutorFunctions.contains(Name);
    };
    auto Spawned = [&](EscapeTarget Target, const Stmt *Site,
                       const SpawnSite &Spawn) {
      MapEscape Result = Escaped(Target, Site);
      Result.Spawn = Spawn.Kind;
      Result.EntryName = Spawn.EntryName;
      return Result;
    };
    auto HandedToTask = [&](const Stmt *Site, const SpawnSite &Spawn) {
      MapEscape Result = Spawned(EscapeTarget::Task, Site, Spawn);
      if (taskEscapes(Chain.take_front(I), *E.Map, Result))
        record(std::move(Result));
    };
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Parent)) {
      if (std::optional<SpawnSite> Spawn = spawnAt(Construct, IsExecutor)) {
        MapEscape Result =
            Spawned(EscapeTarget::UnjoinedThread, Construct, *Spawn);
        if (threadObjectEscapes(Chain.take_front(I), Construct, *E.Map, Result))
          record(std::move(Result));
      }
      return;
    }
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Parent)) {
      const CXXMethodDecl *Method = Member->getMethodDecl();
      const Expr *Object = Member->getImplicitObjectArgument();
      if (!Method || !Object || !Method->getIdentifier() ||
          argumentIndex(Member, Cur) < 0)
        return;
      if (std::optional<SpawnSite> Spawn = spawnAt(Member, IsExecutor)) {
        if (Spawn->Kind == SpawnKind::Executor) {
          HandedToTask(Member, *Spawn);
          return;
        }
        // `workers.emplace_back([&] { ... })` starts a thread in place.
        MapEscape Result =
            Spawned(EscapeTarget::UnjoinedThread, Member, *Spawn);
        Result.IntoContainer = true;
        if (handleEscapes(resolveMapRef(Spawn->Container), *E.Map, Member,
                          threadRule(Spawn->Kind), Result))
          record(std::move(Result));
        return;
      }
      if (!isInsertingMember(Method->getName()))
        return;
      MapEscape Result = Escaped(EscapeTarget::Member, Member);
      Result.IntoContainer = true;
      if (storedIn(Object, *E.Map, Result))
        record(std::move(Result));
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(Parent)) {
      if (isa<CXXOperatorCallExpr>(Call)) {
        const auto *Operator = cast<CXXOperatorCallExpr>(Call);
        if (Operator->getOperator() == OO_Equal && Operator->getNumArgs() == 2 &&
            Operator->getArg(1) == Cur) {
          MapEscape Result = Escaped(EscapeTarget::Member, Operator);
          if (storedIn(Operator->getArg(0), *E.Map, Result))
            record(std::move(Result));
        }
        return;
      }
      std::optional<SpawnSite> Spawn = spawnAt(Call, IsExecutor);
      if (!Spawn)
        return;
      switch (Spawn->Kind) {
      case SpawnKind::Async: {
        MapEscape Result = Spawned(EscapeTarget::UnwaitedFuture, Call, *Spawn);
        if (futureEscapes(Chain.take_front(I), *E.Map, Result))
          record(std::move(Result));
        return;
      }
      case SpawnKind::PThread: {
        // The map's address as the start routine's argument.
        if (argumentIndex(Call, Cur) != 3)
          return;
        MapEscape Result = Spawned(EscapeTarget::UnjoinedThread, Call, *Spawn);
        WaitRule Rule;
        Rule.PThread = true;
        if (handleEscapes(resolvePointeeMapRef(Call->getArg(0)), *E.Map, Call,
                          Rule, Result))
          record(std::move(Result));
        return;
      }
      case SpawnKind::Executor:
        HandedToTask(Call, *Spawn);
        return;
      case SpawnKind::Thread:
      case SpawnKind::JThread:
        return; // constructions are handled above
      }
      return;
    }
    if (const auto *Binary = dyn_cast<BinaryOperator>(Parent)) {
      if (Binary->getOpcode() == BO_Assign && Binary->getRHS() == Cur) {
        MapEscape Result = Escaped(EscapeTarget::Member, Binary);
        if (storedIn(Binary->getLHS(), *E.Map, Result))
          record(std::move(Result));
      }
      return;
    }
    if (const auto *Decls = dyn_cast<DeclStmt>(Parent)) {
      for (const Decl *D : Decls->decls()) {
        const auto *Var = dyn_cast<VarDecl>(D);
        if (!Var || Var->getInit() != Cur)
          continue;
        if (Var->isStaticLocal()) {
          MapEscape Result = Escaped(EscapeTarget::StaticLocal, Decls);
          Result.TargetName = Var->getNameAsString();
          record(std::move(Result));
        } else if (Var->hasLocalStorage() && isa<LambdaExpr>(Chain.back()) &&
                   !Var->getType()->isReferenceType()) {
          // One level of indirection: follow the variable's later uses.
          LambdaVars[Var].push_back(E);
        }
      }
      return;
    }
    if (isa<ReturnStmt>(Parent)) {
      if (Options.SkipReturnsClangReports && ClangTransparent && E.ClangSeesReturn)
        return; // -Wreturn-stack-address reports this return
      record(Escaped(EscapeTarget::Returned, Parent));
    }
  }

  static WaitRule threadRule(SpawnKind Kind) {
    WaitRule Rule;
    Rule.WaitMethods = {"join"};
    Rule.DestructorWaits = Kind == SpawnKind::JThread;
    return Rule;
  }

  /// Where a thread object constructed at \p Chain.back() goes.
  bool threadObjectEscapes(llvm::ArrayRef<const Stmt *> Chain,
                           const CXXConstructExpr *Construct, const LocalMap &M,
                           MapEscape &Result) {
    SpawnKind Kind = *Result.Spawn;
    size_t I = Chain.size() - 1;
    while (I > 0 && isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
                        CXXBindTemporaryExpr, ExprWithCleanups,
                        CXXFunctionalCastExpr>(Chain[I - 1]))
      --I;
    if (I == 0)
      return false;
    const Stmt *Cur = Chain[I];
    const Stmt *Parent = Chain[I - 1];
    if (const auto *Member = dyn_cast<MemberExpr>(Parent)) {
      const auto *Method = dyn_cast<CXXMethodDecl>(Member->getMemberDecl());
      if (Method && Method->getIdentifier() && Method->getName() == "detach") {
        Result.Target = EscapeTarget::DetachedThread;
        Result.DetachLoc = Member->getMemberLoc();
        return true;
      }
      return false; // joined right away, or something else
    }
    if (const auto *Decls = dyn_cast<DeclStmt>(Parent)) {
      for (const Decl *D : Decls->decls())
        if (const auto *Var = dyn_cast<VarDecl>(D))
          if (Var->getInit() == Cur) {
            MapRef Handle;
            Handle.Root = Var;
            Handle.Owner = Var->isStaticLocal() ? MapOwner::StaticLocal
                                                : MapOwner::Local;
            return handleEscapes(Handle, M, Construct, threadRule(Kind), Result);
          }
      return false;
    }
    const Expr *Target = nullptr;
    if (const auto *Binary = dyn_cast<BinaryOperator>(Parent)) {
      if (Binary->getOpcode() == BO_Assign && Binary->getRHS() == Cur)
        Target = Binary->getLHS();
    } else if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Parent)) {
      if (Operator->getOperator() == OO_Equal && Operator->getNumArgs() == 2 &&
          Operator->getArg(1) == Cur)
        Target = Operator->getArg(0);
    } else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Parent)) {
      const CXXMethodDecl *Method = Member->getMethodDecl();
      if (Method && Method->getIdentifier() &&
          isInsertingMember(Method->getName())) {
        Target = Member->getImplicitObjectArgument();
        Result.IntoContainer = true;
      }
    } else if (isa<ReturnStmt>(Parent)) {
      return true; // the running thread leaves with the caller
    }
    if (!Target)
      return false;
    return handleEscapes(resolveMapRef(Target), M, Construct, threadRule(Kind),
                         Result);
  }

  /// Where the future of std::async goes; the future's destructor waits.
  bool futureEscapes(llvm::ArrayRef<const Stmt *> Chain, const LocalMap &M,
                     MapEscape &Result) {
    WaitRule Rule;
    Rule.WaitMethods = {"get", "wait"};
    Rule.DestructorWaits = true;
    return resultEscapes(Chain, M, Rule, Result, /*DiscardedEscapes=*/false);
  }

  /// Where an executor's result goes: unknown futures do not wait on
  /// destruction, so only a discarded result is certain to be unwaited.
  bool taskEscapes(llvm::ArrayRef<const Stmt *> Chain, const LocalMap &M,
                   MapEscape &Result) {
    WaitRule Rule;
    Rule.WaitMethods = {"get", "wait", "join"};
    Rule.ReportUnwaited = false;
    return resultEscapes(Chain, M, Rule, Result, /*DiscardedEscapes=*/true);
  }

  bool resultEscapes(llvm::ArrayRef<const Stmt *> Chain, const LocalMap &M,
                     const WaitRule &Rule, MapEscape &Result,
                     bool DiscardedEscapes) {
    const Stmt *Spawn = Chain.back();
    size_t I = Chain.size() - 1;
    while (I > 0 && isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
                        CXXBindTemporaryExpr, ExprWithCleanups>(Chain[I - 1]))
      --I;
    if (I == 0)
      return DiscardedEscapes;
    const Stmt *Cur = Chain[I];
    const Stmt *Parent = Chain[I - 1];
    if (!isa<Expr>(Parent) && !isa<DeclStmt, ReturnStmt>(Parent))
      return DiscardedEscapes; // an expression statement: result discarded
    if (isa<ReturnStmt>(Parent))
      return true;
    if (isa<MemberExpr>(Parent))
      return false; // `.get()` / `.wait()` right away, or another use
    if (const auto *Decls = dyn_cast<DeclStmt>(Parent)) {
      for (const Decl *D : Decls->decls())
        if (const auto *Var = dyn_cast<VarDecl>(D))
          if (Var->getInit() == Cur) {
            MapRef Handle;
            Handle.Root = Var;
            Handle.Owner = Var->isStaticLocal() ? MapOwner::StaticLocal
                                                : MapOwner::Local;
            Result.TargetName = Var->getNameAsString();
            return handleEscapes(Handle, M, Spawn, Rule, Result);
          }
      return false;
    }
    const Expr *Target = nullptr;
    if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Parent)) {
      if (Operator->getOperator() == OO_Equal && Operator->getNumArgs() == 2 &&
          Operator->getArg(1) == Cur)
        Target = Operator->getArg(0);
    } else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Parent)) {
      const CXXMethodDecl *Method = Member->getMethodDecl();
      if (Method && Method->getIdentifier() &&
          isInsertingMember(Method->getName())) {
        Target = Member->getImplicitObjectArgument();
        Result.IntoContainer = true;
      }
    }
    if (!Target)
      return false;
    return handleEscapes(resolveMapRef(Target), M, Spawn, Rule, Result);
  }

  /// Whether the thread, future or task held by \p Handle may still run when
  /// \p M's scope ends. Fills Result's target and names.
  bool handleEscapes(const std::optional<MapRef> &Handle, const LocalMap &M,
                     const Stmt *Spawn, const WaitRule &Rule,
                     MapEscape &Result) {
    if (!Handle)
      return false;
    Result.TargetName = Handle->name();
    switch (waitVerdict(*Handle, M, Spawn, Rule, Result.DetachLoc)) {
    case WaitVerdict::Waited:
    case WaitVerdict::Unknown:
      return false;
    case WaitVerdict::Detached:
      Result.Target = EscapeTarget::DetachedThread;
      return true;
    case WaitVerdict::NotWaited:
      break;
    }
    if (Rule.DestructorWaits && Handle->Owner == MapOwner::Local &&
        Handle->Path.empty() && Handle->Derefs == 0) {
      // Destroyed (and so waited for) before the map when declared after it
      // in its scope.
      const auto *Var = dyn_cast<VarDecl>(Handle->Root);
      if (Var && inScope(Var->getLocation(), M) &&
          SM.isBeforeInTranslationUnit(M.Var->getLocation(), Var->getLocation()))
        return false;
    }
    return Rule.ReportUnwaited;
  }

  /// Scans \p M's scope after \p Spawn for what happens to \p Handle.
  WaitVerdict waitVerdict(const MapRef &Handle, const LocalMap &M,
                          const Stmt *Spawn, const WaitRule &Rule,
                          SourceLocation &DetachLoc) {
    SourceLocation After = Spawn->getEndLoc();
    llvm::SmallPtrSet<const VarDecl *, 2> Elements; // range-for over Handle
    bool Waited = false, Detached = false, Unknown = false;
    auto IsHandle = [&](const Expr *E) {
      if (!E)
        return false;
      E = E->IgnoreParenImpCasts();
      if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
        if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
          if (Elements.contains(Var))
            return true;
      if (const auto *Subscript = dyn_cast<CXXOperatorCallExpr>(E))
        if (Subscript->getOperator() == OO_Subscript)
          E = Subscript->getArg(0);
      return resolveMapRef(E) == std::optional<MapRef>(Handle);
    };
    // A local handle declared inside the map's scope can only be joined or
    // detached within its own scope: scan that one.
    const Stmt *Region = M.Scope;
    if (Handle.Owner == MapOwner::Local && Handle.Path.empty())
      if (const auto *Var = dyn_cast<VarDecl>(Handle.Root)) {
        auto It = ScopeOf.find(Var);
        if (It != ScopeOf.end() && inScope(Var->getLocation(), M))
          Region = It->second;
      }
    // Every scan of this function shares one budget, so that many spawns in
    // one huge function stay linear-ish; past it, nothing more is reported.
    if (ScanBudget == 0)
      return WaitVerdict::Unknown;
    WalkOptions Walk;
    Walk.IntoLambdas = true;
    Walk.NodeBudget = std::min(Options.NodeBudget, ScanBudget);
    unsigned Visited = 0;
    bool Complete = forEachStmt(
        Region,
        [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
          ++Visited;
          if (const auto *Loop = dyn_cast<CXXForRangeStmt>(S)) {
            if (Loop->getLoopVariable() && IsHandle(Loop->getRangeInit()))
              Elements.insert(Loop->getLoopVariable());
            return;
          }
          if (!SM.isBeforeInTranslationUnit(After, S->getBeginLoc()))
            return;
          if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S)) {
            const CXXMethodDecl *Method = Member->getMethodDecl();
            if (!Method || !Method->getIdentifier() ||
                !IsHandle(Member->getImplicitObjectArgument()))
              return;
            llvm::StringRef Name = Method->getName();
            if (Name == "detach") {
              Detached = true;
              DetachLoc = Member->getExprLoc();
            } else if (llvm::is_contained(Rule.WaitMethods, Name)) {
              Waited = true;
            }
            return;
          }
          const auto *Call = dyn_cast<CallExpr>(S);
          if (!Call || isa<CXXOperatorCallExpr>(Call))
            return;
          std::string Name = calleeName(Call);
          for (const Expr *Arg : Call->arguments()) {
            const Expr *Inner = Arg->IgnoreParenImpCasts();
            if (const auto *Addr = dyn_cast<UnaryOperator>(Inner))
              if (Addr->getOpcode() == UO_AddrOf)
                Inner = Addr->getSubExpr();
            if (!IsHandle(Inner))
              continue;
            if (Rule.PThread && Name == "pthread_join")
              Waited = true;
            else if (Rule.PThread && Name == "pthread_detach") {
              Detached = true;
              DetachLoc = Call->getBeginLoc();
            } else if (Name != "pthread_create")
              Unknown = true; // handed on: someone else may wait for it
          }
        },
        Walk);
    ScanBudget -= std::min(ScanBudget, Visited);
    if (!Complete)
      return WaitVerdict::Unknown;
    if (Detached)
      return WaitVerdict::Detached;
    if (Waited)
      return WaitVerdict::Waited;
    if (Unknown)
      return WaitVerdict::Unknown;
    return WaitVerdict::NotWaited;
  }

  /// Whether storing into \p Target keeps the value beyond \p M's scope.
  bool storedIn(const Expr *Target, const LocalMap &M, MapEscape &Result) {
    if (!Target)
      return false;
    Target = Target->IgnoreParenImpCasts();
    if (const auto *Subscript = dyn_cast<CXXOperatorCallExpr>(Target))
      if (Subscript->getOperator() == OO_Subscript) {
        Target = Subscript->getArg(0)->IgnoreParenImpCasts();
        Result.IntoContainer = true;
      }
    if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(Target)) {
      Target = Subscript->getBase()->IgnoreParenImpCasts();
      Result.IntoContainer = true;
    }
    std::optional<MapRef> Ref = resolveMapRef(Target);
    if (!Ref)
      return false;
    Result.TargetName = Ref->name();
    switch (Ref->Owner) {
    case MapOwner::Member:
      Result.Target = EscapeTarget::Member;
      return true;
    case MapOwner::Global:
      Result.Target = EscapeTarget::Global;
      return true;
    case MapOwner::StaticLocal:
      Result.Target = EscapeTarget::StaticLocal;
      return true;
    case MapOwner::Parameter: {
      const auto *Param = dyn_cast<ParmVarDecl>(Ref->Root);
      if (!Param || !(Param->getType()->isReferenceType() ||
                      Param->getType()->isPointerType()))
        return false;
      Result.Target = EscapeTarget::CallerObject;
      return true;
    }
    case MapOwner::Local: {
      const auto *Var = dyn_cast<VarDecl>(Ref->Root);
      if (!Var || Ref->Derefs != 0 || Var->getType()->isReferenceType() ||
          Var->getType()->isPointerType() || inScope(Var->getLocation(), M))
        return false;
      Result.Target = EscapeTarget::OuterLocal;
      return true;
    }
    }
    return false;
  }

  void record(MapEscape Escape) {
    for (const MapEscape &Existing : Found)
      if (Existing.Map == Escape.Map && Existing.Escaping == Escape.Escaping &&
          Existing.TargetSite == Escape.TargetSite)
        return;
    Found.push_back(std::move(Escape));
  }

  const FunctionDecl *F;
  const MapTypeRegistry &Maps;
  const EscapeOptions &Options;
  const SourceManager &SM;
  llvm::DenseMap<const VarDecl *, LocalMap> Locals;
  /// The statement whose end destroys each local variable of the function.
  llvm::DenseMap<const VarDecl *, const Stmt *> ScopeOf;
  /// Statements left for the scans that look for joins and waits.
  unsigned ScanBudget = 200000;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<Escaping, 1>> LambdaVars;
  std::vector<MapEscape> Found;
};

/// Whether \p New allocates one map object that the caller must delete.
bool allocatesOwnedMap(const CXXNewExpr *New, const MapTypeRegistry &Maps) {
  return New && !New->isArray() && New->getNumPlacementArgs() == 0 &&
         Maps.classify(New->getAllocatedType());
}

/// Whether the local pointer \p Owner is ever handed on in \p Body: passed
/// to a call or constructor, copied into another variable, returned.
bool isHandedOn(const VarDecl *Owner, const Stmt *Body, unsigned NodeBudget) {
  bool HandedOn = false;
  WalkOptions Walk;
  Walk.IntoLambdas = true;
  Walk.NodeBudget = NodeBudget;
  bool Complete = forEachStmt(
      Body,
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
        const auto *Ref = dyn_cast<DeclRefExpr>(S);
        if (HandedOn || !Ref || Ref->getDecl() != Owner || Chain.size() < 2)
          return;
        size_t I = Chain.size() - 1;
        while (I > 0 && isa<ImplicitCastExpr, ParenExpr>(Chain[I - 1]))
          --I;
        if (I == 0)
          return;
        const Stmt *Parent = Chain[I - 1];
        // Uses that keep ownership where it is: `p->find(k)`, `*p`,
        // `delete p`, `p == nullptr`, `if (p)`, `p = ...`.
        if (const auto *Member = dyn_cast<MemberExpr>(Parent))
          if (Member->isArrow())
            return;
        if (const auto *Unary = dyn_cast<UnaryOperator>(Parent))
          if (Unary->getOpcode() == UO_Deref)
            return;
        if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Parent))
          if (Operator->getNumArgs() >= 1 && Operator->getArg(0) == Chain[I])
            return; // `(*p)[k]` spelled p->operator[], `p->...`
        if (isa<CXXDeleteExpr>(Parent))
          return;
        if (const auto *Binary = dyn_cast<BinaryOperator>(Parent))
          if (Binary->isComparisonOp() ||
              (Binary->isAssignmentOp() && Binary->getLHS() == Chain[I]))
            return;
        if (const auto *Cast = dyn_cast<ImplicitCastExpr>(Chain[Chain.size() - 2]))
          if (Cast->getCastKind() == CK_PointerToBoolean)
            return;
        HandedOn = true;
      },
      Walk);
  return HandedOn || !Complete;
}

} // namespace

std::vector<MapEscape> findMapEscapes(const FunctionDecl *F,
                                      const MapTypeRegistry &Maps,
                                      const EscapeOptions &Options,
                                      ASTContext &Context) {
  if (!F)
    return {};
  return EscapeFinder(F, Maps, Options, Context).run();
}

std::optional<RawOwnedMap>
rawOwnedMapAllocation(llvm::ArrayRef<const Stmt *> Ancestors,
                      const FunctionDecl *F, const MapTypeRegistry &Maps,
                      unsigned NodeBudget) {
  if (Ancestors.empty() || !F || !F->getBody())
    return std::nullopt;
  const auto *New = dyn_cast<CXXNewExpr>(Ancestors.back());
  if (!allocatesOwnedMap(New, Maps))
    return std::nullopt;
  size_t I = Ancestors.size() - 1;
  while (I > 0 && isa<ImplicitCastExpr, ParenExpr, ExprWithCleanups>(Ancestors[I - 1]))
    --I;
  if (I == 0)
    return std::nullopt;
  const Stmt *Cur = Ancestors[I];
  const Stmt *Parent = Ancestors[I - 1];

  auto LocalOwner = [&](const VarDecl *Var) -> std::optional<RawOwnedMap> {
    if (!Var->getType()->isPointerType() || !Var->hasLocalStorage() ||
        isHandedOn(Var, F->getBody(), NodeBudget))
      return std::nullopt;
    return RawOwnedMap{New, Var, false};
  };

  if (const auto *Decls = dyn_cast<DeclStmt>(Parent)) {
    for (const Decl *D : Decls->decls())
      if (const auto *Var = dyn_cast<VarDecl>(D))
        if (Var->getInit() == Cur)
          return LocalOwner(Var);
    return std::nullopt;
  }
  if (const auto *Binary = dyn_cast<BinaryOperator>(Parent)) {
    if (Binary->getOpcode() != BO_Assign || Binary->getRHS() != Cur ||
        !Binary->getLHS()->getType()->isPointerType())
      return std::nullopt;
    std::optional<MapRef> Target = resolveMapRef(Binary->getLHS());
    if (!Target || !Target->Path.empty() || Target->Derefs != 0)
      return std::nullopt;
    if (Target->Owner == MapOwner::Member)
      return RawOwnedMap{New, Target->Root, false};
    if (Target->Owner == MapOwner::Local)
      if (const auto *Var = dyn_cast<VarDecl>(Target->Root))
        return LocalOwner(Var);
    return std::nullopt; // globals and statics: the never-destroyed idiom
  }
  if (isa<ReturnStmt>(Parent) && F->getReturnType()->isPointerType())
    return RawOwnedMap{New, nullptr, true};
  return std::nullopt;
}

bool isRawOwnedMemberAllocation(const CXXNewExpr *New, const ValueDecl *Field,
                                const MapTypeRegistry &Maps) {
  return Field && isa<FieldDecl>(Field) && Field->getType()->isPointerType() &&
         allocatesOwnedMap(New, Maps);
}

} // namespace mapguard::analysis
