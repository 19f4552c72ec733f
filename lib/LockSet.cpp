//===- LockSet.cpp --------------------------------------------------------===//

#include "LockSet.h"
#include "MapAccess.h"
#include "MapTypes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/BitVector.h"
#include <deque>

using namespace clang;

namespace mapguard::analysis {

//===----------------------------------------------------------------------===//
// HeldLock and LockSet
//===----------------------------------------------------------------------===//

bool HeldLock::sameLock(const HeldLock &Other) const {
  if (Holder != Other.Holder)
    return false;
  if (Mutex.has_value() != Other.Mutex.has_value())
    return false;
  if (!Mutex)
    return AcquiredAt == Other.AcquiredAt;
  return *Mutex == *Other.Mutex;
}

const HeldLock *LockSet::find(const MutexRef &Mutex) const {
  const HeldLock *Found = nullptr;
  for (const HeldLock &Lock : Locks) {
    if (!Lock.Mutex || *Lock.Mutex != Mutex)
      continue;
    if (!Found || (Found->isShared() && !Lock.isShared()))
      Found = &Lock;
  }
  return Found;
}

bool LockSet::holdsExclusive(const MutexRef &Mutex) const {
  const HeldLock *Lock = find(Mutex);
  return Lock && !Lock->isShared();
}

bool LockSet::hasUnresolved() const {
  for (const HeldLock &Lock : Locks)
    if (!Lock.Mutex)
      return true;
  return false;
}

void LockSet::add(const HeldLock &Lock) {
  for (HeldLock &Existing : Locks)
    if (Existing.sameLock(Lock)) {
      if (!Lock.isShared())
        Existing.Kind = LockKind::Exclusive;
      return;
    }
  if (Locks.size() < Capacity)
    Locks.push_back(Lock);
}

llvm::SmallVector<HeldLock, 2> LockSet::releaseHolder(const void *Holder) {
  llvm::SmallVector<HeldLock, 2> Released;
  if (!Holder)
    return Released;
  llvm::erase_if(Locks, [&](const HeldLock &Lock) {
    if (Lock.Holder != Holder)
      return false;
    Released.push_back(Lock);
    return true;
  });
  return Released;
}

void LockSet::releaseMutex(const MutexRef &Mutex,
                           std::optional<LockKind> Kind) {
  auto Matches = [&](const HeldLock &Lock, bool ManualOnly) {
    if (!Lock.Mutex || *Lock.Mutex != Mutex)
      return false;
    if (Kind && Lock.Kind != *Kind)
      return false;
    return !ManualOnly || Lock.Holder == nullptr;
  };
  bool AnyManual = llvm::any_of(
      Locks, [&](const HeldLock &Lock) { return Matches(Lock, true); });
  llvm::erase_if(
      Locks, [&](const HeldLock &Lock) { return Matches(Lock, AnyManual); });
}

LockSet LockSet::intersect(const LockSet &A, const LockSet &B) {
  LockSet Result;
  for (const HeldLock &Lock : A.Locks)
    for (const HeldLock &Other : B.Locks)
      if (Lock.sameLock(Other)) {
        HeldLock Kept = Lock;
        if (Other.isShared())
          Kept.Kind = LockKind::Shared;
        Result.Locks.push_back(Kept);
        break;
      }
  return Result;
}

bool LockSet::operator==(const LockSet &Other) const {
  if (Locks.size() != Other.Locks.size())
    return false;
  for (const HeldLock &Lock : Locks) {
    bool Found = false;
    for (const HeldLock &O : Other.Locks)
      if (Lock.sameLock(O) && Lock.Kind == O.Kind) {
        Found = true;
        break;
      }
    if (!Found)
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// LockTypeRegistry
//===----------------------------------------------------------------------===//

namespace {

constexpr unsigned ShapeDepthLimit = 3;

llvm::StringRef stripLeadingColons(llvm::StringRef Name) {
  Name = Name.trim();
  Name.consume_front("::");
  return Name;
}

const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  const auto *Record = T.getCanonicalType()->getAsCXXRecordDecl();
  if (!Record)
    return nullptr;
  return Record->getDefinition() ? Record->getDefinition() : Record;
}

/// Whether \p Record has a member function named one of \p Names.
bool hasMethodNamed(const CXXRecordDecl *Record,
                    std::initializer_list<llvm::StringRef> Names) {
  if (!Record || !Record->hasDefinition())
    return false;
  for (const Decl *D : Record->decls()) {
    const auto *Method = dyn_cast<CXXMethodDecl>(D);
    if (const auto *Template = dyn_cast<FunctionTemplateDecl>(D))
      Method = dyn_cast<CXXMethodDecl>(Template->getTemplatedDecl());
    if (!Method || !Method->getIdentifier())
      continue;
    for (llvm::StringRef Name : Names)
      if (Method->getName() == Name)
        return true;
  }
  return false;
}

/// The name of the typedef \p T is spelled with, if any (pthread_mutex_t is
/// a typedef of an anonymous union).
llvm::StringRef typedefName(QualType T) {
  if (const auto *Typedef = T->getAs<TypedefType>())
    if (Typedef->getDecl()->getIdentifier())
      return Typedef->getDecl()->getName();
  return {};
}

} // namespace

LockTypeRegistry::LockTypeRegistry() {
  for (llvm::StringRef Name :
       {"std::mutex", "std::timed_mutex", "std::recursive_mutex",
        "std::recursive_timed_mutex"})
    Mutexes[Name] = false;
  for (llvm::StringRef Name : {"std::shared_mutex", "std::shared_timed_mutex"})
    Mutexes[Name] = true;
  for (llvm::StringRef Name :
       {"std::lock_guard", "std::unique_lock", "std::scoped_lock"})
    Guards[Name] = LockKind::Exclusive;
  Guards["std::shared_lock"] = LockKind::Shared;
}

void LockTypeRegistry::addMutexTypes(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Entries;
  List.split(Entries, ';', -1, false);
  for (llvm::StringRef Entry : Entries) {
    llvm::StringRef Name = stripLeadingColons(Entry);
    bool Shared = Name.consume_back("=shared");
    if (!Name.empty())
      Mutexes[Name.trim()] = Shared;
  }
}

void LockTypeRegistry::addGuardTypes(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Entries;
  List.split(Entries, ';', -1, false);
  for (llvm::StringRef Entry : Entries) {
    llvm::StringRef Name = stripLeadingColons(Entry);
    bool Shared = Name.consume_back("=shared");
    if (!Name.empty())
      Guards[Name.trim()] = Shared ? LockKind::Shared : LockKind::Exclusive;
  }
}

bool LockTypeRegistry::isMutex(QualType T) const {
  if (T.isNull())
    return false;
  llvm::StringRef Typedef = typedefName(T);
  if (Typedef == "pthread_mutex_t" || Typedef == "pthread_rwlock_t")
    return true;
  return isMutexRecord(recordOf(T), 0);
}

bool LockTypeRegistry::isSharedMutex(QualType T) const {
  if (T.isNull())
    return false;
  if (typedefName(T) == "pthread_rwlock_t")
    return true;
  const CXXRecordDecl *Record = recordOf(T);
  if (!Record || !isMutexRecord(Record, 0))
    return false;
  auto It = Mutexes.find(classNameOf(Record));
  if (It != Mutexes.end())
    return It->second;
  return hasMethodNamed(Record, {"lock_shared", "LockShared", "ReaderLock",
                                 "ReadLock", "lockShared", "rdlock"});
}

std::optional<LockKind> LockTypeRegistry::guardKind(QualType T) const {
  if (T.isNull())
    return std::nullopt;
  return guardRecordKind(recordOf(T), 0);
}

bool LockTypeRegistry::isMutexRecord(const CXXRecordDecl *Record,
                                     unsigned Depth) const {
  if (!Record || Depth > ShapeDepthLimit)
    return false;
  std::string Name = classNameOf(Record);
  if (Mutexes.count(Name))
    return true;
  if (Guards.count(Name))
    return false;
  if (Record->hasAttr<CapabilityAttr>())
    return true;
  if (Record->hasAttr<ScopedLockableAttr>())
    return false;
  bool HasLockPair =
      (hasMethodNamed(Record, {"lock"}) &&
       hasMethodNamed(Record, {"unlock"})) ||
      (hasMethodNamed(Record, {"Lock"}) && hasMethodNamed(Record, {"Unlock"}));
  if (!HasLockPair)
    return false;
  // std::unique_lock has lock()/unlock() too: a guard is not a mutex.
  return !guardRecordKind(Record, Depth + 1);
}

std::optional<LockKind>
LockTypeRegistry::guardRecordKind(const CXXRecordDecl *Record,
                                  unsigned Depth) const {
  if (!Record || Depth > ShapeDepthLimit)
    return std::nullopt;
  std::string Name = classNameOf(Record);
  auto It = Guards.find(Name);
  if (It != Guards.end())
    return It->second;
  if (Mutexes.count(Name) || !Record->hasDefinition())
    return std::nullopt;
  // By shape: a constructor taking a mutex-like object by reference or
  // pointer, and a user-provided destructor that releases it.
  const CXXDestructorDecl *Destructor = Record->getDestructor();
  bool Scoped = Record->hasAttr<ScopedLockableAttr>();
  if (!Scoped && (!Destructor || !Destructor->isUserProvided()))
    return std::nullopt;
  for (const CXXConstructorDecl *Ctor : Record->ctors()) {
    if (Ctor->isCopyOrMoveConstructor())
      continue;
    for (const ParmVarDecl *Param : Ctor->parameters()) {
      QualType ParamType = Param->getType();
      if (!ParamType->isReferenceType() && !ParamType->isPointerType())
        continue;
      QualType Pointee = ParamType->getPointeeType();
      const CXXRecordDecl *Target = recordOf(Pointee);
      if (Target == Record)
        continue;
      bool MutexParam = isMutexRecord(Target, Depth + 1);
      if (!MutexParam) {
        llvm::StringRef Typedef = typedefName(Pointee);
        MutexParam =
            Typedef == "pthread_mutex_t" || Typedef == "pthread_rwlock_t";
      }
      if (!MutexParam)
        continue;
      if (const auto *Acquire = Ctor->getAttr<AcquireCapabilityAttr>())
        if (Acquire->isShared())
          return LockKind::Shared;
      llvm::StringRef GuardName = Record->getName();
      if (GuardName.contains_insensitive("reader") ||
          GuardName.contains_insensitive("shared") ||
          GuardName.starts_with_insensitive("read"))
        return LockKind::Shared;
      return LockKind::Exclusive;
    }
  }
  return std::nullopt;
}

std::optional<MutexRef> resolveMutex(const Expr *E, bool IsPointer) {
  if (!E)
    return std::nullopt;
  return IsPointer ? resolvePointeeMapRef(E) : resolveMapRef(E);
}

//===----------------------------------------------------------------------===//
// The dataflow
//===----------------------------------------------------------------------===//

namespace {

/// Strips what does not change which object an expression denotes or
/// constructs: casts, temporaries, elidable copies, std::move.
const Expr *stripObject(const Expr *E) {
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
      if (Construct->isElidable() && Construct->getNumArgs() >= 1)
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

const VarDecl *varOf(const Expr *E) {
  if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(stripObject(E)))
    return dyn_cast<VarDecl>(Ref->getDecl());
  return nullptr;
}

bool isTagType(QualType T, llvm::StringRef Name) {
  const CXXRecordDecl *Record = recordOf(T.getNonReferenceType());
  return Record && classNameOf(Record) == Name;
}

/// The locks a guard object stands for, whether it holds them or not.
struct GuardBinding {
  llvm::SmallVector<std::optional<MutexRef>, 2> Mutexes;
  LockKind Kind = LockKind::Exclusive;
  const Stmt *AcquiredAt = nullptr;
};

/// An acquisition that happens only on the true edge of a condition.
struct ConditionalAcquire {
  const void *Holder = nullptr; ///< a guard, or null for a mutex's try_lock
  std::optional<MutexRef> Mutex;
  LockKind Kind = LockKind::Exclusive;
  const Stmt *Site = nullptr;
};

} // namespace

struct LockSetAnalysis::FunctionState {
  std::unique_ptr<CFG> Graph;
  bool Failed = false;
  LockSet Entry;
  /// Block entry states by block ID; nullopt for unreachable blocks.
  std::vector<std::optional<LockSet>> In;
  /// The state at each block's end (before edge-specific acquisitions).
  std::vector<std::optional<LockSet>> Out;
  llvm::DenseMap<const Stmt *, std::pair<unsigned, unsigned>> Where;
  llvm::DenseMap<const void *, GuardBinding> Bindings;
  std::unique_ptr<ParentMap> Parents;
  std::vector<const CFGBlock *> BlocksByID;
  /// Set once the dataflow has run (a recursive query meets it unset).
  bool Ready = false;
  /// No CFG, and the body never locks: the entry locks hold throughout.
  bool NoLocking = false;
};

namespace {

/// The transfer functions of one function's dataflow.
class Transfer {
public:
  Transfer(const LockTypeRegistry &Types,
           llvm::DenseMap<const void *, GuardBinding> &Bindings)
      : Types(Types), Bindings(Bindings) {}

  void element(const CFGElement &Element, LockSet &State) {
    if (std::optional<CFGStmt> S = Element.getAs<CFGStmt>()) {
      statement(S->getStmt(), State);
    } else if (std::optional<CFGAutomaticObjDtor> Dtor =
                   Element.getAs<CFGAutomaticObjDtor>()) {
      State.releaseHolder(Dtor->getVarDecl());
    } else if (std::optional<CFGLifetimeEnds> End =
                   Element.getAs<CFGLifetimeEnds>()) {
      // Guards with a trivial destructor have no destructor element.
      State.releaseHolder(End->getVarDecl());
    } else if (std::optional<CFGTemporaryDtor> Temp =
                   Element.getAs<CFGTemporaryDtor>()) {
      if (const CXXBindTemporaryExpr *Bind = Temp->getBindTemporaryExpr())
        State.releaseHolder(Bind->getSubExpr()->IgnoreParens());
    }
  }

  /// What the condition ending a block acquires on its true edge.
  std::optional<ConditionalAcquire> conditionalAcquire(const Stmt *Cond,
                                                       bool &Negated) {
    Negated = false;
    const auto *E = dyn_cast_or_null<Expr>(Cond);
    for (unsigned Guard = 0; E && Guard < 4; ++Guard) {
      E = E->IgnoreParenImpCasts();
      const auto *Not = dyn_cast<UnaryOperator>(E);
      if (!Not || Not->getOpcode() != UO_LNot)
        break;
      Negated = !Negated;
      E = Not->getSubExpr();
    }
    const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(E);
    if (!Call || !Call->getMethodDecl())
      return std::nullopt;
    const CXXMethodDecl *Method = Call->getMethodDecl();
    const Expr *Object = Call->getImplicitObjectArgument();
    llvm::StringRef Name =
        Method->getIdentifier() ? Method->getName() : llvm::StringRef();
    bool IsConversion = isa<CXXConversionDecl>(Method);
    if (const VarDecl *Guard = guardVar(Object)) {
      if (Name != "try_lock" && Name != "owns_lock" && !IsConversion)
        return std::nullopt;
      auto It = Bindings.find(Guard);
      if (It == Bindings.end() || It->second.Mutexes.size() != 1)
        return std::nullopt;
      return ConditionalAcquire{Guard, It->second.Mutexes.front(),
                                It->second.Kind, Call};
    }
    if (!Object)
      return std::nullopt;
    bool IsPointer = isArrowCall(Call);
    QualType ObjectType = Object->getType();
    if (IsPointer && ObjectType->isPointerType())
      ObjectType = ObjectType->getPointeeType();
    if (!Types.isMutex(ObjectType))
      return std::nullopt;
    LockKind Kind;
    if (Name == "try_lock" || Name == "TryLock")
      Kind = LockKind::Exclusive;
    else if (Name == "try_lock_shared" || Name == "ReaderTryLock")
      Kind = LockKind::Shared;
    else
      return std::nullopt;
    return ConditionalAcquire{nullptr, resolveMutex(Object, IsPointer), Kind,
                              Call};
  }

private:
  static bool isArrowCall(const CXXMemberCallExpr *Call) {
    if (const auto *Member =
            dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens()))
      return Member->isArrow();
    return false;
  }

  /// The guard variable \p E names, if it is one with known bindings or of
  /// a guard type.
  const VarDecl *guardVar(const Expr *E) {
    const VarDecl *Var = varOf(E);
    if (!Var)
      return nullptr;
    if (Bindings.count(Var) ||
        Types.guardKind(Var->getType().getNonReferenceType()))
      return Var;
    return nullptr;
  }

  void statement(const Stmt *S, LockSet &State) {
    if (const auto *Decl = dyn_cast<DeclStmt>(S)) {
      for (const clang::Decl *D : Decl->decls())
        if (const auto *Var = dyn_cast<VarDecl>(D))
          guardDeclared(Var, State);
      return;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
      if (std::optional<LockKind> Kind = Types.guardKind(Construct->getType()))
        guardConstructed(Construct, *Kind, State);
      return;
    }
    if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(S)) {
      if (Operator->getOperator() == OO_Equal && Operator->getNumArgs() == 2)
        if (const VarDecl *Target = guardVar(Operator->getArg(0)))
          guardAssigned(Target, Operator->getArg(1), Operator, State);
      return;
    }
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S)) {
      memberCall(Member, State);
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      freeCall(Call, State);
      // A guard returned by a call holds a lock we cannot name.
      if (Call->isPRValue() && !Call->isCallToStdMove() &&
          Types.guardKind(Call->getType()))
        acquireUnresolved(Call, *Types.guardKind(Call->getType()), State);
      return;
    }
  }

  void acquireUnresolved(const Expr *Holder, LockKind Kind, LockSet &State) {
    HeldLock Lock;
    Lock.Kind = Kind;
    Lock.Source = LockSource::Guard;
    Lock.AcquiredAt = Holder;
    Lock.Holder = Holder;
    State.add(Lock);
    GuardBinding Binding;
    Binding.Mutexes.push_back(std::nullopt);
    Binding.Kind = Kind;
    Binding.AcquiredAt = Holder;
    Bindings[Holder] = Binding;
  }

  void guardConstructed(const CXXConstructExpr *Construct, LockKind Kind,
                        LockSet &State) {
    bool Defer = false, TryToLock = false, Adopt = false;
    GuardBinding Binding;
    Binding.Kind = Kind;
    Binding.AcquiredAt = Construct;
    const void *MovedFrom = nullptr;
    for (const Expr *Arg : Construct->arguments()) {
      if (isa<CXXDefaultArgExpr>(Arg))
        break;
      QualType ArgType = Arg->getType();
      if (isTagType(ArgType, "std::defer_lock_t")) {
        Defer = true;
        continue;
      }
      if (isTagType(ArgType, "std::try_to_lock_t")) {
        TryToLock = true;
        continue;
      }
      if (isTagType(ArgType, "std::adopt_lock_t")) {
        Adopt = true; // the mutex is already locked: the guard now owns it
        continue;
      }
      if (Types.guardKind(ArgType.getNonReferenceType())) {
        // Move construction: the new guard takes over the other's locks.
        const Expr *Source = stripObject(Arg);
        if (const VarDecl *Var = varOf(Source))
          MovedFrom = Var;
        else
          MovedFrom = Source->IgnoreParens();
        continue;
      }
      if (ArgType->isPointerType() &&
          (Types.isMutex(ArgType->getPointeeType()))) {
        Binding.Mutexes.push_back(resolveMutex(Arg, /*IsPointer=*/true));
        continue;
      }
      if (Types.isMutex(ArgType.getNonReferenceType()))
        Binding.Mutexes.push_back(resolveMutex(Arg, /*IsPointer=*/false));
    }
    if (MovedFrom) {
      auto It = Bindings.find(MovedFrom);
      if (It != Bindings.end())
        Bindings[Construct] = It->second;
      for (HeldLock Lock : State.releaseHolder(MovedFrom)) {
        Lock.Holder = Construct;
        Lock.Guard = nullptr;
        State.add(Lock);
      }
      return;
    }
    if (Binding.Mutexes.empty())
      return; // a default-constructed unique_lock owns nothing
    Bindings[Construct] = Binding;
    if (Defer || TryToLock)
      return;
    if (Adopt) {
      // The manual lock() the guard adopts is now released by the guard.
      LockSet Kept;
      for (const HeldLock &Lock : State.locks()) {
        bool Adopted = !Lock.Holder && Lock.Mutex &&
                       llvm::is_contained(Binding.Mutexes, Lock.Mutex);
        if (!Adopted)
          Kept.add(Lock);
      }
      State = Kept;
    }
    for (const std::optional<MutexRef> &Mutex : Binding.Mutexes) {
      HeldLock Lock;
      Lock.Mutex = Mutex;
      Lock.Kind = Kind;
      Lock.Source = LockSource::Guard;
      Lock.AcquiredAt = Construct;
      Lock.Holder = Construct;
      State.add(Lock);
    }
  }

  /// `std::lock_guard<std::mutex> g(mu);` was constructed as a temporary
  /// holder; the variable now holds its locks.
  void guardDeclared(const VarDecl *Var, LockSet &State) {
    if (!Types.guardKind(Var->getType()) || Var->getType()->isReferenceType())
      return;
    const Expr *Init = Var->getInit();
    if (!Init)
      return;
    const Expr *Holder = stripObject(Init)->IgnoreParens();
    if (const VarDecl *From = varOf(Holder); From && From != Var) {
      // `auto g2 = std::move(g1);` in code the CFG did not split.
      rekey(From, Var, Var, State);
      return;
    }
    rekey(Holder, Var, Var, State);
  }

  void rekey(const void *From, const void *To, const VarDecl *Guard,
             LockSet &State) {
    auto It = Bindings.find(From);
    if (It != Bindings.end()) {
      GuardBinding Binding = It->second;
      Bindings[To] = Binding;
    }
    for (HeldLock Lock : State.releaseHolder(From)) {
      Lock.Holder = To;
      Lock.Guard = Guard;
      State.add(Lock);
    }
  }

  void guardAssigned(const VarDecl *Target, const Expr *Source,
                     const Stmt *Site, LockSet &State) {
    State.releaseHolder(Target);
    const Expr *From = stripObject(Source)->IgnoreParens();
    if (const VarDecl *Var = varOf(From))
      rekey(Var, Target, Target, State);
    else
      rekey(From, Target, Target, State);
    (void)Site;
  }

  void memberCall(const CXXMemberCallExpr *Call, LockSet &State) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    const Expr *Object = Call->getImplicitObjectArgument();
    if (!Method || !Object)
      return;
    llvm::StringRef Name =
        Method->getIdentifier() ? Method->getName() : llvm::StringRef();
    if (const VarDecl *Guard = guardVar(Object)) {
      guardMethod(Guard, Name, Call, State);
      return;
    }
    bool IsPointer = isArrowCall(Call);
    QualType ObjectType = Object->getType();
    if (IsPointer && ObjectType->isPointerType())
      ObjectType = ObjectType->getPointeeType();
    if (attributeEffects(Method, Call, Object, IsPointer, State))
      return;
    if (!Types.isMutex(ObjectType))
      return;
    std::optional<MutexRef> Mutex = resolveMutex(Object, IsPointer);
    if (Name == "lock" || Name == "Lock" || Name == "WriterLock")
      acquireManual(Mutex, LockKind::Exclusive, Call, State);
    else if (Name == "lock_shared" || Name == "ReaderLock" ||
             Name == "LockShared" || Name == "lockShared")
      acquireManual(Mutex, LockKind::Shared, Call, State);
    else if (Name == "unlock" || Name == "Unlock" || Name == "WriterUnlock")
      releaseManual(Mutex, std::nullopt, State);
    else if (Name == "unlock_shared" || Name == "ReaderUnlock" ||
             Name == "UnlockShared" || Name == "unlockShared")
      releaseManual(Mutex, LockKind::Shared, State);
  }

  void guardMethod(const VarDecl *Guard, llvm::StringRef Name,
                   const CallExpr *Call, LockSet &State) {
    if (Name == "unlock") {
      State.releaseHolder(Guard);
      return;
    }
    if (Name == "release") {
      // The mutex stays locked, now owned by no guard.
      for (HeldLock Lock : State.releaseHolder(Guard)) {
        Lock.Holder = nullptr;
        Lock.Guard = nullptr;
        Lock.Source = LockSource::Manual;
        State.add(Lock);
      }
      Bindings.erase(Guard);
      return;
    }
    if (Name != "lock")
      return;
    auto It = Bindings.find(Guard);
    if (It == Bindings.end())
      return;
    for (const std::optional<MutexRef> &Mutex : It->second.Mutexes) {
      HeldLock Lock;
      Lock.Mutex = Mutex;
      Lock.Kind = It->second.Kind;
      Lock.Source = LockSource::Guard;
      Lock.AcquiredAt = Call;
      Lock.Guard = Guard;
      Lock.Holder = Guard;
      State.add(Lock);
    }
  }

  void acquireManual(std::optional<MutexRef> Mutex, LockKind Kind,
                     const Stmt *Site, LockSet &State) {
    HeldLock Lock;
    Lock.Mutex = std::move(Mutex);
    Lock.Kind = Kind;
    Lock.Source = LockSource::Manual;
    Lock.AcquiredAt = Site;
    State.add(Lock);
  }

  void releaseManual(const std::optional<MutexRef> &Mutex,
                     std::optional<LockKind> Kind, LockSet &State) {
    if (Mutex) {
      State.releaseMutex(*Mutex, Kind);
      return;
    }
    // An unlock of an unnamed mutex: forget the unnamed manual locks.
    LockSet Kept;
    for (const HeldLock &Lock : State.locks())
      if (Lock.Mutex || Lock.Holder)
        Kept.add(Lock);
    State = Kept;
  }

  /// ACQUIRE / RELEASE attributes of the callee: returns whether any applied.
  bool attributeEffects(const FunctionDecl *Callee, const CallExpr *Call,
                        const Expr *Object, bool ObjectIsPointer,
                        LockSet &State) {
    bool Applied = false;
    auto Resolve = [&](const Expr *Arg) -> std::optional<MutexRef> {
      if (!Arg)
        return Object ? resolveMutex(Object, ObjectIsPointer) : std::nullopt;
      return capabilityAt(Arg, Callee, Call, Object, ObjectIsPointer);
    };
    for (const auto *Acquire :
         Callee->specific_attrs<AcquireCapabilityAttr>()) {
      LockKind Kind =
          Acquire->isShared() ? LockKind::Shared : LockKind::Exclusive;
      if (Acquire->args_size() == 0)
        acquireManual(Resolve(nullptr), Kind, Call, State);
      for (const Expr *Arg : Acquire->args())
        acquireManual(Resolve(Arg), Kind, Call, State);
      Applied = true;
    }
    for (const auto *Release :
         Callee->specific_attrs<ReleaseCapabilityAttr>()) {
      if (Release->args_size() == 0)
        releaseManual(Resolve(nullptr), std::nullopt, State);
      for (const Expr *Arg : Release->args())
        releaseManual(Resolve(Arg), std::nullopt, State);
      Applied = true;
    }
    return Applied;
  }

  /// The mutex that the attribute argument \p Arg of \p Callee denotes at
  /// the call \p Call: parameters become the call's arguments, members of
  /// the callee's `this` become members of the call's object.
  std::optional<MutexRef> capabilityAt(const Expr *Arg,
                                       const FunctionDecl *Callee,
                                       const CallExpr *Call, const Expr *Object,
                                       bool ObjectIsPointer) {
    Arg = Arg->IgnoreParenImpCasts();
    bool Pointer = Arg->getType()->isPointerType();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Arg))
      if (const auto *Param = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
        unsigned Index = Param->getFunctionScopeIndex();
        if (Param->getDeclContext() == Callee && Index < Call->getNumArgs())
          return resolveMutex(Call->getArg(Index), Pointer);
        return std::nullopt;
      }
    std::optional<MutexRef> Inner = resolveMutex(Arg, Pointer);
    if (!Inner || Inner->Owner != MapOwner::Member || !Object ||
        isa<CXXThisExpr>(Object->IgnoreParenImpCasts()))
      return Inner;
    std::optional<MapRef> Outer = resolveMutex(Object, ObjectIsPointer);
    if (!Outer)
      return std::nullopt;
    Outer->Path.push_back(cast<FieldDecl>(Inner->Root));
    Outer->Path.append(Inner->Path.begin(), Inner->Path.end());
    Outer->Derefs = Inner->Derefs;
    return Outer;
  }

  void freeCall(const CallExpr *Call, LockSet &State) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee)
      return;
    if (attributeEffects(Callee, Call, nullptr, false, State))
      return;
    if (!Callee->getIdentifier())
      return;
    llvm::StringRef Name = Callee->getName();
    if (Name == "lock" && Callee->isInStdNamespace()) {
      for (const Expr *Arg : Call->arguments()) {
        // std::lock(lk1, lk2) on deferred unique_locks locks their mutexes.
        if (const VarDecl *Guard = guardVar(Arg))
          guardMethod(Guard, "lock", Call, State);
        else
          acquireManual(resolveMutex(Arg, false), LockKind::Exclusive, Call,
                        State);
      }
      return;
    }
    if (Call->getNumArgs() == 0)
      return;
    const Expr *Arg = Call->getArg(0);
    if (Name == "pthread_mutex_lock" || Name == "pthread_rwlock_wrlock")
      acquireManual(resolveMutex(Arg, true), LockKind::Exclusive, Call, State);
    else if (Name == "pthread_rwlock_rdlock")
      acquireManual(resolveMutex(Arg, true), LockKind::Shared, Call, State);
    else if (Name == "pthread_mutex_unlock" || Name == "pthread_rwlock_unlock")
      releaseManual(resolveMutex(Arg, true), std::nullopt, State);
  }

  const LockTypeRegistry &Types;
  llvm::DenseMap<const void *, GuardBinding> &Bindings;
};

CFG::BuildOptions cfgOptions() {
  CFG::BuildOptions Options;
  Options.AddImplicitDtors = true;
  Options.AddTemporaryDtors = true;
  Options.AddLifetime = true;
  Options.setAllAlwaysAdd();
  return Options;
}

/// The locks of \p Set that mean the same in a callee as at the call site:
/// members of `this` (when the call is on `this`) and globals.
LockSet transferableToCallee(const LockSet &Set) {
  LockSet Result;
  for (const HeldLock &Lock : Set.locks()) {
    if (Lock.Mutex && Lock.Mutex->Owner != MapOwner::Member &&
        Lock.Mutex->Owner != MapOwner::Global &&
        Lock.Mutex->Owner != MapOwner::StaticLocal)
      continue;
    Result.add(Lock);
  }
  return Result;
}

/// Intersection by mutex and kind only (the holders differ per call site).
LockSet intersectByMutex(const LockSet &A, const LockSet &B) {
  LockSet Result;
  for (const HeldLock &Lock : A.locks()) {
    if (!Lock.Mutex)
      continue;
    const HeldLock *Other = B.find(*Lock.Mutex);
    if (!Other)
      continue;
    HeldLock Kept = Lock;
    if (Other->isShared())
      Kept.Kind = LockKind::Shared;
    Result.add(Kept);
  }
  if (A.hasUnresolved() && B.hasUnresolved()) {
    for (const HeldLock &Lock : A.locks())
      if (!Lock.Mutex) {
        Result.add(Lock);
        break;
      }
  }
  return Result;
}

/// Whether anything in \p Body may lock or unlock: a guard, a call named
/// like a lock operation, a callee with ACQUIRE/RELEASE. Errs towards yes.
bool mentionsLocking(const Stmt *Body, const LockTypeRegistry &Types) {
  bool Found = false;
  auto LockName = [](llvm::StringRef Name) {
    return Name.contains_insensitive("lock") ||
           Name.contains_insensitive("acquire") ||
           Name.contains_insensitive("release");
  };
  WalkOptions Options;
  Options.NodeBudget = 20000;
  bool Complete = forEachStmt(
      Body,
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
        if (Found)
          return;
        if (const auto *E = dyn_cast<Expr>(S))
          if (!E->getType().isNull() && !E->isTypeDependent() &&
              Types.guardKind(E->getType())) {
            Found = true;
            return;
          }
        if (const auto *Decl = dyn_cast<DeclStmt>(S)) {
          for (const clang::Decl *D : Decl->decls())
            if (const auto *Var = dyn_cast<VarDecl>(D))
              if (Var->getType()->isDependentType() ||
                  Types.guardKind(Var->getType()))
                Found = true;
          return;
        }
        if (const auto *Call = dyn_cast<CallExpr>(S)) {
          if (const FunctionDecl *Callee = Call->getDirectCallee()) {
            if (Callee->hasAttr<AcquireCapabilityAttr>() ||
                Callee->hasAttr<ReleaseCapabilityAttr>() ||
                (Callee->getIdentifier() && LockName(Callee->getName())))
              Found = true;
            return;
          }
        }
        if (const auto *Member = dyn_cast<CXXDependentScopeMemberExpr>(S))
          Found = LockName(Member->getMember().getAsString());
        else if (const auto *Unresolved = dyn_cast<UnresolvedMemberExpr>(S))
          Found = LockName(Unresolved->getMemberName().getAsString());
        else if (const auto *Lookup = dyn_cast<UnresolvedLookupExpr>(S))
          Found = LockName(Lookup->getName().getAsString());
      },
      Options);
  return Found || !Complete;
}

const Stmt *firstCfgDescendant(
    const Stmt *S,
    const llvm::DenseMap<const Stmt *, std::pair<unsigned, unsigned>> &Where,
    unsigned &Budget) {
  if (!S || Budget == 0)
    return nullptr;
  --Budget;
  if (Where.count(S))
    return S;
  for (const Stmt *Child : S->children())
    if (const Stmt *Found = firstCfgDescendant(Child, Where, Budget))
      return Found;
  return nullptr;
}

} // namespace

LockSetAnalysis::LockSetAnalysis(const LockTypeRegistry &Types,
                                 LockSetLimits Limits)
    : Types(Types), Limits(Limits) {}

LockSetAnalysis::~LockSetAnalysis() = default;

void LockSetAnalysis::clear() {
  Functions.clear();
  Entries.clear();
  InProgress.clear();
  EntryDepth = 0;
}

LockSet LockSetAnalysis::locksOnEntry(const FunctionDecl *F) {
  if (!F)
    return {};
  F = F->getDefinition() ? F->getDefinition() : F;
  auto It = Entries.find(F);
  if (It != Entries.end())
    return It->second;
  LockSet Entry = computeEntry(F, EntryDepth);
  Entries[F] = Entry;
  return Entry;
}

LockSet LockSetAnalysis::computeEntry(const FunctionDecl *F, unsigned Depth) {
  LockSet Entry;
  // REQUIRES(mu) / REQUIRES_SHARED(mu).
  for (const auto *Requires : F->specific_attrs<RequiresCapabilityAttr>())
    for (const Expr *Arg : Requires->args()) {
      HeldLock Lock;
      Lock.Mutex = resolveMutex(Arg, Arg->getType()->isPointerType());
      Lock.Kind = Requires->isShared() ? LockKind::Shared : LockKind::Exclusive;
      Lock.Source = LockSource::Attribute;
      Lock.Holder = F;
      Entry.add(Lock);
    }

  // A guard received by reference is held; which mutex only callers know.
  llvm::SmallVector<const ParmVarDecl *, 2> GuardParams;
  for (const ParmVarDecl *Param : F->parameters()) {
    QualType T = Param->getType();
    if ((T->isReferenceType() || T->isPointerType()) &&
        Types.guardKind(T->getPointeeType()))
      GuardParams.push_back(Param);
  }

  // A private member function inherits the locks held at all its call
  // sites within the class.
  const auto *Method = dyn_cast<CXXMethodDecl>(F);
  bool CanInherit = Method && Method->getAccess() == AS_private &&
                    !Method->isVirtual() && Depth < Limits.CallerDepth &&
                    InProgress.insert(F).second;
  std::optional<LockSet> Inherited;
  llvm::SmallVector<std::optional<LockSet>, 2> ParamLocks(GuardParams.size());
  bool InheritFailed = !CanInherit;
  if (CanInherit) {
    const CXXRecordDecl *Record = Method->getParent();
    unsigned CallSites = 0;
    ++EntryDepth;
    for (const CXXMethodDecl *Caller : Record->methods()) {
      const FunctionDecl *Definition = nullptr;
      if (InheritFailed || !Caller->hasBody(Definition) || !Definition)
        continue;
      const Stmt *Body = Definition->getBody();
      unsigned References = 0, DirectCalls = 0;
      // Every use of the helper must be a direct call on `this` outside any
      // lambda, or we cannot know all the locks its callers hold.
      WalkOptions Everything;
      Everything.IntoLambdas = true;
      forEachStmt(
          Body,
          [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
            if (const auto *Member = dyn_cast<MemberExpr>(S))
              if (Member->getMemberDecl()->getCanonicalDecl() ==
                  F->getCanonicalDecl())
                ++References;
          },
          Everything);
      if (References == 0)
        continue;
      forEachStmt(Body, [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
        const auto *Call = dyn_cast<CXXMemberCallExpr>(S);
        if (!Call || InheritFailed || !Call->getMethodDecl() ||
            Call->getMethodDecl()->getCanonicalDecl() != F->getCanonicalDecl())
          return;
        const Expr *Object = Call->getImplicitObjectArgument();
        if (!Object || !isa<CXXThisExpr>(Object->IgnoreParenImpCasts())) {
          InheritFailed = true;
          return;
        }
        ++DirectCalls;
        if (++CallSites > Limits.MaxCallSites) {
          InheritFailed = true;
          return;
        }
        std::optional<LockSet> AtCall = locksHeldAt(Definition, Call);
        if (!AtCall) {
          InheritFailed = true;
          return;
        }
        LockSet Here = transferableToCallee(*AtCall);
        Inherited = Inherited ? intersectByMutex(*Inherited, Here) : Here;
        for (size_t I = 0; I < GuardParams.size(); ++I) {
          unsigned Index = GuardParams[I]->getFunctionScopeIndex();
          if (Index >= Call->getNumArgs())
            continue;
          LockSet ViaGuard;
          const Expr *Arg = Call->getArg(Index);
          if (Arg->getType()->isPointerType())
            if (const auto *AddrOf =
                    dyn_cast<UnaryOperator>(Arg->IgnoreParenImpCasts()))
              if (AddrOf->getOpcode() == UO_AddrOf)
                Arg = AddrOf->getSubExpr();
          if (const VarDecl *Var = varOf(Arg))
            for (const HeldLock &Lock : AtCall->locks())
              if (Lock.Holder == Var)
                ViaGuard.add(Lock);
          ParamLocks[I] = ParamLocks[I]
                              ? intersectByMutex(*ParamLocks[I], ViaGuard)
                              : ViaGuard;
        }
      });
      if (DirectCalls != References)
        InheritFailed = true;
    }
    --EntryDepth;
    InProgress.erase(F);
  }

  auto ViaGuardParam = [&](const HeldLock &Lock) {
    if (InheritFailed || !Lock.Mutex)
      return false;
    for (const std::optional<LockSet> &Locks : ParamLocks)
      if (Locks && Locks->holds(*Lock.Mutex))
        return true;
    return false;
  };
  if (!InheritFailed && Inherited)
    for (HeldLock Lock : Inherited->locks()) {
      if (ViaGuardParam(Lock))
        continue; // released with that guard, inside too
      Lock.Source = LockSource::Caller;
      Lock.Holder = F;
      Lock.Guard = nullptr;
      Lock.AcquiredAt = nullptr;
      Entry.add(Lock);
    }
  for (size_t I = 0; I < GuardParams.size(); ++I) {
    std::optional<LockKind> Kind =
        Types.guardKind(GuardParams[I]->getType()->getPointeeType());
    bool Resolved = !InheritFailed && ParamLocks[I] && !ParamLocks[I]->empty();
    if (Resolved) {
      for (HeldLock Lock : ParamLocks[I]->locks()) {
        Lock.Source = LockSource::Caller;
        Lock.Holder = GuardParams[I];
        Lock.Guard = nullptr;
        Lock.AcquiredAt = nullptr;
        Entry.add(Lock);
      }
      continue;
    }
    HeldLock Lock;
    Lock.Kind = Kind.value_or(LockKind::Exclusive);
    Lock.Source = LockSource::Caller;
    Lock.Holder = GuardParams[I];
    Entry.add(Lock);
  }
  return Entry;
}

LockSetAnalysis::FunctionState *
LockSetAnalysis::stateFor(const FunctionDecl *F) {
  auto It = Functions.find(F);
  if (It != Functions.end())
    return It->second.get();
  auto State = std::make_unique<FunctionState>();
  FunctionState *Result = State.get();
  Functions[F] = std::move(State);

  Stmt *Body = F->getBody();
  if (!Body) {
    Result->Failed = true;
    return Result;
  }
  Result->Graph = CFG::buildCFG(F, Body, &F->getASTContext(), cfgOptions());
  const CFG *Graph = Result->Graph.get();
  if (!Graph && !mentionsLocking(Body, Types)) {
    // No CFG (some dependent code), but nothing here locks or unlocks:
    // every statement holds what the function holds on entry.
    Result->Entry = locksOnEntry(F);
    Result->NoLocking = true;
    Result->Ready = true;
    return Result;
  }
  if (!Graph || Graph->getNumBlockIDs() > Limits.MaxBlocks) {
    Result->Failed = true;
    return Result;
  }
  Result->Entry = locksOnEntry(F);

  unsigned NumBlocks = Graph->getNumBlockIDs();
  Result->BlocksByID.assign(NumBlocks, nullptr);
  for (const CFGBlock *Block : *Graph) {
    Result->BlocksByID[Block->getBlockID()] = Block;
    unsigned Index = 0;
    for (const CFGElement &Element : *Block) {
      if (std::optional<CFGStmt> S = Element.getAs<CFGStmt>())
        Result->Where.try_emplace(S->getStmt(), Block->getBlockID(), Index);
      ++Index;
    }
  }

  Result->In.assign(NumBlocks, std::nullopt);
  Result->Out.assign(NumBlocks, std::nullopt);
  Transfer Step(Types, Result->Bindings);
  unsigned Budget =
      std::max(Limits.MinBlockVisits, Limits.BlockVisitsPerBlock * NumBlocks);
  std::deque<const CFGBlock *> Worklist;
  llvm::BitVector Queued(NumBlocks);
  const CFGBlock &EntryBlock = Graph->getEntry();
  Worklist.push_back(&EntryBlock);
  Queued.set(EntryBlock.getBlockID());

  // The state flowing along the edge Pred -> Succ.
  auto EdgeState = [&](const CFGBlock *Pred,
                       const CFGBlock *Succ) -> std::optional<LockSet> {
    const std::optional<LockSet> &Out = Result->Out[Pred->getBlockID()];
    if (!Out)
      return std::nullopt;
    if (Pred->succ_size() != 2 || *Pred->succ_begin() != Succ)
      return Out;
    bool Negated = false;
    std::optional<ConditionalAcquire> Acquire =
        Step.conditionalAcquire(Pred->getTerminatorCondition(), Negated);
    if (!Acquire || Negated)
      return Out;
    LockSet WithLock = *Out;
    HeldLock Lock;
    Lock.Mutex = Acquire->Mutex;
    Lock.Kind = Acquire->Kind;
    Lock.Source = Acquire->Holder ? LockSource::Guard : LockSource::Manual;
    Lock.AcquiredAt = Acquire->Site;
    Lock.Holder = Acquire->Holder;
    Lock.Guard = static_cast<const VarDecl *>(Acquire->Holder);
    WithLock.add(Lock);
    return WithLock;
  };
  auto NegatedEdgeState = [&](const CFGBlock *Pred,
                              const CFGBlock *Succ) -> std::optional<LockSet> {
    // `if (!mu.try_lock())`: the lock is held on the false edge.
    if (Pred->succ_size() != 2)
      return std::nullopt;
    bool Negated = false;
    std::optional<ConditionalAcquire> Acquire =
        Step.conditionalAcquire(Pred->getTerminatorCondition(), Negated);
    const CFGBlock *FalseSucc = *(Pred->succ_begin() + 1);
    if (!Acquire || !Negated || FalseSucc != Succ)
      return std::nullopt;
    LockSet WithLock = *Result->Out[Pred->getBlockID()];
    HeldLock Lock;
    Lock.Mutex = Acquire->Mutex;
    Lock.Kind = Acquire->Kind;
    Lock.Source = Acquire->Holder ? LockSource::Guard : LockSource::Manual;
    Lock.AcquiredAt = Acquire->Site;
    Lock.Holder = Acquire->Holder;
    Lock.Guard = static_cast<const VarDecl *>(Acquire->Holder);
    WithLock.add(Lock);
    return WithLock;
  };

  unsigned Visits = 0;
  while (!Worklist.empty()) {
    const CFGBlock *Block = Worklist.front();
    Worklist.pop_front();
    unsigned ID = Block->getBlockID();
    Queued.reset(ID);
    if (++Visits > Budget) {
      Result->Failed = true;
      return Result;
    }
    std::optional<LockSet> In;
    if (Block == &EntryBlock) {
      In = Result->Entry;
    } else {
      for (const CFGBlock::AdjacentBlock &Pred : Block->preds()) {
        const CFGBlock *P = Pred.getReachableBlock();
        if (!P || !Result->Out[P->getBlockID()])
          continue;
        std::optional<LockSet> Along = NegatedEdgeState(P, Block);
        if (!Along)
          Along = EdgeState(P, Block);
        In = In ? LockSet::intersect(*In, *Along) : *Along;
      }
    }
    if (!In)
      continue;
    bool FirstVisit = !Result->Out[ID].has_value();
    if (!FirstVisit && Result->In[ID] && *Result->In[ID] == *In)
      continue;
    Result->In[ID] = In;
    LockSet State = *In;
    for (const CFGElement &Element : *Block)
      Step.element(Element, State);
    Result->Out[ID] = State;
    for (const CFGBlock::AdjacentBlock &Succ : Block->succs()) {
      const CFGBlock *S = Succ.getReachableBlock();
      if (S && !Queued.test(S->getBlockID())) {
        Queued.set(S->getBlockID());
        Worklist.push_back(S);
      }
    }
  }
  Result->Ready = true;
  return Result;
}

std::optional<LockSet> LockSetAnalysis::locksHeldAt(const FunctionDecl *F,
                                                    const Stmt *S) {
  if (!F || !S)
    return std::nullopt;
  if (const FunctionDecl *Definition = F->getDefinition())
    F = Definition;
  FunctionState *State = stateFor(F);
  if (!State || State->Failed || !State->Ready)
    return std::nullopt;
  if (State->NoLocking)
    return State->Entry;

  // A range-for iterates after its range initializer's full-expression.
  if (const auto *Loop = dyn_cast<CXXForRangeStmt>(S)) {
    if (Loop->getBeginStmt() && State->Where.count(Loop->getBeginStmt()))
      S = Loop->getBeginStmt();
    else if (Loop->getRangeInit())
      S = Loop->getRangeInit();
  }
  const Stmt *Target = State->Where.count(S) ? S : nullptr;
  if (!Target) {
    unsigned Budget = 256;
    Target = firstCfgDescendant(S, State->Where, Budget);
  }
  if (!Target) {
    if (!State->Parents)
      State->Parents = std::make_unique<ParentMap>(F->getBody());
    const Stmt *Up = S;
    for (unsigned Guard = 0; Up && Guard < 32 && !Target; ++Guard) {
      Up = State->Parents->getParent(Up);
      if (Up && State->Where.count(Up))
        Target = Up;
    }
  }
  if (!Target)
    return std::nullopt;
  auto [BlockID, Index] = State->Where.lookup(Target);
  if (!State->In[BlockID])
    return std::nullopt;
  const CFGBlock *Block = State->BlocksByID[BlockID];
  if (!Block)
    return std::nullopt;
  LockSet Held = *State->In[BlockID];
  Transfer Step(Types, State->Bindings);
  unsigned I = 0;
  for (const CFGElement &Element : *Block) {
    if (I++ == Index)
      break;
    Step.element(Element, Held);
  }
  return Held;
}

} // namespace mapguard::analysis
