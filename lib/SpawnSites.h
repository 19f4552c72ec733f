//===- SpawnSites.h - Calls that start code on another thread ---*- C++ -*-===//
//
// The one place that knows which constructions and calls start a thread or a
// task: ThreadContext asks it which code runs concurrently, Escapes which
// references may outlive the scope they point into.
//
// Recognised (the callable and its arguments are what the new thread gets):
//   - std::thread / std::jthread constructed with a callable;
//   - `threads.emplace_back(callable, args...)` (emplace, emplace_front) on a
//     container of std::thread / std::jthread;
//   - std::async, with or without a launch policy;
//   - pthread_create(&t, attr, fn, arg) (the global one);
//   - a call of a configured executor entry point (`boost::asio::post`,
//     `ThreadPool::submit`), member or free: every argument is handed over.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_SPAWNSITES_H
#define MAPGUARD_LIB_SPAWNSITES_H

#include "clang/AST/Type.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace clang {
class Expr;
class Stmt;
} // namespace clang

namespace mapguard::analysis {

/// How a thread or task is started.
enum class SpawnKind { Thread, JThread, Async, PThread, Executor };

struct SpawnSite {
  SpawnKind Kind = SpawnKind::Thread;
  /// How the entry point is written: "std::thread", "std::jthread",
  /// "std::async", "pthread_create", or the executor's qualified name.
  std::string EntryName;
  /// What is handed to the new thread or task: the callable and its
  /// arguments (std::async's without its launch policy), pthread_create's
  /// start routine and argument, every argument of an executor call.
  llvm::SmallVector<const clang::Expr *, 4> Args;
  /// std::async with the std::launch::deferred policy: it runs in the
  /// thread that waits for it, if one ever does.
  bool Deferred = false;
  /// `threads.emplace_back(...)`: the container the thread is created in.
  const clang::Expr *Container = nullptr;
};

/// Whether a qualified name (no leading `::`) is a configured executor.
using ExecutorPredicate = llvm::function_ref<bool(llvm::StringRef)>;

/// The thread or task \p S starts, if it starts one.
std::optional<SpawnSite> spawnAt(const clang::Stmt *S,
                                 ExecutorPredicate IsExecutor);

/// std::thread or std::jthread (references looked through).
bool isThreadType(clang::QualType T);

/// std::future or std::shared_future (references looked through).
bool isFutureType(clang::QualType T);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_SPAWNSITES_H
