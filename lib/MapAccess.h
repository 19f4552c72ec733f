//===- MapAccess.h - Classify what an expression does to a map --*- C++ -*-===//
//
// An access is one operation on one map object: a member call (`m.erase(k)`),
// an operator (`m[k]`, `m = other`), a free function on maps (`std::swap`),
// or a range-for over the map. Each is classified against the semantics
// table: which operation, whether it reads, iterates or mutates.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_MAPACCESS_H
#define MAPGUARD_LIB_MAPACCESS_H

#include "ContainerSemantics.h"
#include "MapIdentity.h"
#include "MapTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace clang {
class Expr;
class Stmt;
} // namespace clang

namespace mapguard::analysis {

struct MapAccess {
  /// The expression (or range-for statement) performing the operation.
  const clang::Stmt *Site = nullptr;
  /// The map object operated on, as written; a pointer to it when
  /// ObjectIsPointer (`p->erase(k)`, `sp->clear()`).
  const clang::Expr *Object = nullptr;
  bool ObjectIsPointer = false;
  /// The operation, when the table knows it (unknown const members are reads
  /// without an operation).
  std::optional<Operation> Op;
  OperationKind Kind = OperationKind::Read;
  MapTypeInfo Type;
  /// The operation's arguments, without the map itself.
  llvm::SmallVector<const clang::Expr *, 2> Args;

  bool isMutation() const { return Kind == OperationKind::Mutate; }
  /// The map object this access operates on, when it is a named one.
  std::optional<MapRef> target() const;
  /// The operation's name as written in C++ (`erase`, `operator[]`).
  llvm::StringRef spelling() const;
};

/// The map accesses \p S performs itself (not those of its children): up to
/// two for `std::swap(a, b)`, otherwise zero or one.
llvm::SmallVector<MapAccess, 1> classifyAccess(const clang::Stmt *S,
                                               const MapTypeRegistry &Maps);

/// Limits for walking a subtree.
struct WalkOptions {
  /// Descend into lambda bodies defined in the subtree (they may not run
  /// where they are defined).
  bool IntoLambdas = false;
  /// Give up, silently, after visiting this many statements.
  unsigned NodeBudget = 20000;
};

/// Calls \p Visit for every map access in \p Root, in source order, with the
/// chain of statements from \p Root down to the access (Root first, the
/// access's Site last). Returns false when the budget ran out.
bool forEachMapAccess(
    const clang::Stmt *Root, const MapTypeRegistry &Maps,
    llvm::function_ref<void(const MapAccess &,
                            llvm::ArrayRef<const clang::Stmt *> Ancestors)>
        Visit,
    WalkOptions Options = {});

/// Calls \p Visit for every statement in \p Root (same order, budget and
/// lambda rule as forEachMapAccess). Returns false when the budget ran out.
bool forEachStmt(const clang::Stmt *Root,
                 llvm::function_ref<void(const clang::Stmt *,
                                         llvm::ArrayRef<const clang::Stmt *>)>
                     Visit,
                 WalkOptions Options = {});

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_MAPACCESS_H
