//===- Blocking.cpp -------------------------------------------------------===//

#include "Blocking.h"
#include "LockSet.h"
#include "MapAccess.h"
#include "MapTypes.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

/// Function bodies larger than this are not summarised (treated as not
/// blocking): the answer must stay cheap on generated code.
constexpr unsigned SummaryNodeBudget = 20000;

std::string qualifiedName(const NamedDecl *D) {
  return D ? qualifiedNameWithoutInlineNamespaces(D) : std::string();
}

bool isInSystemHeader(const Decl *D) {
  const SourceManager &SM = D->getASTContext().getSourceManager();
  return SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()));
}

/// The class a (possibly reference or pointer) type names, if any.
const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *Pointer = T->getAs<PointerType>())
    T = Pointer->getPointeeType();
  return T->getAsCXXRecordDecl();
}

/// Whether \p Record is, or derives from, the class named \p Name.
bool isOrDerivesFrom(const CXXRecordDecl *Record, llvm::StringRef Name,
                     unsigned Depth = 0) {
  if (!Record || Depth > 8)
    return false;
  if (qualifiedName(Record) == Name)
    return true;
  if (!Record->hasDefinition())
    return false;
  for (const CXXBaseSpecifier &Base : Record->bases())
    if (isOrDerivesFrom(recordOf(Base.getType()), Name, Depth + 1))
      return true;
  return false;
}

/// Input streams read from files, pipes, sockets or the terminal, except
/// those that read from memory. \p Stream is the stream as written: its
/// static type before conversion to `std::istream &` decides.
bool isBlockingInputStream(const Expr *Stream) {
  const CXXRecordDecl *Record =
      Stream ? recordOf(Stream->IgnoreParenImpCasts()->getType()) : nullptr;
  if (!Record)
    return false;
  bool ReadsMemory =
      llvm::StringSwitch<bool>(qualifiedName(Record))
          .Cases("std::basic_istringstream", "std::basic_stringstream",
                 "std::basic_ispanstream", "std::basic_spanstream", true)
          .Cases("std::istrstream", "std::strstream", true)
          .Default(false);
  return !ReadsMemory && isOrDerivesFrom(Record, "std::basic_istream");
}

/// Whether the value of \p Duration, a std::chrono::duration, is a
/// compile-time zero (`0s`, `std::chrono::milliseconds(0)`, `{}`).
bool isZeroDuration(const Expr *Duration, const ASTContext &Context) {
  if (!Duration || Duration->isValueDependent() || Duration->isTypeDependent())
    return false;
  Expr::EvalResult Result;
  if (!Duration->IgnoreImplicit()->EvaluateAsRValue(Result, Context))
    return false;
  const APValue &Value = Result.Val;
  // A duration holds one member, its count.
  if (!Value.isStruct() || Value.getStructNumFields() != 1)
    return false;
  const APValue &Count = Value.getStructField(0);
  if (Count.isInt())
    return Count.getInt().isZero();
  if (Count.isFloat())
    return Count.getFloat().isZero();
  return false;
}

bool isLockTag(const Expr *E) {
  const CXXRecordDecl *Record = recordOf(E->getType());
  if (!Record)
    return false;
  std::string Name = qualifiedName(Record);
  return Name == "std::defer_lock_t" || Name == "std::try_to_lock_t" ||
         Name == "std::adopt_lock_t";
}

bool isMutexClass(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("std::mutex", "std::recursive_mutex", "std::timed_mutex",
             "std::recursive_timed_mutex", true)
      .Cases("std::shared_mutex", "std::shared_timed_mutex", true)
      .Default(false);
}

bool isLockClass(llvm::StringRef Name) {
  return Name == "std::unique_lock" || Name == "std::shared_lock";
}

bool isGuardClass(llvm::StringRef Name) {
  return isLockClass(Name) || Name == "std::lock_guard" ||
         Name == "std::scoped_lock";
}

/// The mutex a lock object was constructed on (`lk` declared as
/// `std::unique_lock<std::mutex> lk(mu_)` gives `mu_`), else \p Lock itself.
const Expr *mutexOfLock(const Expr *Lock) {
  const auto *Ref = dyn_cast<DeclRefExpr>(Lock->IgnoreParenImpCasts());
  const auto *Var = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!Var || !Var->hasInit())
    return Lock;
  const auto *Construct =
      dyn_cast<CXXConstructExpr>(Var->getInit()->IgnoreParenImpCasts());
  if (!Construct || Construct->getNumArgs() == 0 ||
      Construct->getConstructor()->isCopyOrMoveConstructor())
    return Lock;
  return Construct->getArg(0);
}

/// Built-in free functions, by qualified name: the C library's are declared
/// in the global namespace and re-exported into std.
std::optional<BlockingKind> freeFunctionKind(llvm::StringRef Name) {
  Name.consume_front("std::");
  return llvm::StringSwitch<std::optional<BlockingKind>>(Name)
      .Cases("this_thread::sleep_for", "this_thread::sleep_until", "sleep",
             "usleep", "nanosleep", "clock_nanosleep", BlockingKind::Sleep)
      .Cases("pthread_cond_wait", "pthread_cond_timedwait",
             BlockingKind::ConditionWait)
      .Cases("sem_wait", "sem_timedwait", BlockingKind::FutureWait)
      .Case("pthread_join", BlockingKind::ThreadJoin)
      .Cases("lock", "pthread_mutex_lock", "pthread_rwlock_rdlock",
             "pthread_rwlock_wrlock", BlockingKind::LockAcquire)
      // Descriptors and sockets.
      .Cases("read", "pread", "readv", "write", "pwrite", "writev",
             BlockingKind::IO)
      .Cases("recv", "recvfrom", "recvmsg", "send", "sendto", "sendmsg",
             BlockingKind::IO)
      .Cases("accept", "accept4", "connect", "poll", "ppoll", BlockingKind::IO)
      .Cases("select", "pselect", "epoll_wait", "epoll_pwait", "wait",
             BlockingKind::IO)
      .Cases("waitpid", "msgrcv", "mq_receive", "flock", BlockingKind::IO)
      // C stdio input.
      .Cases("fread", "fgets", "fgetc", "getc", "getchar", BlockingKind::IO)
      .Cases("scanf", "fscanf", "getline", "getdelim", BlockingKind::IO)
      .Default(std::nullopt);
}

} // namespace

std::vector<std::string> parseFunctionList(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 8> Entries;
  List.split(Entries, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  std::vector<std::string> Names;
  for (llvm::StringRef Entry : Entries) {
    Entry = Entry.trim();
    Entry.consume_front("::");
    if (!Entry.empty())
      Names.push_back(Entry.str());
  }
  return Names;
}

BlockingAnalysis::BlockingAnalysis(llvm::ArrayRef<std::string> ConfiguredNames,
                                   unsigned DepthLimit,
                                   const LockTypeRegistry *LockTypes)
    : DepthLimit(DepthLimit), LockTypes(LockTypes) {
  for (const std::string &Name : ConfiguredNames) {
    llvm::StringRef Entry(Name);
    Entry.consume_front("::");
    Configured.insert(Entry);
  }
}

/// A project guard constructed on a mutex, or lock() called on a project
/// mutex: the lock types know them (configured, attributes, shape).
std::optional<BlockingCall> BlockingAnalysis::projectLock(const Stmt *S) const {
  if (!LockTypes)
    return std::nullopt;
  BlockingCall Result;
  Result.Site = S;
  Result.InnerSite = S;
  Result.Kind = BlockingKind::LockAcquire;
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    const CXXConstructorDecl *Ctor = Construct->getConstructor();
    if (!Ctor || Construct->getNumArgs() == 0 ||
        Ctor->isCopyOrMoveConstructor() ||
        !LockTypes->guardKind(Construct->getType()))
      return std::nullopt;
    for (const Expr *Arg : Construct->arguments())
      if (isLockTag(Arg))
        return std::nullopt;
    Result.Callee = qualifiedName(Ctor->getParent());
    Result.Mutex = Construct->getArg(0);
    return Result;
  }
  const auto *Call = dyn_cast<CXXMemberCallExpr>(S);
  const auto *Method = Call ? Call->getMethodDecl() : nullptr;
  const Expr *Object = Call ? Call->getImplicitObjectArgument() : nullptr;
  if (!Method || !Object || !Method->getIdentifier())
    return std::nullopt;
  llvm::StringRef Name = Method->getName();
  if (Name != "lock" && Name != "Lock" && Name != "lock_shared")
    return std::nullopt;
  QualType ObjectType = Object->IgnoreParenImpCasts()->getType();
  if (const auto *Pointer = ObjectType->getAs<PointerType>())
    ObjectType = Pointer->getPointeeType();
  if (!LockTypes->isMutex(ObjectType))
    return std::nullopt;
  Result.Callee = qualifiedName(Method);
  Result.Object = Object;
  Result.Mutex = Object;
  return Result;
}

std::optional<BlockingCall>
BlockingAnalysis::classifyDirect(const Stmt *S) const {
  if (!S)
    return std::nullopt;
  BlockingCall Result;
  Result.Site = S;
  Result.InnerSite = S;

  // Lock guards that acquire on construction.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    const CXXConstructorDecl *Ctor = Construct->getConstructor();
    if (Ctor && !isInSystemHeader(Ctor))
      return projectLock(S);
    if (!Ctor || Construct->getNumArgs() == 0 ||
        Ctor->isCopyOrMoveConstructor())
      return std::nullopt;
    std::string Class = qualifiedName(Ctor->getParent());
    if (!isGuardClass(Class))
      return std::nullopt;
    for (const Expr *Arg : Construct->arguments())
      if (isLockTag(Arg))
        return std::nullopt; // deferred, tried, or already held
    Result.Kind = BlockingKind::LockAcquire;
    Result.Callee = Class;
    Result.Mutex = Construct->getArg(0);
    return Result;
  }

  const auto *Call = dyn_cast<CallExpr>(S);
  if (!Call)
    return std::nullopt;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee)
    return std::nullopt;
  std::string Name = qualifiedName(Callee);
  if (!Configured.empty() && !Name.empty() && Configured.contains(Name)) {
    Result.Kind = BlockingKind::Configured;
    Result.Callee = Name;
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call))
      Result.Object = Member->getImplicitObjectArgument();
    return Result;
  }
  if (!isInSystemHeader(Callee))
    return projectLock(S);

  // `in >> x` and `std::getline(in, line)` on a stream that is not a
  // string stream.
  if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Call)) {
    if (Operator->getOperator() != OO_GreaterGreater ||
        Operator->getNumArgs() != 2 ||
        !isBlockingInputStream(Operator->getArg(0)))
      return std::nullopt;
    Result.Kind = BlockingKind::IO;
    Result.Callee = "operator>>";
    Result.Object = Operator->getArg(0);
    return Result;
  }

  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
    const auto *Method = dyn_cast<CXXMethodDecl>(Callee);
    const Expr *Object = Member->getImplicitObjectArgument();
    if (!Method || !Object || !Method->getIdentifier())
      return std::nullopt;
    // The object's class, not the method's: std::future inherits wait() from
    // an implementation base.
    const CXXRecordDecl *ObjectClass =
        recordOf(Object->IgnoreParenImpCasts()->getType());
    std::string Class =
        qualifiedName(ObjectClass ? ObjectClass : Method->getParent());
    llvm::StringRef MethodName = Method->getName();
    bool Timed = MethodName.ends_with("_for") || MethodName.ends_with("_until");
    // A zero timeout polls: `f.wait_for(0s) == std::future_status::ready`,
    // `cv.wait_for(lock, 0ms, pred)`.
    if (Timed)
      for (const Expr *Arg : Call->arguments())
        if (isZeroDuration(Arg, Callee->getASTContext()))
          return std::nullopt;
    std::optional<BlockingKind> Kind;
    if (Class == "std::condition_variable" ||
        Class == "std::condition_variable_any") {
      if (MethodName.starts_with("wait"))
        Kind = BlockingKind::ConditionWait;
    } else if (Class == "std::future" || Class == "std::shared_future") {
      if (MethodName == "get" || MethodName.starts_with("wait"))
        Kind = BlockingKind::FutureWait;
    } else if (Class == "std::latch" || Class == "std::barrier") {
      if (MethodName == "wait" || MethodName == "arrive_and_wait")
        Kind = BlockingKind::FutureWait;
    } else if (Class == "std::counting_semaphore") {
      if (MethodName == "acquire" || MethodName == "try_acquire_for" ||
          MethodName == "try_acquire_until")
        Kind = BlockingKind::FutureWait;
    } else if (Class == "std::thread" || Class == "std::jthread") {
      if (MethodName == "join")
        Kind = BlockingKind::ThreadJoin;
    } else if (isMutexClass(Class) || isLockClass(Class)) {
      if (MethodName == "lock" || MethodName == "lock_shared" ||
          MethodName == "try_lock_for" || MethodName == "try_lock_until" ||
          MethodName == "try_lock_shared_for" ||
          MethodName == "try_lock_shared_until") {
        Kind = BlockingKind::LockAcquire;
        Result.Mutex = isLockClass(Class) ? mutexOfLock(Object) : Object;
      }
    } else if (isOrDerivesFrom(Method->getParent(), "std::basic_istream") &&
               isBlockingInputStream(Object)) {
      if (MethodName == "getline" || MethodName == "read" ||
          MethodName == "get" || MethodName == "ignore" || MethodName == "peek")
        Kind = BlockingKind::IO;
    }
    if (!Kind)
      return std::nullopt;
    Result.Kind = *Kind;
    Result.Callee = Class + "::" + MethodName.str();
    Result.Object = Object;
    return Result;
  }

  if (Name == "std::getline") {
    if (Call->getNumArgs() < 1 || !isBlockingInputStream(Call->getArg(0)))
      return std::nullopt;
    Result.Kind = BlockingKind::IO;
    Result.Callee = Name;
    Result.Object = Call->getArg(0);
    return Result;
  }
  std::optional<BlockingKind> Kind = freeFunctionKind(Name);
  if (!Kind)
    return std::nullopt;
  // `std::lock(a, b)` locks several; `lock` alone elsewhere is not ours.
  if (*Kind == BlockingKind::LockAcquire && Name == "lock")
    return std::nullopt;
  if (*Kind == BlockingKind::Sleep && Call->getNumArgs() == 1 &&
      Name.find("this_thread") != std::string::npos &&
      llvm::StringRef(Name).ends_with("_for") &&
      isZeroDuration(Call->getArg(0), Callee->getASTContext()))
    return std::nullopt;
  Result.Kind = *Kind;
  Result.Callee = Name;
  if (*Kind == BlockingKind::LockAcquire && Call->getNumArgs() >= 1)
    Result.Mutex = Call->getArg(0);
  return Result;
}

std::optional<BlockingCall> BlockingAnalysis::classify(const Stmt *S) {
  return classifyAtDepth(S, DepthLimit);
}

std::optional<BlockingCall> BlockingAnalysis::classifyAtDepth(const Stmt *S,
                                                              unsigned Depth) {
  if (std::optional<BlockingCall> Direct = classifyDirect(S))
    return Direct;
  if (Depth == 0)
    return std::nullopt;
  const FunctionDecl *Callee = nullptr;
  if (const auto *Call = dyn_cast_or_null<CallExpr>(S))
    Callee = Call->getDirectCallee();
  else if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(S))
    Callee = Construct->getConstructor();
  if (!Callee)
    return std::nullopt;
  std::optional<BlockingCall> Inner = summary(Callee, Depth - 1);
  if (!Inner)
    return std::nullopt;
  BlockingCall Result = *Inner;
  Result.Site = S;
  Result.Via = Callee;
  return Result;
}

std::optional<BlockingCall>
BlockingAnalysis::blockingIn(const FunctionDecl *Function) {
  return summary(Function, DepthLimit);
}

std::optional<BlockingCall>
BlockingAnalysis::summary(const FunctionDecl *Function, unsigned Depth) {
  const FunctionDecl *Definition = nullptr;
  if (!Function || !Function->hasBody(Definition) || !Definition ||
      isInSystemHeader(Definition))
    return std::nullopt;
  auto Key = std::make_pair(Definition->getCanonicalDecl(), Depth);
  auto Cached = Summaries.find(Key);
  if (Cached != Summaries.end())
    return Cached->second;

  std::optional<BlockingCall> Found;
  // Depth decreases on every call level, so recursion ends without an
  // in-progress set, and every (function, depth) answer is the same whoever
  // asks first.
  auto Visit = [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
    if (Found || !isa<CallExpr, CXXConstructExpr>(S))
      return;
    Found = classifyAtDepth(S, Depth);
  };
  WalkOptions Walk{/*IntoLambdas=*/false, SummaryNodeBudget};
  // A constructor's member initializers run before its body.
  if (const auto *Constructor = dyn_cast<CXXConstructorDecl>(Definition))
    for (const CXXCtorInitializer *Init : Constructor->inits())
      if (Init->isWritten())
        forEachStmt(Init->getInit(), Visit, Walk);
  forEachStmt(Definition->getBody(), Visit, Walk);
  if (Found) {
    // The caller reports the call of this function; keep the innermost
    // blocking call for its note.
    if (!Found->InnerSite)
      Found->InnerSite = Found->Site;
  }
  Summaries[Key] = Found;
  return Found;
}

} // namespace mapguard::analysis
