//===- Escapes.h - Where a local map's address or reference flows -*- C++ -*-=//
//
// Escapes of a map object's lifetime out of the scope that owns it:
//   - a lambda capturing a local map by reference (explicitly, through `[&]`,
//     through a reference or pointer alias, or an init-capture `[p = &m]`);
//   - the map's address, `std::ref(m)` / `std::cref(m)`, or a local pointer
//     to it;
// followed (through std::function / reference_wrapper conversions,
// temporaries and braced initializers) to where they end up:
//   - a thread: std::thread / std::jthread (also `threads.emplace_back(...)`),
//     std::async, pthread_create, configured executor entry points; the
//     thread (or its future) is tracked to a join, wait or get in the map's
//     scope, a detach, or the destruction of a jthread / std::async future
//     declared after the map;
//   - longer-lived storage: a member, a global or static, an object reached
//     through a reference or pointer parameter, a local declared outside the
//     map's scope, or a container that is one of these;
//   - the function's return value.
// Also: `new` of a map whose result only a raw pointer owns.
//
// The spawn-site recognition here is self-contained; ThreadContext offers
// the same facts for the concurrency checks, and one can be folded into the
// other.
//
// Every walk is bounded by a node budget; escapes the analysis cannot place
// (a lambda passed to an unknown function, a thread handle passed on) are
// not reported.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_ESCAPES_H
#define MAPGUARD_LIB_ESCAPES_H

#include "MapIdentity.h"
#include "MapTypes.h"
#include "SpawnSites.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CXXNewExpr;
class Expr;
class FunctionDecl;
class Stmt;
class ValueDecl;
class VarDecl;
} // namespace clang

namespace mapguard::analysis {

/// How the escaping expression refers to the map.
enum class EscapeHandle {
  CapturedByReference, ///< a lambda capture by reference (or of a reference)
  CapturedPointer,     ///< a lambda capture of a pointer to the map
  Address,             ///< `&m`, `std::addressof(m)`, a local pointer to it
  ReferenceWrapper,    ///< `std::ref(m)`, `std::cref(m)`
};

/// Where it ends up.
enum class EscapeTarget {
  DetachedThread,    ///< a thread that is detached
  UnjoinedThread,    ///< a thread not joined before the map's scope ends
  Task,              ///< a task handed to an executor, result not waited for
  UnwaitedFuture,    ///< std::async whose future outlives the map
  Member,            ///< stored in a data member
  Global,            ///< stored in a global or static data member
  StaticLocal,       ///< stored in a function-local static
  CallerObject,      ///< stored in an object reached through a parameter
  OuterLocal,        ///< stored in a local declared outside the map's scope
  Returned,          ///< returned from the function
};

struct MapEscape {
  /// The local map (an automatic variable or a by-value parameter).
  const clang::VarDecl *Map = nullptr;
  EscapeHandle Handle = EscapeHandle::Address;
  /// The lambda or address expression that escapes.
  const clang::Expr *Escaping = nullptr;
  /// Where the map is captured or its address taken.
  clang::SourceLocation Loc;
  EscapeTarget Target = EscapeTarget::Returned;
  /// The statement that hands it over: spawn call, assignment, return.
  const clang::Stmt *TargetSite = nullptr;
  /// Thread / task targets: how it was started, and its entry's name.
  std::optional<SpawnKind> Spawn;
  std::string EntryName;
  /// The thread, future or storage named in the diagnostic (`t`,
  /// `callback_`, `workers`); empty for temporaries and returns.
  std::string TargetName;
  /// Stored as an element of TargetName (a container).
  bool IntoContainer = false;
  /// DetachedThread: where it is detached.
  clang::SourceLocation DetachLoc;
  /// The end of the map's scope (its closing brace).
  clang::SourceLocation ScopeEnd;
};

struct EscapeOptions {
  /// Qualified names of executor entry points (`boost::asio::post`,
  /// `ThreadPool::submit`), without a leading `::`.
  llvm::StringSet<> ExecutorFunctions;
  /// Statement budget per function walk.
  unsigned NodeBudget = 20000;
  /// Leave out the returns that Clang's -Wreturn-stack-address already
  /// reports (the address of the map, or a lambda returned directly with an
  /// explicit by-reference or init capture of it).
  bool SkipReturnsClangReports = true;
};

/// The escapes of local maps of \p F (including those of lambdas defined in
/// it), in source order.
std::vector<MapEscape> findMapEscapes(const clang::FunctionDecl *F,
                                      const MapTypeRegistry &Maps,
                                      const EscapeOptions &Options,
                                      clang::ASTContext &Context);

/// A `new` of a map whose result only a raw pointer owns.
struct RawOwnedMap {
  const clang::CXXNewExpr *New = nullptr;
  /// The raw pointer variable or member that receives it; null when the
  /// pointer is returned.
  const clang::ValueDecl *Owner = nullptr;
  bool Returned = false;
};

/// Whether the new-expression at the end of \p Ancestors (a chain of
/// statements from the body of \p F) allocates a map whose only owner is a
/// raw pointer: a local that is never handed on (to a call, a constructor
/// such as a smart pointer's, another variable, the caller), a data member,
/// or the function's raw-pointer return value. Results handed straight to a
/// constructor or function (`std::unique_ptr<M>(new M)`, `reset(new M)`,
/// an owning API), objects with static storage (the deliberate
/// never-destroyed idiom), arrays and placement new are not.
std::optional<RawOwnedMap>
rawOwnedMapAllocation(llvm::ArrayRef<const clang::Stmt *> Ancestors,
                      const clang::FunctionDecl *F, const MapTypeRegistry &Maps,
                      unsigned NodeBudget = 20000);

/// The same question for a new-expression initializing member \p Field
/// (constructor initializer or default member initializer).
bool isRawOwnedMemberAllocation(const clang::CXXNewExpr *New,
                                const clang::ValueDecl *Field,
                                const MapTypeRegistry &Maps);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_ESCAPES_H
