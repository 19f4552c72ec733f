//===- Iteration.h - Loops that iterate a map ------------------*- C++ -*-===//
//
// Recognises the loops that iterate a map (range-for, and for/while/do loops
// whose condition compares an iterator with the map's end()), and answers
// questions about code inside them: does an expression denote the loop's
// current element or its key, does control leave the loop (or re-seat the
// iterator) right after a statement.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_ITERATION_H
#define MAPGUARD_LIB_ITERATION_H

#include "MapIdentity.h"
#include "MapTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include <optional>

namespace clang {
class Expr;
class Stmt;
class VarDecl;
} // namespace clang

namespace mapguard::analysis {

struct MapLoop {
  const clang::Stmt *Loop = nullptr;
  const clang::Stmt *Body = nullptr;
  /// The map expression as written (`table_` in `for (auto &kv : table_)`).
  const clang::Expr *MapObject = nullptr;
  std::optional<MapRef> Map;
  MapTypeInfo Type;
  /// The range-for's element variable (or structured binding).
  const clang::VarDecl *ElementVar = nullptr;
  /// The iterator variable of an explicit iterator loop.
  const clang::VarDecl *IteratorVar = nullptr;

  bool isRangeFor() const { return ElementVar != nullptr; }
};

/// Whether \p S is a loop statement: for, range-for, while or do.
bool isLoopStatement(const clang::Stmt *S);

/// The map loop that \p S is, if it is one.
std::optional<MapLoop> matchMapLoop(const clang::Stmt *S,
                                    const MapTypeRegistry &Maps);

/// How an expression relates to the loop's current element.
enum class ElementUse {
  Unrelated,        ///< not provably the current element
  CurrentIterator,  ///< the loop's iterator (`it`)
  AdvancedIterator, ///< `it++`: the current element, with `it` moved past it
  CurrentKey,       ///< the current element's key (`kv.first`, `it->first`, `k`)
};

/// Classifies \p E (an argument of an operation inside \p Loop).
ElementUse elementUse(const clang::Expr *E, const MapLoop &Loop);

/// Whether, right after the statement at the end of \p Ancestors (a chain of
/// statements from the loop body down to it), control certainly leaves the
/// loop (break, return, throw, goto) or re-seats the loop's iterator
/// (`it = ...`), before the next iteration step. \p Ancestors starts at
/// Loop.Body.
bool leavesOrReseatsAfter(llvm::ArrayRef<const clang::Stmt *> Ancestors,
                          const MapLoop &Loop);

/// Whether \p Site's value is assigned to the loop's iterator
/// (`it = m.erase(it)`), given its ancestors (Site last).
bool resultReseatsIterator(llvm::ArrayRef<const clang::Stmt *> Ancestors,
                           const MapLoop &Loop);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_ITERATION_H
