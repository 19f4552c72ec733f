//===- LockSet.h - Which mutexes are held at a statement --------*- C++ -*-===//
//
// Lock sets: the mutexes certainly held, exclusively or shared, right before
// a statement of a function runs. Computed by a forward must-dataflow over
// clang's CFG (intersection at joins, a block-visit budget), so that order
// and lifetime count: an access after `lk.unlock()` holds nothing, a guard
// whose scope (or full-expression, for a temporary) has ended holds nothing,
// a lock taken in only one branch is not held after the branches meet.
//
// Recognised acquisitions and releases:
//   - guards: std::lock_guard, std::unique_lock (lock/unlock/try_lock/release,
//     defer_lock, adopt_lock, try_to_lock with owns_lock(), moves),
//     std::scoped_lock of several mutexes, std::shared_lock (shared), project
//     guard types recognised by shape (a class whose constructor takes a
//     mutex-like object by reference or pointer and that has a user-provided
//     destructor: leveldb's MutexLock, thrift's Guard), SCOPED_CAPABILITY
//     classes, and configured guard types;
//   - manual calls on a mutex: lock()/unlock(), lock_shared()/unlock_shared(),
//     try_lock() in a condition, std::lock(a, b), pthread_mutex_lock/unlock,
//     and functions carrying ACQUIRE/RELEASE (shared variants too);
//   - on function entry: REQUIRES / REQUIRES_SHARED attributes, a guard
//     received by reference (held, mutex unknown unless every caller in the
//     translation unit tells), and, for a private member function, the locks
//     held at every one of its call sites in the class (bounded depth).
//
// A mutex is identified like a map (MapRef): the same root declaration and
// member path. A lock whose mutex expression names no such object
// (`getMutex()`, a guard returned by a function) is kept as an unresolved
// lock: it is held, but may be any mutex.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_LOCKSET_H
#define MAPGUARD_LIB_LOCKSET_H

#include "MapIdentity.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <optional>

namespace clang {
class CXXRecordDecl;
class FunctionDecl;
class Stmt;
class VarDecl;
} // namespace clang

namespace mapguard::analysis {

/// A mutex is identified as a map is: root declaration plus member path.
using MutexRef = MapRef;

enum class LockKind { Exclusive, Shared };

/// How a held lock came to be held.
enum class LockSource {
  Guard,     ///< an RAII guard object (variable or temporary)
  Manual,    ///< a lock()/lock_shared()/std::lock/ACQUIRE call
  Attribute, ///< REQUIRES / REQUIRES_SHARED on the function
  Caller,    ///< held at every call site, or a guard passed by reference
};

struct HeldLock {
  /// The mutex; nullopt when the lock is certainly held but its mutex is not
  /// a named object (such a lock may be any mutex).
  std::optional<MutexRef> Mutex;
  LockKind Kind = LockKind::Exclusive;
  LockSource Source = LockSource::Guard;
  /// Where the lock was taken: the guard's declaration or construction, the
  /// lock() call; null for locks held on entry.
  const clang::Stmt *AcquiredAt = nullptr;
  /// The guard variable that releases it, when there is one.
  const clang::VarDecl *Guard = nullptr;
  /// The object that releases it (guard variable, guard temporary, or null
  /// for manual locks); identifies the lock together with Mutex.
  const void *Holder = nullptr;

  bool isShared() const { return Kind == LockKind::Shared; }
  bool sameLock(const HeldLock &Other) const;
};

/// The locks held at one program point.
class LockSet {
public:
  llvm::ArrayRef<HeldLock> locks() const { return Locks; }
  bool empty() const { return Locks.empty(); }

  /// The strongest lock held on \p Mutex (exclusive before shared), or null.
  const HeldLock *find(const MutexRef &Mutex) const;
  bool holds(const MutexRef &Mutex) const { return find(Mutex) != nullptr; }
  bool holdsExclusive(const MutexRef &Mutex) const;
  /// Whether some held lock's mutex is unknown (could be any mutex).
  bool hasUnresolved() const;

  /// Adds \p Lock (a re-acquisition of the same lock is kept once).
  void add(const HeldLock &Lock);
  /// Removes every lock released by \p Holder; returns what was removed.
  llvm::SmallVector<HeldLock, 2> releaseHolder(const void *Holder);
  /// Removes the manual (holder-less) locks of \p Mutex, or, when none is
  /// manual, every lock of \p Mutex (an explicit `mu.unlock()` wins).
  void releaseMutex(const MutexRef &Mutex, std::optional<LockKind> Kind);
  /// The locks held in both: the state after two paths meet.
  static LockSet intersect(const LockSet &A, const LockSet &B);

  bool operator==(const LockSet &Other) const;
  bool operator!=(const LockSet &Other) const { return !(*this == Other); }

  /// A lock set never grows beyond this; more locks are dropped (a must
  /// analysis may forget locks, it never invents them).
  static constexpr unsigned Capacity = 16;

private:
  llvm::SmallVector<HeldLock, 4> Locks;
};

/// Which types are mutexes and which are guards.
class LockTypeRegistry {
public:
  /// The standard mutexes and guards.
  LockTypeRegistry();

  /// Adds mutex types from a ';'-separated list of qualified names.
  void addMutexTypes(llvm::StringRef List);
  /// Adds guard types from a ';'-separated list of qualified names, each
  /// optionally suffixed `=shared` for reader guards.
  void addGuardTypes(llvm::StringRef List);

  /// Whether \p T (after typedefs, cv, not through references) is a mutex:
  /// a standard or configured mutex, a class with the `capability`
  /// attribute, or a class with lock()/unlock() (or Lock()/Unlock()) that is
  /// not itself a guard.
  bool isMutex(clang::QualType T) const;
  /// Whether \p T is a mutex offering reader locks (lock_shared()).
  bool isSharedMutex(clang::QualType T) const;
  /// The kind of lock that a guard of type \p T takes, when \p T is a guard.
  std::optional<LockKind> guardKind(clang::QualType T) const;

private:
  bool isMutexRecord(const clang::CXXRecordDecl *Record, unsigned Depth) const;
  std::optional<LockKind> guardRecordKind(const clang::CXXRecordDecl *Record,
                                          unsigned Depth) const;

  llvm::StringMap<bool> Mutexes; ///< name -> offers shared locks
  llvm::StringMap<LockKind> Guards;
};

/// Limits that keep the analysis linear-ish; beyond them it gives up and
/// answers nullopt.
struct LockSetLimits {
  /// Functions whose CFG has more blocks are not analysed.
  unsigned MaxBlocks = 3000;
  /// Block visits per function: the dataflow stops (giving up) beyond
  /// max(BlockVisitsPerBlock * blocks, MinBlockVisits).
  unsigned BlockVisitsPerBlock = 8;
  unsigned MinBlockVisits = 256;
  /// How many callers deep a private helper's entry locks are inherited.
  unsigned CallerDepth = 2;
  /// A helper with more call sites than this inherits nothing.
  unsigned MaxCallSites = 32;
};

/// Lock sets within functions, computed on demand and cached per function.
class LockSetAnalysis {
public:
  explicit LockSetAnalysis(const LockTypeRegistry &Types,
                           LockSetLimits Limits = {});
  ~LockSetAnalysis();
  LockSetAnalysis(const LockSetAnalysis &) = delete;
  LockSetAnalysis &operator=(const LockSetAnalysis &) = delete;

  /// The locks held right before \p S runs, \p S being inside the body of
  /// \p F (not inside a lambda defined there: a lambda's body is its call
  /// operator's). For a range-for, the locks held while it iterates (the
  /// range initializer's temporaries are gone before C++23). Nullopt when
  /// \p F could not be analysed or \p S is unreachable or not in \p F.
  std::optional<LockSet> locksHeldAt(const clang::FunctionDecl *F,
                                     const clang::Stmt *S);

  /// The locks held when \p F starts: REQUIRES attributes, guards received
  /// by reference, and for private member functions the locks common to all
  /// call sites within the class.
  LockSet locksOnEntry(const clang::FunctionDecl *F);

  const LockTypeRegistry &types() const { return Types; }

  /// Forgets every result (the AST they point into is going away).
  void clear();

  struct FunctionState;

private:
  FunctionState *stateFor(const clang::FunctionDecl *F);
  LockSet computeEntry(const clang::FunctionDecl *F, unsigned Depth);

  const LockTypeRegistry &Types;
  LockSetLimits Limits;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<FunctionState>>
      Functions;
  llvm::DenseMap<const clang::FunctionDecl *, LockSet> Entries;
  llvm::SmallPtrSet<const clang::FunctionDecl *, 4> InProgress;
  unsigned EntryDepth = 0;
};

/// The mutex that \p E denotes (`mu_`, `*pmu`, `s->mu`), when it is a named
/// object; \p E may be a pointer to the mutex when \p IsPointer.
std::optional<MutexRef> resolveMutex(const clang::Expr *E, bool IsPointer);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_LOCKSET_H
