//===- ReadOnlyUse.h - Is an lvalue's object only read? ---------*- C++ -*-===//
//
// Given an lvalue expression and the chain of statements above it, tells how
// its context uses the object it denotes: copied out (lvalue-to-rvalue, a copy
// construction, a by-value argument), read through a const path (a const
// member call, a const reference argument), bound to a named const reference,
// or written (assigned, incremented, a non-const member called, bound to a
// non-const reference, its address taken). Members and array elements of the
// object, and element accessors of standard containers, are followed: the
// object is only read when what is selected from it is only read.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_READONLYUSE_H
#define MAPGUARD_LIB_READONLYUSE_H

#include "llvm/ADT/ArrayRef.h"

namespace clang {
class Stmt;
} // namespace clang

namespace mapguard::analysis {

enum class ValueUseKind {
  /// The value is copied out right away (`int x = m[k];`, `f(m[k])` by value,
  /// `m[k] + 1`, `if (m[k])`).
  Copied,
  /// Read in place through a const path that ends with the full expression:
  /// a const member call, a const reference parameter, a const operator.
  ReadInPlace,
  /// Bound to a named const reference (`const auto &v = m[k];`) or returned
  /// by const reference: still only read, but observed later.
  ConstAlias,
  /// Assigned, incremented, moved from, passed to a non-const parameter, a
  /// non-const member called on it.
  Modified,
  /// Bound to a non-const reference or pointer (`auto &slot = m[k];`,
  /// `&m[k]`): the code means to write through it.
  MutableAlias,
  /// The value is discarded (`m[k];`, `(void)m[k];`): evaluated only for
  /// its side effect.
  Discarded,
  /// Not evaluated (`sizeof(m[k])`, `noexcept(m[k])`).
  Unevaluated,
  /// A context this analysis does not model (dependent code, initializer
  /// lists of references, ...).
  Unknown,
};

struct ValueUse {
  ValueUseKind Kind = ValueUseKind::Unknown;
  /// The statement that decided, in \p Ancestors; null when none did.
  const clang::Stmt *DecidedBy = nullptr;
  /// The outermost expression that still denotes the object or a part of it
  /// (the subscript itself, or `m[k].field`); the use is that of this one.
  const clang::Stmt *Outermost = nullptr;

  bool onlyRead() const {
    return Kind == ValueUseKind::Copied || Kind == ValueUseKind::ReadInPlace ||
           Kind == ValueUseKind::ConstAlias;
  }
};

/// How the object denoted by the lvalue at the end of \p Ancestors (a chain
/// of statements from a function body, or a lambda body, down to it) is used
/// by its context. Bounded by the length of the chain.
ValueUse classifyValueUse(llvm::ArrayRef<const clang::Stmt *> Ancestors);

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_READONLYUSE_H
