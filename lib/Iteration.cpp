//===- Iteration.cpp ------------------------------------------------------===//

#include "Iteration.h"
#include "MapAccess.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

constexpr unsigned LocalInitDepthLimit = 4;

/// Strips the conversions that copy or convert an iterator or key without
/// changing which element it denotes (iterator -> const_iterator, temporaries).
const Expr *stripConversions(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 16; ++Guard) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next)) {
      if (Construct->getNumArgs() >= 1 &&
          (Construct->getNumArgs() == 1 ||
           isa<CXXDefaultArgExpr>(Construct->getArg(1))))
        Next = Construct->getArg(0);
    } else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Next)) {
      Next = Cast->getSubExpr();
    } else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Next)) {
      if (isa_and_nonnull<CXXConversionDecl>(Member->getMethodDecl()))
        Next = Member->getImplicitObjectArgument();
    }
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

const VarDecl *referencedVar(const Expr *E) {
  if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(stripConversions(E)))
    return dyn_cast<VarDecl>(Ref->getDecl());
  return nullptr;
}

/// The iterator variable and the map's end() call of `it != m.end()`.
struct EndComparison {
  const VarDecl *Iterator = nullptr;
  MapAccess End;
};

std::optional<EndComparison> endComparison(const Expr *Cond,
                                           const MapTypeRegistry &Maps,
                                           unsigned Depth = 0) {
  if (!Cond || Depth > 4)
    return std::nullopt;
  Cond = Cond->IgnoreParenImpCasts();
  const Expr *Sides[2] = {nullptr, nullptr};
  if (const auto *Binary = dyn_cast<BinaryOperator>(Cond)) {
    if (Binary->getOpcode() == BO_LAnd) {
      if (auto Found = endComparison(Binary->getLHS(), Maps, Depth + 1))
        return Found;
      return endComparison(Binary->getRHS(), Maps, Depth + 1);
    }
    if (Binary->getOpcode() == BO_NE) {
      Sides[0] = Binary->getLHS();
      Sides[1] = Binary->getRHS();
    }
  } else if (const auto *Rewritten = dyn_cast<CXXRewrittenBinaryOperator>(Cond)) {
    if (Rewritten->getOpcode() == BO_NE) {
      Sides[0] = Rewritten->getLHS();
      Sides[1] = Rewritten->getRHS();
    }
  } else if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Cond)) {
    if (Operator->getOperator() == OO_ExclaimEqual &&
        Operator->getNumArgs() == 2) {
      Sides[0] = Operator->getArg(0);
      Sides[1] = Operator->getArg(1);
    }
  }
  if (!Sides[0] || !Sides[1])
    return std::nullopt;
  for (int I = 0; I < 2; ++I) {
    const VarDecl *Iterator = referencedVar(Sides[I]);
    if (!Iterator)
      continue;
    const Expr *Other = stripConversions(Sides[1 - I]);
    for (const MapAccess &Access : classifyAccess(Other, Maps))
      if (Access.Op == Operation::End || Access.Op == Operation::CEnd)
        return EndComparison{Iterator, Access};
  }
  return std::nullopt;
}

std::optional<MapLoop> explicitIteratorLoop(const Stmt *Loop, const Expr *Cond,
                                            const Stmt *Body,
                                            const MapTypeRegistry &Maps) {
  std::optional<EndComparison> Comparison = endComparison(Cond, Maps);
  if (!Comparison)
    return std::nullopt;
  MapLoop Result;
  Result.Loop = Loop;
  Result.Body = Body;
  Result.MapObject = Comparison->End.Object;
  Result.Map = Comparison->End.target();
  Result.Type = Comparison->End.Type;
  Result.IteratorVar = Comparison->Iterator;
  return Result;
}

bool isLoopOrSwitch(const Stmt *S) {
  return isLoopStatement(S) || isa<SwitchStmt>(S);
}

bool isIteratorAssignment(const Stmt *S, const MapLoop &Loop) {
  if (!Loop.IteratorVar)
    return false;
  const auto *E = dyn_cast<Expr>(S);
  if (!E)
    return false;
  E = E->IgnoreParenImpCasts();
  if (const auto *Binary = dyn_cast<BinaryOperator>(E))
    return Binary->getOpcode() == BO_Assign &&
           referencedVar(Binary->getLHS()) == Loop.IteratorVar;
  if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(E))
    return Operator->getOperator() == OO_Equal &&
           referencedVar(Operator->getArg(0)) == Loop.IteratorVar;
  return false;
}

bool isThrow(const Stmt *S) {
  const auto *E = dyn_cast<Expr>(S);
  return E && isa<CXXThrowExpr>(E->IgnoreParenImpCasts());
}

/// Whether \p Key denotes the first binding of the loop's structured binding.
bool isFirstBindingOf(const BindingDecl *Binding, const VarDecl *Element) {
  const auto *Decomposition = dyn_cast_or_null<DecompositionDecl>(Element);
  if (!Decomposition || Decomposition->bindings().empty())
    return false;
  return Decomposition->bindings().front() == Binding;
}

ElementUse elementUseImpl(const Expr *E, const MapLoop &Loop, unsigned Depth) {
  if (!E || Depth > LocalInitDepthLimit)
    return ElementUse::Unrelated;
  E = stripConversions(E);

  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *Binding = dyn_cast<BindingDecl>(Ref->getDecl()))
      return isFirstBindingOf(Binding, Loop.ElementVar) ? ElementUse::CurrentKey
                                                        : ElementUse::Unrelated;
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    if (!Var)
      return ElementUse::Unrelated;
    if (Loop.IteratorVar && Var == Loop.IteratorVar)
      return ElementUse::CurrentIterator;
    if (Var->isLocalVarDecl() && Var->hasInit() && Var != Loop.ElementVar) {
      ElementUse Init = elementUseImpl(Var->getInit(), Loop, Depth + 1);
      // A copy of `it` may be advanced independently of `it`: only a
      // reference to it, or a copy of `it++`, keeps a known relation.
      if (Init == ElementUse::CurrentIterator && !Var->getType()->isReferenceType())
        return ElementUse::Unrelated;
      return Init;
    }
    return ElementUse::Unrelated;
  }

  if (const auto *Unary = dyn_cast<UnaryOperator>(E))
    if (Unary->getOpcode() == UO_PostInc &&
        elementUseImpl(Unary->getSubExpr(), Loop, Depth + 1) ==
            ElementUse::CurrentIterator)
      return ElementUse::AdvancedIterator;
  if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(E))
    if (Operator->getOperator() == OO_PlusPlus && Operator->getNumArgs() == 2 &&
        elementUseImpl(Operator->getArg(0), Loop, Depth + 1) ==
            ElementUse::CurrentIterator)
      return ElementUse::AdvancedIterator;

  // kv.first, it->first, (*it).first
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl());
    if (!Field || Field->getName() != "first")
      return ElementUse::Unrelated;
    const Expr *Base = stripConversions(Member->getBase());
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Base))
      if (Loop.ElementVar && Ref->getDecl() == Loop.ElementVar)
        return ElementUse::CurrentKey;
    if (const auto *Deref = dyn_cast<CXXOperatorCallExpr>(Base))
      if ((Deref->getOperator() == OO_Arrow || Deref->getOperator() == OO_Star) &&
          elementUseImpl(Deref->getArg(0), Loop, Depth + 1) ==
              ElementUse::CurrentIterator)
        return ElementUse::CurrentKey;
    if (const auto *Deref = dyn_cast<UnaryOperator>(Base))
      if (Deref->getOpcode() == UO_Deref &&
          elementUseImpl(Deref->getSubExpr(), Loop, Depth + 1) ==
              ElementUse::CurrentIterator)
        return ElementUse::CurrentKey;
  }
  return ElementUse::Unrelated;
}

} // namespace

bool isLoopStatement(const Stmt *S) {
  return isa_and_nonnull<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S);
}

std::optional<MapLoop> matchMapLoop(const Stmt *S, const MapTypeRegistry &Maps) {
  if (!S)
    return std::nullopt;
  if (const auto *RangeFor = dyn_cast<CXXForRangeStmt>(S)) {
    llvm::SmallVector<MapAccess, 1> Accesses = classifyAccess(RangeFor, Maps);
    if (Accesses.empty() || !RangeFor->getLoopVariable())
      return std::nullopt;
    MapLoop Result;
    Result.Loop = RangeFor;
    Result.Body = RangeFor->getBody();
    Result.MapObject = Accesses.front().Object;
    Result.Map = Accesses.front().target();
    Result.Type = Accesses.front().Type;
    Result.ElementVar = RangeFor->getLoopVariable();
    return Result;
  }
  if (const auto *For = dyn_cast<ForStmt>(S))
    return explicitIteratorLoop(For, For->getCond(), For->getBody(), Maps);
  if (const auto *While = dyn_cast<WhileStmt>(S))
    return explicitIteratorLoop(While, While->getCond(), While->getBody(), Maps);
  if (const auto *Do = dyn_cast<DoStmt>(S))
    return explicitIteratorLoop(Do, Do->getCond(), Do->getBody(), Maps);
  return std::nullopt;
}

ElementUse elementUse(const Expr *E, const MapLoop &Loop) {
  return elementUseImpl(E, Loop, 0);
}

bool leavesOrReseatsAfter(llvm::ArrayRef<const Stmt *> Ancestors,
                          const MapLoop &Loop) {
  if (Ancestors.empty())
    return false;
  // A return or throw that contains the statement leaves right away.
  for (const Stmt *S : Ancestors.drop_front())
    if (isa<ReturnStmt>(S) || isThrow(S))
      return true;

  size_t Index = Ancestors.size() - 1;
  while (Index > 0) {
    const Stmt *Child = Ancestors[Index];
    const Stmt *Parent = Ancestors[Index - 1];
    // Inside a nested loop or switch, break and continue do not leave ours.
    bool Nested = false;
    for (size_t I = 1; I < Index; ++I)
      Nested |= isLoopOrSwitch(Ancestors[I]);
    if (isLoopOrSwitch(Parent)) {
      // Control reaches the end of a nested loop's body and returns to that
      // loop; what follows the nested loop is examined one level up.
      --Index;
      continue;
    }
    if (const auto *Block = dyn_cast<CompoundStmt>(Parent)) {
      bool After = false;
      bool JumpedOutOfNested = false;
      for (const Stmt *Sibling : Block->body()) {
        if (!After) {
          After = Sibling == Child;
          continue;
        }
        if (isa<ReturnStmt, GotoStmt>(Sibling) || isThrow(Sibling))
          return true;
        if (isa<BreakStmt, ContinueStmt>(Sibling)) {
          if (!Nested)
            return isa<BreakStmt>(Sibling);
          JumpedOutOfNested = true;
          break;
        }
        if (isIteratorAssignment(Sibling, Loop))
          return true;
      }
      if (JumpedOutOfNested) {
        // Resume after the innermost enclosing loop or switch.
        size_t I = Index - 1;
        while (I > 0 && !isLoopOrSwitch(Ancestors[I]))
          --I;
        Index = I;
        continue;
      }
    }
    --Index;
  }
  return false;
}

bool resultReseatsIterator(llvm::ArrayRef<const Stmt *> Ancestors,
                           const MapLoop &Loop) {
  if (!Loop.IteratorVar)
    return false;
  // Skip the wrappers that only convert or materialise the result; the first
  // real parent must be `it = <result>`.
  for (size_t I = Ancestors.size(); I-- > 1;) {
    const Stmt *Parent = Ancestors[I - 1];
    if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
            ExprWithCleanups, ParenExpr, CXXConstructExpr,
            CXXFunctionalCastExpr>(Parent))
      continue;
    // `it = keep ? std::next(it) : m.erase(it)`: a branch's value is the
    // result, the condition's is not.
    if (const auto *Conditional = dyn_cast<AbstractConditionalOperator>(Parent)) {
      if (Conditional->getCond() == Ancestors[I])
        return false;
      continue;
    }
    return isIteratorAssignment(Parent, Loop);
  }
  return false;
}

} // namespace mapguard::analysis
