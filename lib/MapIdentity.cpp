//===- MapIdentity.cpp ----------------------------------------------------===//

#include "MapIdentity.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

/// Local aliases may chain (`auto &a = m; auto &b = a;`); a small bound keeps
/// pathological chains cheap.
constexpr unsigned AliasDepthLimit = 8;

MapOwner ownerOf(const ValueDecl *D) {
  if (isa<FieldDecl>(D))
    return MapOwner::Member;
  if (isa<ParmVarDecl>(D))
    return MapOwner::Parameter;
  if (const auto *Var = dyn_cast<VarDecl>(D)) {
    if (Var->isStaticLocal())
      return MapOwner::StaticLocal;
    if (Var->hasGlobalStorage())
      return MapOwner::Global;
  }
  return MapOwner::Local;
}

/// A local reference or pointer that always denotes what its initialiser
/// denotes: its initialiser, else null.
const Expr *aliasInitializer(const VarDecl *Var) {
  if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal() || !Var->hasInit())
    return nullptr;
  QualType T = Var->getType();
  if (T->isReferenceType() || T->isPointerType())
    return Var->getInit();
  return nullptr;
}

class Resolver {
public:
  std::optional<MapRef> object(const Expr *E, unsigned Depth) {
    if (!E || Depth > AliasDepthLimit)
      return std::nullopt;
    E = E->IgnoreParenImpCasts();

    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return declRef(Ref, Depth);
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return member(Member, Depth);
    if (const auto *Unary = dyn_cast<UnaryOperator>(E))
      if (Unary->getOpcode() == UO_Deref)
        return pointee(Unary->getSubExpr(), Depth);
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
      if (Op->getOperator() == OO_Star && Op->getNumArgs() == 1)
        return pointee(Op->getArg(0), Depth);
    return std::nullopt;
  }

  /// The object that the pointer (or smart pointer) expression \p E points to.
  std::optional<MapRef> pointee(const Expr *E, unsigned Depth) {
    if (!E || Depth > AliasDepthLimit)
      return std::nullopt;
    E = E->IgnoreParenImpCasts();
    if (const auto *Unary = dyn_cast<UnaryOperator>(E))
      if (Unary->getOpcode() == UO_AddrOf)
        return object(Unary->getSubExpr(), Depth);
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
      if (Var && Var->getType()->isPointerType())
        if (const Expr *Init = aliasInitializer(Var))
          return pointee(Init, Depth + 1);
    }
    if (isa<CXXThisExpr>(E))
      return std::nullopt; // `*this` is never a map we track.
    // `static_cast<Map *>(arg)` with `void *arg` (a thread's argument)
    // points to what `arg` points to.
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E)) {
      const Expr *Source = Cast->getSubExpr()->IgnoreParenImpCasts();
      if (Source->getType()->isVoidPointerType())
        return pointee(Source, Depth + 1);
    }
    // `sp.operator->()` is a raw pointer to what the smart pointer owns.
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
      if (Op->getOperator() == OO_Arrow && Op->getNumArgs() == 1)
        return pointee(Op->getArg(0), Depth);
    std::optional<MapRef> Pointer = object(E, Depth);
    if (Pointer)
      ++Pointer->Derefs;
    return Pointer;
  }

private:
  std::optional<MapRef> declRef(const DeclRefExpr *Ref, unsigned Depth) {
    const ValueDecl *D = Ref->getDecl();
    if (const auto *Var = dyn_cast<VarDecl>(D)) {
      if (Var->getType()->isReferenceType())
        if (const Expr *Init = aliasInitializer(Var))
          if (std::optional<MapRef> Aliased = object(Init, Depth + 1))
            return Aliased;
    } else if (!isa<BindingDecl>(D)) {
      return std::nullopt; // functions, enumerators
    }
    MapRef Result;
    Result.Root = D;
    Result.Owner = ownerOf(D);
    return Result;
  }

  std::optional<MapRef> member(const MemberExpr *Member, unsigned Depth) {
    const ValueDecl *D = Member->getMemberDecl();
    if (const auto *StaticMember = dyn_cast<VarDecl>(D)) {
      MapRef Result;
      Result.Root = StaticMember;
      Result.Owner = MapOwner::Global;
      return Result;
    }
    const auto *Field = dyn_cast<FieldDecl>(D);
    if (!Field)
      return std::nullopt;
    const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(Base)) {
      MapRef Result;
      Result.Root = Field;
      Result.Owner = MapOwner::Member;
      return Result;
    }
    std::optional<MapRef> Outer =
        Member->isArrow() ? pointee(Base, Depth) : object(Base, Depth);
    if (!Outer)
      return std::nullopt;
    Outer->Path.push_back(Field);
    // Indirections before this member are part of the path's identity only
    // through the root; a member of the pointee is a new object.
    Outer->Derefs = 0;
    return Outer;
  }
};

} // namespace

std::string MapRef::name() const {
  std::string Name = Root ? Root->getNameAsString() : "<map>";
  if (Root && Root->getName().empty())
    Name = "<unnamed>";
  for (const FieldDecl *Field : Path) {
    Name += '.';
    Name += Field->getNameAsString();
  }
  return Name;
}

std::optional<MapRef> resolveMapRef(const Expr *E) {
  return Resolver().object(E, 0);
}

std::optional<MapRef> resolvePointeeMapRef(const Expr *Pointer) {
  return Resolver().pointee(Pointer, 0);
}

} // namespace mapguard::analysis
