//===- ReadOnlyUse.cpp ----------------------------------------------------===//

#include "ReadOnlyUse.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

bool isInStd(const DeclContext *DC) {
  for (; DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      if (!NS->isInline())
        return NS->getName() == "std" &&
               isa<TranslationUnitDecl>(NS->getParent()->getRedeclContext());
  return false;
}

/// Non-const members of standard containers that only select an element and
/// never change the container: what is done with the element decides.
/// (A map's own operator[] inserts, so it is not one of them.)
bool isElementAccessor(const CXXMethodDecl *Method) {
  if (!Method || !isInStd(Method->getParent()))
    return false;
  if (Method->getOverloadedOperator() == OO_Subscript)
    return llvm::StringSwitch<bool>(Method->getParent()->getName())
        .Cases("vector", "array", "deque", "basic_string", "span", true)
        .Default(false);
  if (!Method->getIdentifier())
    return false;
  return llvm::StringSwitch<bool>(Method->getName())
      .Cases("at", "front", "back", true)
      .Default(false);
}

/// What passing the object to \p Param does to it.
ValueUseKind useByParameter(const FunctionDecl *Callee, unsigned ParamIndex) {
  if (!Callee || ParamIndex >= Callee->getNumParams())
    return ValueUseKind::Unknown; // variadic, or no declaration
  QualType Param = Callee->getParamDecl(ParamIndex)->getType();
  if (Param->isRValueReferenceType())
    return ValueUseKind::Modified; // moved from
  if (const auto *Ref = Param->getAs<LValueReferenceType>()) {
    if (!Ref->getPointeeType().isConstQualified())
      return ValueUseKind::Modified;
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Callee))
      if (Ctor->isCopyConstructor())
        return ValueUseKind::Copied;
    return ValueUseKind::ReadInPlace;
  }
  return ValueUseKind::Copied;
}

/// What calling \p Method on the object does to it; nullopt when the call's
/// result (an element of the object) decides.
std::optional<ValueUseKind> useByMethod(const CXXMethodDecl *Method) {
  if (!Method)
    return ValueUseKind::Unknown;
  if (Method->isStatic())
    return ValueUseKind::ReadInPlace;
  if (Method->isConst())
    return ValueUseKind::ReadInPlace;
  if (isElementAccessor(Method))
    return std::nullopt;
  return ValueUseKind::Modified;
}

unsigned argumentIndex(const CallExpr *Call, const Stmt *Arg) {
  for (unsigned I = 0, N = Call->getNumArgs(); I < N; ++I)
    if (Call->getArg(I) == Arg)
      return I;
  return ~0u;
}

unsigned argumentIndex(const CXXConstructExpr *Construct, const Stmt *Arg) {
  for (unsigned I = 0, N = Construct->getNumArgs(); I < N; ++I)
    if (Construct->getArg(I) == Arg)
      return I;
  return ~0u;
}

bool isConstLvalue(const Stmt *S) {
  const auto *E = dyn_cast<Expr>(S);
  return E && E->getType().isConstQualified();
}

class Classifier {
public:
  explicit Classifier(llvm::ArrayRef<const Stmt *> Ancestors)
      : Ancestors(Ancestors) {}

  ValueUse run() {
    ValueUse Use;
    if (Ancestors.empty())
      return Use;
    Index = Ancestors.size() - 1;
    while (Index > 0) {
      const Stmt *Child = Ancestors[Index];
      const Stmt *Parent = Ancestors[Index - 1];
      Use.Outermost = Child;
      std::optional<ValueUseKind> Decided = step(Child, Parent);
      if (Decided) {
        Use.Kind = *Decided;
        Use.DecidedBy = Parent;
        return Use;
      }
      --Index;
    }
    Use.Outermost = Ancestors.front();
    return Use; // reached the root: nothing decided
  }

private:
  /// Judges the object's use by \p Parent; nullopt to go on with Parent
  /// (it still denotes the object or a part of it). May move Index further
  /// up when the decision needs the grandparent.
  std::optional<ValueUseKind> step(const Stmt *Child, const Stmt *Parent) {
    if (const auto *E = dyn_cast<Expr>(Parent))
      if (E->isTypeDependent() || E->isValueDependent())
        return ValueUseKind::Unknown;

    if (isa<ParenExpr, ExprWithCleanups, ConditionalOperator,
            BinaryConditionalOperator>(Parent))
      return std::nullopt;
    if (const auto *Cast = dyn_cast<CastExpr>(Parent))
      return byCast(Cast);
    if (const auto *Member = dyn_cast<MemberExpr>(Parent))
      return byMember(Member, Child);
    if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(Parent))
      return Subscript->getBase() == Child ? std::nullopt
                                           : std::optional(ValueUseKind::Unknown);
    if (const auto *Unary = dyn_cast<UnaryOperator>(Parent))
      return byUnary(Unary);
    if (const auto *Binary = dyn_cast<BinaryOperator>(Parent))
      return byBinary(Binary, Child);
    if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Parent))
      return byOperatorCall(Operator, Child);
    if (const auto *Call = dyn_cast<CallExpr>(Parent))
      return useByParameter(Call->getDirectCallee(), argumentIndex(Call, Child));
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Parent))
      return useByParameter(Construct->getConstructor(),
                            argumentIndex(Construct, Child));
    if (const auto *Decls = dyn_cast<DeclStmt>(Parent))
      return byDeclaration(Decls, Child);
    if (isa<ReturnStmt>(Parent))
      return isConstLvalue(Child) ? ValueUseKind::ConstAlias
                                  : ValueUseKind::MutableAlias;
    if (const auto *RangeFor = dyn_cast<CXXForRangeStmt>(Parent))
      return byRangeFor(RangeFor, Child);
    if (const auto *Trait = dyn_cast<UnaryExprOrTypeTraitExpr>(Parent))
      return Trait->getKind() == UETT_SizeOf || Trait->getKind() == UETT_AlignOf
                 ? ValueUseKind::Unevaluated
                 : ValueUseKind::Unknown;
    if (isa<CXXNoexceptExpr>(Parent))
      return ValueUseKind::Unevaluated;
    if (!isa<Expr>(Parent) && !isa<LambdaExpr>(Parent))
      return ValueUseKind::Discarded; // an expression statement
    return ValueUseKind::Unknown;
  }

  std::optional<ValueUseKind> byCast(const CastExpr *Cast) {
    switch (Cast->getCastKind()) {
    case CK_LValueToRValue:
      return ValueUseKind::Copied;
    case CK_ToVoid:
      return ValueUseKind::Discarded;
    case CK_NoOp:
    case CK_DerivedToBase:
    case CK_UncheckedDerivedToBase:
      if (Cast->isGLValue())
        return std::nullopt;
      return ValueUseKind::Copied;
    case CK_ArrayToPointerDecay:
      // `m[k][i]` on an array element: the element decides.
      if (Index >= 2)
        if (const auto *Subscript =
                dyn_cast<ArraySubscriptExpr>(Ancestors[Index - 2]))
          if (Subscript->getBase() == Cast)
            return std::nullopt;
      return ValueUseKind::MutableAlias;
    default:
      return ValueUseKind::Unknown;
    }
  }

  std::optional<ValueUseKind> byMember(const MemberExpr *Member,
                                       const Stmt *Child) {
    if (Member->getBase() != Child || Member->isArrow())
      return ValueUseKind::Unknown;
    const ValueDecl *D = Member->getMemberDecl();
    if (isa<FieldDecl>(D))
      return std::nullopt; // the field's use decides
    if (isa<VarDecl>(D))
      return ValueUseKind::ReadInPlace; // a static member named through it
    const auto *Method = dyn_cast<CXXMethodDecl>(D);
    if (!Method || Index < 2)
      return ValueUseKind::Unknown;
    const auto *Call = dyn_cast<CXXMemberCallExpr>(Ancestors[Index - 2]);
    if (!Call || Call->getCallee() != Member)
      return ValueUseKind::Unknown;
    std::optional<ValueUseKind> Use = useByMethod(Method);
    if (!Use)
      --Index; // continue above the accessor call
    return Use;
  }

  std::optional<ValueUseKind> byUnary(const UnaryOperator *Unary) {
    switch (Unary->getOpcode()) {
    case UO_PreInc:
    case UO_PreDec:
    case UO_PostInc:
    case UO_PostDec:
      return ValueUseKind::Modified;
    case UO_AddrOf:
      return ValueUseKind::MutableAlias;
    case UO_Extension:
      return std::nullopt;
    default:
      return ValueUseKind::Unknown;
    }
  }

  std::optional<ValueUseKind> byBinary(const BinaryOperator *Binary,
                                       const Stmt *Child) {
    if (Binary->isAssignmentOp())
      return Binary->getLHS() == Child ? ValueUseKind::Modified
                                       : ValueUseKind::Unknown;
    if (Binary->getOpcode() == BO_Comma)
      return Binary->getLHS() == Child ? std::optional(ValueUseKind::Discarded)
                                       : std::nullopt;
    return ValueUseKind::Unknown;
  }

  std::optional<ValueUseKind> byOperatorCall(const CXXOperatorCallExpr *Call,
                                             const Stmt *Child) {
    unsigned Arg = argumentIndex(Call, Child);
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee());
    if (Method && !Method->isStatic()) {
      if (Arg == 0)
        return useByMethod(Method); // nullopt: the accessor's result decides
      return useByParameter(Method, Arg - 1);
    }
    return useByParameter(Call->getDirectCallee(), Arg);
  }

  std::optional<ValueUseKind> byDeclaration(const DeclStmt *Decls,
                                            const Stmt *Child) {
    for (const Decl *D : Decls->decls()) {
      const auto *Var = dyn_cast<VarDecl>(D);
      if (!Var || Var->getInit() != Child)
        continue;
      QualType T = Var->getType();
      if (!T->isReferenceType())
        return ValueUseKind::Copied;
      return T.getNonReferenceType().isConstQualified()
                 ? ValueUseKind::ConstAlias
                 : ValueUseKind::MutableAlias;
    }
    return ValueUseKind::Unknown;
  }

  std::optional<ValueUseKind> byRangeFor(const CXXForRangeStmt *RangeFor,
                                         const Stmt *Child) {
    if (RangeFor->getRangeInit() != Child || !RangeFor->getLoopVariable())
      return ValueUseKind::Unknown;
    QualType Element = RangeFor->getLoopVariable()->getType();
    if (!Element->isReferenceType() ||
        Element.getNonReferenceType().isConstQualified())
      return ValueUseKind::ReadInPlace;
    return ValueUseKind::MutableAlias;
  }

  llvm::ArrayRef<const Stmt *> Ancestors;
  size_t Index = 0;
};

} // namespace

ValueUse classifyValueUse(llvm::ArrayRef<const Stmt *> Ancestors) {
  return Classifier(Ancestors).run();
}

} // namespace mapguard::analysis
