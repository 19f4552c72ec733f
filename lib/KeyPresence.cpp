//===- KeyPresence.cpp ----------------------------------------------------===//

#include "KeyPresence.h"
#include "Iteration.h"
#include "ReadOnlyUse.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace mapguard::analysis {

bool keepsExistingKeys(Operation Op) {
  switch (Op) {
  case Operation::Insert:
  case Operation::Emplace:
  case Operation::EmplaceHint:
  case Operation::TryEmplace:
  case Operation::InsertOrAssign:
  case Operation::InsertRange:
  case Operation::Subscript:
  case Operation::Merge: // takes from its argument, adds to its object
  case Operation::Rehash:
  case Operation::Reserve:
    return true;
  default:
    return false;
  }
}

namespace {

constexpr unsigned kMaxExprDepth = 16;

/// Strips what only converts or materialises a value: implicit casts,
/// parentheses, temporaries, converting constructions (a `std::string` key
/// from a literal) and implicit conversion operators (iterator to
/// const_iterator).
const Expr *stripConversions(const Expr *E) {
  for (unsigned I = 0; E && I < kMaxExprDepth; ++I) {
    const Expr *Next = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Next)) {
      if (!isa<CXXTemporaryObjectExpr>(Construct) &&
          Construct->getNumArgs() >= 1 &&
          llvm::all_of(llvm::drop_begin(Construct->arguments()),
                       [](const Expr *Arg) { return isa<CXXDefaultArgExpr>(Arg); }))
        Next = Construct->getArg(0);
    } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Next)) {
      if (isa_and_nonnull<CXXConversionDecl>(Call->getMethodDecl()) &&
          Call->getImplicitObjectArgument())
        Next = Call->getImplicitObjectArgument();
    }
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

/// Whether \p A and \p B certainly denote the same value when evaluated at
/// the same point: the same variable, member chain or literal.
bool sameValue(const Expr *A, const Expr *B, unsigned Depth = 0) {
  A = stripConversions(A);
  B = stripConversions(B);
  if (!A || !B || Depth > kMaxExprDepth ||
      A->getStmtClass() != B->getStmtClass())
    return false;
  if (const auto *RefA = dyn_cast<DeclRefExpr>(A)) {
    const ValueDecl *D = RefA->getDecl();
    return isa<VarDecl, BindingDecl, EnumConstantDecl, NonTypeTemplateParmDecl>(D) &&
           D->getCanonicalDecl() ==
               cast<DeclRefExpr>(B)->getDecl()->getCanonicalDecl();
  }
  if (const auto *MemberA = dyn_cast<MemberExpr>(A)) {
    const auto *MemberB = cast<MemberExpr>(B);
    return isa<FieldDecl>(MemberA->getMemberDecl()) &&
           MemberA->getMemberDecl() == MemberB->getMemberDecl() &&
           MemberA->isArrow() == MemberB->isArrow() &&
           sameValue(MemberA->getBase(), MemberB->getBase(), Depth + 1);
  }
  if (isa<CXXThisExpr>(A))
    return true;
  if (const auto *Int = dyn_cast<IntegerLiteral>(A))
    return llvm::APInt::isSameValue(Int->getValue(),
                                    cast<IntegerLiteral>(B)->getValue());
  if (const auto *Char = dyn_cast<CharacterLiteral>(A))
    return Char->getValue() == cast<CharacterLiteral>(B)->getValue();
  if (const auto *Bool = dyn_cast<CXXBoolLiteralExpr>(A))
    return Bool->getValue() == cast<CXXBoolLiteralExpr>(B)->getValue();
  if (const auto *String = dyn_cast<StringLiteral>(A))
    return String->getBytes() == cast<StringLiteral>(B)->getBytes();
  return false;
}

/// What the key of the access depends on: the variables and members of
/// `this` whose writes would change it.
struct KeyInfo {
  const Expr *Key = nullptr;
  llvm::SmallPtrSet<const Decl *, 4> Roots;
  bool UsesThis = false;
};

/// Fills \p Info for \p E; false when the key is not a value this analysis
/// can follow (a call's result, something reached through a pointer, a
/// mutable global, a non-const reference that may alias anything).
bool describeKey(const Expr *E, KeyInfo &Info, unsigned Depth = 0) {
  E = stripConversions(E);
  if (!E || Depth > kMaxExprDepth)
    return false;
  if (isa<IntegerLiteral, CharacterLiteral, CXXBoolLiteralExpr, StringLiteral>(E))
    return true;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = Ref->getDecl();
    if (isa<EnumConstantDecl, NonTypeTemplateParmDecl>(D))
      return true;
    QualType T = D->getType();
    if (T.isVolatileQualified())
      return false;
    if (const auto *Var = dyn_cast<VarDecl>(D)) {
      if (T->isReferenceType() && !T->getPointeeType().isConstQualified())
        return false;
      if (Var->hasGlobalStorage() && !T.isConstQualified())
        return false;
    } else if (!isa<BindingDecl>(D)) {
      return false;
    }
    Info.Roots.insert(D->getCanonicalDecl());
    return true;
  }
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    if (!isa<FieldDecl>(Member->getMemberDecl()))
      return false;
    const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(Base)) {
      Info.UsesThis = true;
      Info.Roots.insert(Member->getMemberDecl()->getCanonicalDecl());
      return true;
    }
    return !Member->isArrow() && describeKey(Base, Info, Depth + 1);
  }
  return false;
}

/// The membership operation (find, count, contains) that \p E performs on
/// \p Map with \p Key, if it is one.
std::optional<Operation> membershipProbe(const Expr *E, const MapRef &Map,
                                         const Expr *Key,
                                         const MapTypeRegistry &Maps) {
  E = stripConversions(E);
  if (!isa_and_nonnull<CallExpr>(E))
    return std::nullopt;
  for (const MapAccess &Access : classifyAccess(E, Maps)) {
    if (!Access.Op || Access.Args.empty() ||
        (*Access.Op != Operation::Find && *Access.Op != Operation::Count &&
         *Access.Op != Operation::Contains))
      continue;
    if (Access.target() == Map && sameValue(Access.Args.front(), Key))
      return Access.Op;
  }
  return std::nullopt;
}

bool isEndOf(const Expr *E, const MapRef &Map, const MapTypeRegistry &Maps) {
  E = stripConversions(E);
  if (!isa_and_nonnull<CallExpr>(E))
    return false;
  for (const MapAccess &Access : classifyAccess(E, Maps))
    if (Access.Op &&
        (*Access.Op == Operation::End || *Access.Op == Operation::CEnd) &&
        Access.target() == Map)
      return true;
  return false;
}

struct Comparison {
  BinaryOperatorKind Opcode;
  const Expr *LHS;
  const Expr *RHS;
};

/// \p E as a comparison, built-in, overloaded or rewritten (C++20 `!=`
/// from `==`).
std::optional<Comparison> asComparison(const Expr *E) {
  if (const auto *Binary = dyn_cast<BinaryOperator>(E))
    if (Binary->isComparisonOp())
      return Comparison{Binary->getOpcode(), Binary->getLHS(), Binary->getRHS()};
  if (const auto *Rewritten = dyn_cast<CXXRewrittenBinaryOperator>(E)) {
    CXXRewrittenBinaryOperator::DecomposedForm Form =
        Rewritten->getDecomposedForm();
    if (BinaryOperator::isComparisonOp(Form.Opcode))
      return Comparison{Form.Opcode, Form.LHS, Form.RHS};
  }
  if (const auto *Call = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (Call->getNumArgs() != 2)
      return std::nullopt;
    switch (Call->getOperator()) {
    case OO_EqualEqual:
    case OO_ExclaimEqual:
    case OO_Less:
    case OO_Greater:
    case OO_LessEqual:
    case OO_GreaterEqual:
      return Comparison{BinaryOperator::getOverloadedOpcode(Call->getOperator()),
                        Call->getArg(0), Call->getArg(1)};
    default:
      break;
    }
  }
  return std::nullopt;
}

/// Whether `0 <Opcode> N` holds.
bool zeroCompares(BinaryOperatorKind Opcode, const llvm::APSInt &N) {
  const int Order = N.isZero() ? 0 : (N.isSigned() && N.isNegative()) ? 1 : -1;
  switch (Opcode) {
  case BO_EQ:
    return Order == 0;
  case BO_NE:
    return Order != 0;
  case BO_LT:
    return Order < 0;
  case BO_GT:
    return Order > 0;
  case BO_LE:
    return Order <= 0;
  case BO_GE:
    return Order >= 0;
  default:
    return false;
  }
}

class PresenceProver {
public:
  PresenceProver(const MapRef &Map, const KeyInfo &Key,
                 const MapTypeRegistry &Maps, const ASTContext &Ctx)
      : Map(Map), Key(Key), Maps(Maps), Ctx(Ctx) {}

  /// Whether \p Cond evaluating to \p Outcome implies the key is present.
  /// \p Fresh are variables that still hold what their initializer
  /// computed when Cond runs (`auto it = m.find(k); if (it == m.end())`).
  bool provedBy(const Expr *Cond, bool Outcome,
                llvm::ArrayRef<const VarDecl *> Fresh = {},
                unsigned Depth = 0) const {
    if (!Cond || Depth > kMaxExprDepth)
      return false;
    const Expr *E = Cond->IgnoreImplicit()->IgnoreParens();
    while (E != E->IgnoreImplicit()->IgnoreParens())
      E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Not = dyn_cast<UnaryOperator>(E))
      return Not->getOpcode() == UO_LNot &&
             provedBy(Not->getSubExpr(), !Outcome, Fresh, Depth + 1);
    if (const auto *Logic = dyn_cast<BinaryOperator>(E)) {
      if (Logic->getOpcode() == BO_LAnd)
        return Outcome && (provedBy(Logic->getLHS(), true, Fresh, Depth + 1) ||
                           provedBy(Logic->getRHS(), true, Fresh, Depth + 1));
      if (Logic->getOpcode() == BO_LOr)
        return !Outcome && (provedBy(Logic->getLHS(), false, Fresh, Depth + 1) ||
                            provedBy(Logic->getRHS(), false, Fresh, Depth + 1));
    }
    if (std::optional<Comparison> Compare = asComparison(E)) {
      std::optional<bool> WhenAbsent = resultWhenAbsent(*Compare, Fresh);
      return WhenAbsent && *WhenAbsent != Outcome;
    }
    // `if (m.count(k))`, `if (m.contains(k))`: false when absent.
    std::optional<Operation> Probe = probe(E, Fresh);
    return Outcome && Probe &&
           (*Probe == Operation::Count || *Probe == Operation::Contains);
  }

  /// Whether \p S certainly adds the key, whenever it completes.
  bool insertsKey(const Stmt *S, unsigned &Budget) const {
    if (!S || Budget == 0)
      return false;
    bool Found = false;
    WalkOptions Walk;
    Walk.NodeBudget = Budget;
    unsigned Visited = 0;
    forEachStmt(
        S,
        [&](const Stmt *Node, llvm::ArrayRef<const Stmt *> Ancestors) {
          ++Visited;
          if (Found || !isa<CallExpr>(Node))
            return;
          for (const Stmt *Above : Ancestors.drop_back())
            if (mayBeSkipped(Above))
              return;
          for (const MapAccess &Access : classifyAccess(Node, Maps))
            Found |= isInsertionOfKey(Access);
        },
        Walk);
    Budget -= std::min(Budget, Visited);
    return Found;
  }

private:
  /// What the comparison yields when the key is absent (`find() == end()`
  /// is true, `count() > 0` false), if it is about the key.
  std::optional<bool>
  resultWhenAbsent(const Comparison &Compare,
                   llvm::ArrayRef<const VarDecl *> Fresh) const {
    for (bool Swapped : {false, true}) {
      const Expr *Probed = Swapped ? Compare.RHS : Compare.LHS;
      const Expr *Other = Swapped ? Compare.LHS : Compare.RHS;
      BinaryOperatorKind Opcode =
          Swapped ? BinaryOperator::reverseComparisonOp(Compare.Opcode)
                  : Compare.Opcode;
      std::optional<Operation> Probe = probe(Probed, Fresh);
      if (!Probe)
        continue;
      if (*Probe == Operation::Find) {
        if (!isEndOf(Other, Map, Maps))
          return std::nullopt;
        if (Opcode == BO_EQ)
          return true;
        if (Opcode == BO_NE)
          return false;
        return std::nullopt;
      }
      // count() and contains() are 0 (false) when the key is absent.
      if (!Other || Other->isValueDependent() || Other->isTypeDependent())
        return std::nullopt;
      Expr::EvalResult Value;
      if (!Other->EvaluateAsInt(Value, Ctx) || !Value.Val.isInt())
        return std::nullopt;
      return zeroCompares(Opcode, Value.Val.getInt());
    }
    return std::nullopt;
  }

  /// membershipProbe(), also through a fresh variable holding its result.
  std::optional<Operation> probe(const Expr *E,
                                 llvm::ArrayRef<const VarDecl *> Fresh) const {
    if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(stripConversions(E)))
      if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
        if (llvm::is_contained(Fresh, Var))
          E = Var->getInit();
    return membershipProbe(E, Map, Key.Key, Maps);
  }

  static bool mayBeSkipped(const Stmt *S) {
    if (const auto *Logic = dyn_cast<BinaryOperator>(S))
      return Logic->isLogicalOp();
    return isa<IfStmt, SwitchStmt, ForStmt, WhileStmt, DoStmt, CXXForRangeStmt,
               AbstractConditionalOperator, CXXTryStmt, LambdaExpr>(S);
  }

  bool isInsertionOfKey(const MapAccess &Access) const {
    if (!Access.Op || Access.Args.empty())
      return false;
    switch (*Access.Op) {
    case Operation::Subscript:
    case Operation::TryEmplace:
    case Operation::InsertOrAssign:
      break;
    case Operation::Emplace: // emplace(key, args...), not emplace(pair)
      if (Access.Args.size() < 2)
        return false;
      break;
    default:
      return false;
    }
    return Access.target() == Map && sameValue(Access.Args.front(), Key.Key);
  }

  const MapRef &Map;
  const KeyInfo &Key;
  const MapTypeRegistry &Maps;
  const ASTContext &Ctx;
};

/// Whether every path through \p S leaves the enclosing block: return,
/// throw, break, continue, a call that does not return.
bool alwaysLeaves(const Stmt *S, unsigned Depth = 0) {
  if (!S || Depth > kMaxExprDepth)
    return false;
  if (isa<ReturnStmt, BreakStmt, ContinueStmt, CoreturnStmt>(S))
    return true;
  if (const auto *E = dyn_cast<Expr>(S)) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (isa<CXXThrowExpr>(E))
      return true;
    if (const auto *Call = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *Callee = Call->getDirectCallee())
        return Callee->isNoReturn();
    return false;
  }
  if (const auto *Block = dyn_cast<CompoundStmt>(S))
    return llvm::any_of(Block->body(), [&](const Stmt *Child) {
      return alwaysLeaves(Child, Depth + 1);
    });
  if (const auto *If = dyn_cast<IfStmt>(S))
    return If->getElse() && alwaysLeaves(If->getThen(), Depth + 1) &&
           alwaysLeaves(If->getElse(), Depth + 1);
  if (const auto *Attributed = dyn_cast<AttributedStmt>(S))
    return alwaysLeaves(Attributed->getSubStmt(), Depth + 1);
  return false;
}

/// The expression's variable or member of `this` at the root of a member
/// chain (`obj.a.b` gives obj).
const Decl *rootDecl(const Expr *E) {
  for (unsigned I = 0; E && I < kMaxExprDepth; ++I) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl()->getCanonicalDecl();
    const auto *Member = dyn_cast<MemberExpr>(E);
    if (!Member)
      return nullptr;
    if (isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
      return Member->getMemberDecl()->getCanonicalDecl();
    E = Member->getBase();
  }
  return nullptr;
}

/// Walks what runs between a proof and the access, and says whether any of
/// it may remove the key or change it.
class RegionCheck {
public:
  RegionCheck(const MapRef &Map, const KeyInfo &Key, const MapTypeRegistry &Maps,
              MethodEffects &Effects)
      : Map(Map), Key(Key), Maps(Maps), Effects(Effects) {}

  /// \p Root contains both \p Proof and the access at the end of
  /// \p Ancestors, at index \p RootIndex of that chain.
  bool keepsKey(const Stmt *Root, const Stmt *Proof,
                llvm::ArrayRef<const Stmt *> Ancestors, size_t RootIndex,
                unsigned Budget) {
    const Stmt *Site = Ancestors.back();
    // Loops around the access but not around the proof: what follows the
    // access in them runs before its next turn.
    llvm::SmallPtrSet<const Stmt *, 4> Loops;
    for (size_t I = RootIndex + 1; I + 1 < Ancestors.size(); ++I)
      if (isLoopStatement(Ancestors[I]))
        Loops.insert(Ancestors[I]);
    bool SeenProof = false;
    bool PastSite = false;
    WalkOptions Walk;
    Walk.IntoLambdas = true; // a lambda defined in between may be called
    Walk.NodeBudget = Budget;
    bool Complete = forEachStmt(
        Root,
        [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Above) {
          if (Dirty)
            return;
          if (!SeenProof) {
            SeenProof = S == Proof;
            return;
          }
          if (llvm::is_contained(Above, Proof))
            return;
          if (S == Site) {
            PastSite = true;
            return;
          }
          if (llvm::is_contained(Above, Site))
            return;
          if (PastSite && llvm::none_of(Above, [&](const Stmt *A) {
                return Loops.contains(A);
              }))
            return;
          Dirty = mayLoseKey(S, Above);
        },
        Walk);
    return Complete && SeenProof && !Dirty && Appearances == AsObject;
  }

private:
  bool isMapName(const Expr *E) const {
    E = E ? E->IgnoreParenImpCasts() : nullptr;
    return isa_and_nonnull<DeclRefExpr, MemberExpr>(E) &&
           Maps.classify(E->getType()) && resolveMapRef(E) == Map;
  }

  bool mayLoseKey(const Stmt *S, llvm::ArrayRef<const Stmt *> Above) {
    // A jump could enter here without passing the proof.
    if (isa<LabelStmt>(S))
      return true;
    if (isa<SwitchCase>(S) &&
        llvm::none_of(Above.drop_back(), [](const Stmt *A) { return isa<SwitchStmt>(A); }))
      return true;

    if (isa<CallExpr, CXXForRangeStmt>(S)) {
      llvm::SmallVector<MapAccess, 1> Accesses = classifyAccess(S, Maps);
      for (const MapAccess &Access : Accesses) {
        if (Access.target() != Map)
          continue;
        if (Access.isMutation() && !(Access.Op && keepsExistingKeys(*Access.Op)))
          return true;
        if (isMapName(Access.Object))
          ++AsObject;
      }
      if (Accesses.empty() && callMayLoseKey(S))
        return true;
    }

    if (isa<DeclRefExpr, MemberExpr>(S)) {
      const auto *E = cast<Expr>(S);
      if (isMapName(E))
        ++Appearances;
      const Decl *Referenced =
          isa<DeclRefExpr>(E) ? cast<DeclRefExpr>(E)->getDecl()
                              : cast<MemberExpr>(E)->getMemberDecl();
      if (Key.Roots.contains(Referenced->getCanonicalDecl()) &&
          (!isa<MemberExpr>(E) ||
           isa<CXXThisExpr>(cast<MemberExpr>(E)->getBase()->IgnoreParenImpCasts()))) {
        ValueUse Use = classifyValueUse(Above);
        if (!Use.onlyRead() && Use.Kind != ValueUseKind::Unevaluated)
          return true;
      }
    }
    return false;
  }

  /// A call that is not an operation on a map: may it remove the key or
  /// change it by a path the walk does not see?
  bool callMayLoseKey(const Stmt *S) {
    const auto *Call = dyn_cast<CallExpr>(S);
    if (!Call)
      return false;
    if (const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call)) {
      const CXXMethodDecl *Method = MemberCall->getMethodDecl();
      const Expr *Object = MemberCall->getImplicitObjectArgument();
      if (!Method || Method->isConst() || Method->isStatic() || !Object)
        return false;
      if (isa<CXXThisExpr>(Object->IgnoreParenImpCasts())) {
        if (Key.UsesThis)
          return true;
        if (Map.Owner != MapOwner::Member)
          return false;
        const CXXMethodDecl *Helper = MethodEffects::calledOnThis(MemberCall);
        if (!Helper || !Map.Path.empty() || Map.Derefs)
          return true; // its body is unknown, or the map is inside a member
        for (const MemberMutation &Mutation : Effects.mutationsOf(Helper))
          if (Mutation.Field == Map.Root && !keepsExistingKeys(Mutation.Op))
            return true;
        return false;
      }
      // A non-const member of the object that holds the map.
      if ((!Map.Path.empty() || Map.Derefs) && Map.Root &&
          rootDecl(Object) == Map.Root->getCanonicalDecl())
        return true;
    }
    // A global map may be changed by any function the project defines.
    if (Map.Owner == MapOwner::Global || Map.Owner == MapOwner::StaticLocal) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (!Callee)
        return true;
      if (Callee->isInStdNamespace())
        return false;
      if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
        return !Method->isConst();
      return true;
    }
    return false;
  }

  const MapRef &Map;
  const KeyInfo &Key;
  const MapTypeRegistry &Maps;
  MethodEffects &Effects;
  unsigned Appearances = 0;
  unsigned AsObject = 0;
  bool Dirty = false;
};

/// The local variables whose value, when \p If's condition runs, is still
/// what their initializer computed: those declared in its init-statement or
/// condition, and those of the declaration right before it (\p Before).
llvm::SmallVector<const VarDecl *, 2> freshVariables(const IfStmt *If,
                                                     const Stmt *Before) {
  llvm::SmallVector<const VarDecl *, 2> Fresh;
  auto AddFrom = [&](const Stmt *S) {
    const auto *Decls = dyn_cast_or_null<DeclStmt>(S);
    if (!Decls)
      return;
    for (const Decl *D : Decls->decls())
      if (const auto *Var = dyn_cast<VarDecl>(D))
        if (Var->hasLocalStorage() && Var->getInit() &&
            !Var->getType()->isReferenceType() &&
            !Var->getType().isVolatileQualified())
          Fresh.push_back(Var);
  };
  AddFrom(If->getInit());
  AddFrom(If->getConditionVariableDeclStmt());
  AddFrom(Before);
  return Fresh;
}

/// The membership test before \p Child in \p Block that proves the key
/// present from there on: an `if` whose absent branch leaves the block or
/// adds the key, or a statement that adds it. Returns the node the proof
/// ends with (the `if`'s condition, or the statement).
const Stmt *provingSibling(const CompoundStmt *Block, const Stmt *Child,
                           const PresenceProver &Prover, unsigned &Budget) {
  llvm::SmallVector<const Stmt *, 16> Before;
  for (const Stmt *Sibling : Block->body()) {
    if (Sibling == Child)
      break;
    Before.push_back(Sibling);
  }
  for (size_t Index = Before.size(); Index-- > 0;) {
    const Stmt *Sibling = Before[Index];
    if (Budget == 0)
      return nullptr;
    if (const auto *If = dyn_cast<IfStmt>(Sibling)) {
      llvm::SmallVector<const VarDecl *, 2> Fresh =
          freshVariables(If, Index > 0 ? Before[Index - 1] : nullptr);
      // The branch taken when the key is absent must leave or add the key;
      // the other branch is examined as part of the region.
      auto LeavesOrAdds = [&](const Stmt *Branch) {
        return Branch && (alwaysLeaves(Branch) || Prover.insertsKey(Branch, Budget));
      };
      if (!If->isConsteval() && If->getCond() &&
          ((Prover.provedBy(If->getCond(), false, Fresh) &&
            LeavesOrAdds(If->getThen())) ||
           (Prover.provedBy(If->getCond(), true, Fresh) &&
            LeavesOrAdds(If->getElse()))))
        return If->getCond();
      --Budget;
      continue;
    }
    if (Prover.insertsKey(Sibling, Budget))
      return Sibling;
  }
  return nullptr;
}

/// The statement right before \p S in \p Parent, when Parent is a block.
const Stmt *statementBefore(const Stmt *Parent, const Stmt *S) {
  const auto *Block = dyn_cast<CompoundStmt>(Parent);
  if (!Block)
    return nullptr;
  const Stmt *Previous = nullptr;
  for (const Stmt *Child : Block->body()) {
    if (Child == S)
      return Previous;
    Previous = Child;
  }
  return nullptr;
}

} // namespace

bool keyKnownPresent(const MapAccess &Lookup,
                     llvm::ArrayRef<const Stmt *> Ancestors,
                     const MapTypeRegistry &Maps, MethodEffects &Effects,
                     const ASTContext &Ctx, unsigned NodeBudget) {
  if (Lookup.Args.empty() || Ancestors.size() < 2 ||
      Ancestors.back() != Lookup.Site)
    return false;
  std::optional<MapRef> Map = Lookup.target();
  if (!Map)
    return false;
  KeyInfo Key;
  Key.Key = Lookup.Args.front();
  if (!describeKey(Key.Key, Key))
    return false;

  PresenceProver Prover(*Map, Key, Maps, Ctx);
  unsigned Budget = NodeBudget;
  for (size_t I = Ancestors.size() - 1; I > 0; --I) {
    const Stmt *Child = Ancestors[I];
    const Stmt *Parent = Ancestors[I - 1];
    if (isa<LambdaExpr>(Parent))
      return false; // the lambda may run anywhere
    const Stmt *Proof = nullptr;
    if (const auto *If = dyn_cast<IfStmt>(Parent)) {
      llvm::SmallVector<const VarDecl *, 2> Fresh =
          freshVariables(If, I >= 2 ? statementBefore(Ancestors[I - 2], If)
                                    : nullptr);
      if (!If->isConsteval() &&
          ((Child == If->getThen() && Prover.provedBy(If->getCond(), true, Fresh)) ||
           (Child == If->getElse() && Prover.provedBy(If->getCond(), false, Fresh))))
        Proof = If->getCond();
    } else if (const auto *Choice = dyn_cast<ConditionalOperator>(Parent)) {
      if ((Child == Choice->getTrueExpr() &&
           Prover.provedBy(Choice->getCond(), true)) ||
          (Child == Choice->getFalseExpr() &&
           Prover.provedBy(Choice->getCond(), false)))
        Proof = Choice->getCond();
    } else if (const auto *Logic = dyn_cast<BinaryOperator>(Parent)) {
      if (Child == Logic->getRHS() && Logic->isLogicalOp() &&
          Prover.provedBy(Logic->getLHS(), Logic->getOpcode() == BO_LAnd))
        Proof = Logic->getLHS();
    } else if (const auto *Block = dyn_cast<CompoundStmt>(Parent)) {
      Proof = provingSibling(Block, Child, Prover, Budget);
    }
    if (Proof) {
      // A nearer proof's region is inside any farther one's: the first
      // proof found decides.
      RegionCheck Region(*Map, Key, Maps, Effects);
      return Budget > 0 &&
             Region.keepsKey(Parent, Proof, Ancestors, I - 1, Budget);
    }
    if (Budget == 0)
      return false;
  }
  return false;
}

} // namespace mapguard::analysis
