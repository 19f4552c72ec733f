//===- MethodEffects.h - What a member function does to member maps -*- C++ -*-//
//
// Summaries of the member maps that a member function mutates, directly or
// through other member functions of the same object that it calls (bounded
// depth, within the translation unit), so that a call `this->evict(key)` can
// be judged like the `table_.erase(key)` inside it.
//
//===----------------------------------------------------------------------===//

#ifndef MAPGUARD_LIB_METHODEFFECTS_H
#define MAPGUARD_LIB_METHODEFFECTS_H

#include "ContainerSemantics.h"
#include "MapTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <vector>

namespace clang {
class CXXMemberCallExpr;
class CXXMethodDecl;
class Expr;
class FieldDecl;
class Stmt;
} // namespace clang

namespace mapguard::analysis {

struct MemberMutation {
  /// The member map of `*this` that is mutated.
  const clang::FieldDecl *Field = nullptr;
  Operation Op = Operation::Insert;
  MapTypeInfo Type;
  /// The mutating expression, in the innermost callee.
  const clang::Stmt *Site = nullptr;
  /// The member function whose body contains Site.
  const clang::CXXMethodDecl *Method = nullptr;
  /// Which parameter of the summarised function is passed on as the
  /// operation's first argument (the key or iterator), or -1.
  int ArgParam = -1;
  /// The operation's result is what the function returns
  /// (`iterator remove(iterator it) { return table_.erase(it); }`).
  bool ResultReturned = false;
};

class MethodEffects {
public:
  /// \p DepthLimit bounds how many calls deep summaries follow.
  explicit MethodEffects(const MapTypeRegistry &Maps, unsigned DepthLimit = 3)
      : Maps(Maps), DepthLimit(DepthLimit) {}

  /// Mutations of member maps performed by calling \p Method on `*this`.
  llvm::ArrayRef<MemberMutation> mutationsOf(const clang::CXXMethodDecl *Method);

  /// The method called on `this` by \p Call (implicitly or explicitly), or
  /// null when \p Call targets another object or has no body here.
  static const clang::CXXMethodDecl *
  calledOnThis(const clang::CXXMemberCallExpr *Call);

  /// The argument \p Call passes for the summarised parameter \p Param.
  static const clang::Expr *argumentFor(const clang::CXXMemberCallExpr *Call,
                                        int Param);

  /// Forgets every summary (the AST they point into is going away).
  void clear() { Cache.clear(); }

private:
  std::vector<MemberMutation> compute(const clang::CXXMethodDecl *Method,
                                      unsigned Depth);

  const MapTypeRegistry &Maps;
  unsigned DepthLimit;
  llvm::DenseMap<const clang::CXXMethodDecl *, std::vector<MemberMutation>>
      Cache;
  llvm::SmallPtrSet<const clang::CXXMethodDecl *, 8> InProgress;
};

} // namespace mapguard::analysis

#endif // MAPGUARD_LIB_METHODEFFECTS_H
