//===- Blocking.h - Calls that block the calling thread ---------*- C++ -*-===//
//
// Recognises calls that may block the calling thread for an unbounded or
// long time: sleeps, condition-variable waits, waits for futures, latches,
// barriers and semaphores, thread joins, blocking I/O (POSIX descriptors and
// sockets, C stdio input, input streams other than string streams), acquiring
// a mutex, and user functions configured as blocking. A call to a function
// defined in the translation unit (outside system headers) blocks when its
// body does, followed a bounded number of calls deep and cached.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_BLOCKING_H
#define MAPGUARD_LIB_BLOCKING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clang {
class Expr;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace mapguard::analysis {

class LockTypeRegistry;

/// Why a call blocks.
enum class BlockingKind {
  Sleep,         ///< sleep_for, sleep_until, sleep, usleep, nanosleep
  ConditionWait, ///< condition_variable(_any)::wait*, pthread_cond_*wait
  FutureWait,    ///< future/shared_future get and wait*, latch, barrier,
                 ///< semaphore acquire
  ThreadJoin,    ///< thread/jthread join, pthread_join
  IO,            ///< blocking descriptor, socket, stdio and stream input
  LockAcquire,   ///< locks a mutex (lock(), lock guards, std::lock)
  Configured,    ///< listed as blocking by the user
};

struct BlockingCall {
  /// The call in the code that was asked about: the blocking call itself, or
  /// the call of a function of the translation unit that blocks.
  const clang::Stmt *Site = nullptr;
  BlockingKind Kind = BlockingKind::Sleep;
  /// The blocking function's qualified name as it reads
  /// (`std::this_thread::sleep_for`, `std::condition_variable::wait`, `recv`).
  std::string Callee;
  /// The object the blocking member is called on (`cv_` in `cv_.wait(lk)`),
  /// or null for free functions.
  const clang::Expr *Object = nullptr;
  /// For LockAcquire: the mutex acquired, as written (`other_mu_`).
  const clang::Expr *Mutex = nullptr;
  /// When Site calls a function that blocks inside: that function, and the
  /// blocking call in the innermost function (Site otherwise).
  const clang::FunctionDecl *Via = nullptr;
  const clang::Stmt *InnerSite = nullptr;
};

class BlockingAnalysis {
public:
  /// \p Configured lists further blocking functions by qualified name
  /// (`net::Socket::receive`, `::poll_device`; a leading `::` is optional).
  /// \p DepthLimit bounds how many calls deep bodies are followed.
  /// \p LockTypes, when given, adds the project's mutex and guard types
  /// (configured, or recognised by shape) to the standard ones: locking one
  /// blocks.
  explicit BlockingAnalysis(llvm::ArrayRef<std::string> Configured = {},
                            unsigned DepthLimit = 3,
                            const LockTypeRegistry *LockTypes = nullptr);

  /// Whether \p S (a call, or the construction of a lock guard) blocks by
  /// itself, without looking into any function body.
  std::optional<BlockingCall> classifyDirect(const clang::Stmt *S) const;

  /// Whether \p S blocks, by itself or through the body of a function of the
  /// translation unit that it calls.
  std::optional<BlockingCall> classify(const clang::Stmt *S);

  /// The first call in \p Function's body (source order) that blocks, or
  /// nullopt. Lambdas defined in the body are not entered: they may run
  /// elsewhere.
  std::optional<BlockingCall> blockingIn(const clang::FunctionDecl *Function);

  /// Forgets every summary (the AST they point into is going away).
  void clear() { Summaries.clear(); }

private:
  std::optional<BlockingCall> classifyAtDepth(const clang::Stmt *S,
                                              unsigned Depth);
  std::optional<BlockingCall> summary(const clang::FunctionDecl *Function,
                                      unsigned Depth);

  std::optional<BlockingCall> projectLock(const clang::Stmt *S) const;

  llvm::StringSet<> Configured;
  unsigned DepthLimit;
  const LockTypeRegistry *LockTypes;
  /// Summaries by function (canonical declaration) and remaining depth, so
  /// that an answer never depends on the order of the questions.
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>,
                 std::optional<BlockingCall>>
      Summaries;
};

/// The blocking calls' names as the option lists them: ';'-separated
/// qualified names, a leading `::` removed, empty entries dropped.
std::vector<std::string> parseFunctionList(llvm::StringRef List);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_BLOCKING_H
