//===- ThreadContext.h - Code that may run concurrently ---------*- C++ -*-===//
//
// Thread contexts: which functions run as the body of a thread, where that
// thread is started and where the starting function waits for it, and which
// functions those bodies call within the translation unit (bounded depth).
//
// Spawns are those SpawnSites.h recognises, in code outside system headers
// (including constructors' member initializers), except std::async with the
// std::launch::deferred policy; for an executor entry point, every callable
// argument runs in another thread.
//
// Map and mutex identity across contexts: a MapRef seen inside a context
// function is translated into the spawner's terms by sharedIdentity():
// parameters bound by std::ref / pointer arguments become the objects
// passed, a lambda's by-reference captures are the spawner's variables, a
// by-copy capture or a parameter bound to a copy is private to the thread,
// members of `this` stay members of the same object (or of the object the
// thread was started on).
//
// Also: the class-owns-a-mutex rule (its methods are presumed callable
// concurrently with each other, as RacerD presumes) and endless loops
// (`while (true)`, `for (;;)`, `while (running_)`: a thread's main loop).
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_THREADCONTEXT_H
#define MAPGUARD_LIB_THREADCONTEXT_H

#include "LockSet.h"
#include "MapIdentity.h"
#include "SpawnSites.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class CXXRecordDecl;
class Expr;
class FunctionDecl;
class LambdaExpr;
class ParmVarDecl;
class Stmt;
class VarDecl;
} // namespace clang

namespace mapguard::analysis {

/// What a parameter of a context function denotes, in the spawner's terms:
/// the object a reference parameter refers to, or the object a pointer
/// parameter points to.
struct ParamBinding {
  const clang::ParmVarDecl *Param = nullptr;
  MapRef Target;
};

/// One function running in a context, with what its parameters and `this`
/// denote in the spawner's terms.
struct ContextFunction {
  const clang::FunctionDecl *Function = nullptr;
  /// 0 for a thread's body (or the spawner itself), +1 per call followed.
  unsigned Depth = 0;
  /// The call that reaches Function from the previous context function.
  const clang::CallExpr *ReachedBy = nullptr;
  /// The index of that previous function in the same list, or -1.
  int Parent = -1;
  llvm::SmallVector<ParamBinding, 2> Bindings;
  /// The object `this` denotes, when it is not the spawner's `this`.
  std::optional<MapRef> This;
  /// Whether Function's own locals and unbound parameters belong to one
  /// activation (true on the thread side; false for the spawner's own body,
  /// whose locals the thread may share through captures).
  bool OwnsLocals = true;
};

/// One place where a thread (or a task on an executor) is started.
struct ThreadSpawn {
  SpawnKind Kind = SpawnKind::Thread;
  /// The construction or call that starts it.
  const clang::Expr *Site = nullptr;
  /// The function whose body contains Site.
  const clang::FunctionDecl *Spawner = nullptr;
  /// The code the thread runs: a lambda's call operator or a function.
  const clang::FunctionDecl *Body = nullptr;
  const clang::LambdaExpr *Lambda = nullptr;
  /// How the entry point is written: "std::thread", "pthread_create",
  /// or the configured name.
  std::string EntryName;
  /// The std::thread / std::jthread / std::future variable, when there is
  /// one.
  const clang::VarDecl *Handle = nullptr;
  /// Where the spawner waits for the thread (t.join(), f.get(), the end of
  /// a jthread's or future's scope); invalid when it does not, in Spawner.
  clang::SourceLocation JoinLoc;
  /// Where the thread may start: Site, or the outermost loop around it.
  clang::SourceLocation StartLoc;
  /// Inside a loop: several instances of the body may run at once.
  bool Repeated = false;
  /// std::async whose future is discarded: the spawner waits for it before
  /// the statement ends, so nothing runs concurrently with it.
  bool WaitedImmediately = false;
  /// The body's parameters bound to the spawner's objects (std::ref(x),
  /// &x, pointers), and what `this` is for a member function body.
  llvm::SmallVector<ParamBinding, 2> Bindings;
  std::optional<MapRef> This;
};

struct ThreadContextConfig {
  /// Qualified names of executor entry points (`boost::asio::post`,
  /// `ThreadPool::submit`): each callable argument runs in another thread.
  std::vector<std::string> ExecutorFunctions;
  /// How many calls deep a context's callees are followed.
  unsigned CallDepth = 3;
  /// At most this many functions per context.
  unsigned MaxFunctionsPerContext = 64;
  /// Statement budget per function body walked.
  unsigned NodeBudget = 20000;
};

/// Where a statement of the spawner runs relative to a spawned thread.
enum class SpawnOrder {
  Before, ///< before the thread starts
  During, ///< while the thread may run
  After,  ///< after the spawner waited for it
};

class ThreadContexts {
public:
  explicit ThreadContexts(ThreadContextConfig Config = {});
  ~ThreadContexts();

  /// Splits a ';'-separated option value into qualified names.
  static std::vector<std::string> parseNameList(llvm::StringRef List);

  /// Finds the spawns in every function defined outside system headers.
  /// Idempotent per translation unit; clear() before the next one.
  void build(clang::ASTContext &Context);
  bool built() const { return Built; }

  llvm::ArrayRef<ThreadSpawn> spawns() const { return Spawns; }

  /// Every function (and lambda call operator) with a body outside system
  /// headers that build() scanned, in traversal order.
  llvm::ArrayRef<const clang::FunctionDecl *> userFunctions() const {
    return UserFunctions;
  }

  /// The functions that run in the thread of \p Spawn: its body first, then
  /// the functions it calls (with bodies in this translation unit, bounded
  /// depth and count), each with its bindings.
  llvm::ArrayRef<ContextFunction> threadFunctions(const ThreadSpawn &Spawn);

  /// The functions the spawner runs while the thread may run: the spawner
  /// itself (OwnsLocals false; filter its statements with orderOf()), and
  /// the functions called from it during that window.
  llvm::ArrayRef<ContextFunction> spawnerFunctions(const ThreadSpawn &Spawn);

  /// The spawns whose threads run \p F (as the body or a callee).
  llvm::SmallVector<const ThreadSpawn *, 2>
  spawnsRunning(const clang::FunctionDecl *F);
  /// Whether \p F runs as (or is called from) a thread body.
  bool isThreadContext(const clang::FunctionDecl *F) {
    return !spawnsRunning(F).empty();
  }

  /// The classes defined outside system headers that own a mutex (see
  /// ownsMutex()), in declaration order; computed on first use.
  llvm::ArrayRef<const clang::CXXRecordDecl *>
  mutexOwningClasses(const LockTypeRegistry &Types);

  /// Whether the threads of \p A and \p B may run at the same time: false
  /// when their spawner joins one before starting the other, or when both
  /// are joined by different spawners (calls presumed sequential).
  bool mayOverlap(const ThreadSpawn &A, const ThreadSpawn &B) const;

  /// Where \p S, a statement in the body of Spawn.Spawner, runs relative to
  /// the thread.
  SpawnOrder orderOf(const ThreadSpawn &Spawn, const clang::Stmt *S) const;

  void clear();

private:
  void scanFunction(const clang::FunctionDecl *F);
  std::vector<ContextFunction> expand(ContextFunction Root,
                                      const ThreadSpawn *WindowOf);

  ThreadContextConfig Config;
  bool Built = false;
  clang::ASTContext *Context = nullptr;
  std::vector<ThreadSpawn> Spawns;
  std::vector<const clang::FunctionDecl *> UserFunctions;
  std::optional<std::vector<const clang::CXXRecordDecl *>> MutexOwners;
  llvm::DenseMap<const ThreadSpawn *, std::vector<ContextFunction>> ThreadSide;
  llvm::DenseMap<const ThreadSpawn *, std::vector<ContextFunction>> SpawnerSide;
};

/// Translates \p Local, a map or mutex as seen inside \p Where, into the
/// spawner's terms; nullopt when the object is private to one activation
/// of the context (its own local, a by-copy capture, a parameter bound to a
/// copy).
std::optional<MapRef> sharedIdentity(const MapRef &Local,
                                     const ContextFunction &Where);

/// Whether \p Record (or a base) has a data member of mutex type: its
/// methods are presumed to be called concurrently with each other.
bool ownsMutex(const clang::CXXRecordDecl *Record,
               const LockTypeRegistry &Types);

/// Whether \p Loop runs until the program (or a stop flag) ends it:
/// `while (true)`, `for (;;)`, `do ... while (1)`, or a condition that only
/// reads a flag of the object or a global (`while (running_)`,
/// `while (!stop_.load())`, `while (!token.stop_requested())`).
bool isEndlessLoop(const clang::Stmt *Loop, clang::ASTContext &Context);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_THREADCONTEXT_H
