//===- MapAccess.cpp ------------------------------------------------------===//

#include "MapAccess.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

/// Whether a type's spelling names an iterator; used where the semantic
/// answer is unavailable (dependent code, configured non-template maps).
bool looksLikeIterator(QualType T) {
  if (T.isNull())
    return false;
  std::string Spelling = T.getNonReferenceType().getAsString();
  return llvm::StringRef(Spelling).contains_insensitive("iterator");
}

/// Whether the single argument of erase/extract selects by key (as opposed
/// to by iterator).
bool selectsByKey(const FunctionDecl *Callee, const Expr *Arg,
                  const MapTypeInfo &Type) {
  if (Callee && Callee->getNumParams() >= 1) {
    if (Callee->getPrimaryTemplate() || Callee->getDescribedFunctionTemplate())
      return true; // heterogeneous erase(K&&) is constrained to keys
    QualType Param = Callee->getParamDecl(0)
                         ->getType()
                         .getNonReferenceType()
                         .getCanonicalType()
                         .getUnqualifiedType();
    if (!Type.KeyType.isNull())
      return Param ==
             Type.KeyType.getCanonicalType().getUnqualifiedType();
    return !looksLikeIterator(Callee->getParamDecl(0)->getType());
  }
  return Arg && !looksLikeIterator(Arg->getType());
}

std::optional<Operation> operationFor(llvm::StringRef Spelling,
                                      const FunctionDecl *Callee,
                                      llvm::ArrayRef<const Expr *> Args,
                                      const MapTypeInfo &Type) {
  llvm::SmallVector<Operation, 3> Candidates = operationsBySpelling(Spelling);
  if (Candidates.empty())
    return std::nullopt;
  if (Spelling == "erase") {
    if (Args.size() >= 2)
      return Operation::EraseRange;
    return selectsByKey(Callee, Args.empty() ? nullptr : Args[0], Type)
               ? Operation::EraseKey
               : Operation::EraseIterator;
  }
  if (Spelling == "extract")
    return selectsByKey(Callee, Args.empty() ? nullptr : Args[0], Type)
               ? Operation::ExtractKey
               : Operation::ExtractIterator;
  return Candidates.front();
}

MapAccess makeAccess(const Stmt *Site, const Expr *Object, MapTypeInfo Type,
                     llvm::StringRef Spelling, const FunctionDecl *Callee,
                     llvm::ArrayRef<const Expr *> Args) {
  MapAccess Access;
  Access.Site = Site;
  Access.Object = Object;
  Access.Type = Type;
  Access.Args.assign(Args.begin(), Args.end());
  Access.Op = operationFor(Spelling, Callee, Args, Type);
  if (Access.Op)
    Access.Kind = operationInfo(*Access.Op).Kind;
  else
    Access.Kind = OperationKind::Read; // unknown members: assume a read
  return Access;
}

llvm::SmallVector<const Expr *, 2> argsOf(const CallExpr *Call,
                                          unsigned Skip = 0) {
  llvm::SmallVector<const Expr *, 2> Args;
  for (unsigned I = Skip, N = Call->getNumArgs(); I < N; ++I) {
    const Expr *Arg = Call->getArg(I);
    if (isa<CXXDefaultArgExpr>(Arg))
      break;
    Args.push_back(Arg);
  }
  return Args;
}

std::optional<MapAccess> memberCall(const CXXMemberCallExpr *Call,
                                    const MapTypeRegistry &Maps) {
  const CXXMethodDecl *Method = Call->getMethodDecl();
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Method || !Object)
    return std::nullopt;
  std::optional<MapTypeInfo> Type =
      Maps.classifyThroughIndirection(Object->getType());
  if (!Type)
    return std::nullopt;
  std::string Spelling = Method->getNameAsString();
  MapAccess Access = makeAccess(Call, Object, *Type, Spelling, Method,
                                argsOf(Call));
  if (const auto *Callee = dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens()))
    Access.ObjectIsPointer = Callee->isArrow();
  return Access;
}

std::optional<MapAccess> operatorCall(const CXXOperatorCallExpr *Call,
                                      const MapTypeRegistry &Maps) {
  OverloadedOperatorKind Kind = Call->getOperator();
  if ((Kind != OO_Subscript && Kind != OO_Equal) || Call->getNumArgs() < 2)
    return std::nullopt;
  const Expr *Object = Call->getArg(0);
  std::optional<MapTypeInfo> Type = Maps.classify(Object->getType());
  if (!Type)
    return std::nullopt;
  return makeAccess(Call, Object, *Type,
                    Kind == OO_Subscript ? "operator[]" : "operator=",
                    Call->getDirectCallee(), argsOf(Call, 1));
}

/// `std::swap(a, b)`, `swap(a, b)` found by ADL, `std::erase_if(m, pred)`.
llvm::SmallVector<MapAccess, 1> freeCall(const CallExpr *Call,
                                         const MapTypeRegistry &Maps) {
  llvm::SmallVector<MapAccess, 1> Result;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee || !Callee->getIdentifier() || Call->getNumArgs() == 0)
    return Result;
  llvm::StringRef Name = Callee->getName();
  if (Name == "swap" && Call->getNumArgs() == 2) {
    for (unsigned I = 0; I < 2; ++I)
      if (std::optional<MapTypeInfo> Type =
              Maps.classify(Call->getArg(I)->getType()))
        Result.push_back(makeAccess(Call, Call->getArg(I), *Type, "swap",
                                    nullptr, {Call->getArg(1 - I)}));
  } else if (Name == "erase_if" && Call->getNumArgs() == 2) {
    if (std::optional<MapTypeInfo> Type =
            Maps.classify(Call->getArg(0)->getType())) {
      MapAccess Access =
          makeAccess(Call, Call->getArg(0), *Type, "erase", nullptr, {});
      Access.Op = Operation::EraseRange;
      Access.Args = {Call->getArg(1)};
      Result.push_back(Access);
    }
  }
  return Result;
}

/// A member call in a template whose object's type is a known map template
/// but still dependent: `table_.erase(k)` in `template <class K> class C`.
std::optional<MapAccess> dependentMemberCall(const CallExpr *Call,
                                             const MapTypeRegistry &Maps) {
  const Expr *Callee = Call->getCallee()->IgnoreParenImpCasts();
  const Expr *Object = nullptr;
  QualType BaseType;
  std::string Spelling;
  bool IsArrow = false;
  if (const auto *Dependent = dyn_cast<CXXDependentScopeMemberExpr>(Callee)) {
    if (Dependent->isImplicitAccess())
      return std::nullopt;
    Object = Dependent->getBase();
    BaseType = Dependent->getBaseType();
    IsArrow = Dependent->isArrow();
    Spelling = Dependent->getMember().getAsString();
  } else if (const auto *Unresolved = dyn_cast<UnresolvedMemberExpr>(Callee)) {
    if (Unresolved->isImplicitAccess())
      return std::nullopt;
    Object = Unresolved->getBase();
    BaseType = Unresolved->getBaseType();
    IsArrow = Unresolved->isArrow();
    Spelling = Unresolved->getMemberName().getAsString();
  } else {
    return std::nullopt;
  }
  if (IsArrow) {
    if (const auto *Pointer = BaseType->getAs<PointerType>())
      BaseType = Pointer->getPointeeType();
  }
  std::optional<MapTypeInfo> Type = Maps.classifyThroughIndirection(BaseType);
  if (!Type)
    return std::nullopt;
  MapAccess Access = makeAccess(Call, Object, *Type, Spelling, nullptr,
                                argsOf(Call));
  Access.ObjectIsPointer = IsArrow;
  return Access;
}

} // namespace

std::optional<MapRef> MapAccess::target() const {
  return ObjectIsPointer ? resolvePointeeMapRef(Object) : resolveMapRef(Object);
}

llvm::StringRef MapAccess::spelling() const {
  if (Op)
    return operationInfo(*Op).Spelling;
  if (const auto *Call = llvm::dyn_cast_or_null<CallExpr>(Site))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      if (Callee->getIdentifier())
        return Callee->getName();
  return isa_and_nonnull<CXXForRangeStmt>(Site) ? "range-for" : "access";
}

llvm::SmallVector<MapAccess, 1> classifyAccess(const Stmt *S,
                                               const MapTypeRegistry &Maps) {
  llvm::SmallVector<MapAccess, 1> Result;
  if (!S)
    return Result;
  if (const auto *Loop = dyn_cast<CXXForRangeStmt>(S)) {
    const Expr *Range = Loop->getRangeInit();
    if (!Range)
      return Result;
    if (std::optional<MapTypeInfo> Type = Maps.classify(Range->getType())) {
      MapAccess Access;
      Access.Site = Loop;
      Access.Object = Range;
      Access.Kind = OperationKind::Iterate;
      Access.Type = *Type;
      Result.push_back(Access);
    }
    return Result;
  }
  std::optional<MapAccess> Single;
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S))
    Single = memberCall(Member, Maps);
  else if (const auto *Operator = dyn_cast<CXXOperatorCallExpr>(S))
    Single = operatorCall(Operator, Maps);
  else if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (!Call->getDirectCallee())
      Single = dependentMemberCall(Call, Maps);
    else
      return freeCall(Call, Maps);
  }
  if (Single)
    Result.push_back(*Single);
  return Result;
}

namespace {

class Walker {
public:
  Walker(WalkOptions Options,
         llvm::function_ref<void(const Stmt *, llvm::ArrayRef<const Stmt *>)>
             Visit)
      : Options(Options), Visit(Visit) {}

  /// Returns false once the budget is spent.
  bool walk(const Stmt *S) {
    if (!S)
      return true;
    if (++Visited > Options.NodeBudget)
      return false;
    Stack.push_back(S);
    Visit(S, Stack);
    bool Ok = walkChildren(S);
    Stack.pop_back();
    return Ok;
  }

private:
  bool walkChildren(const Stmt *S) {
    if (const auto *Loop = dyn_cast<CXXForRangeStmt>(S)) {
      // Only what the user wrote: the implicit __range/__begin/__end
      // statements would show the iteration a second time.
      return walk(Loop->getInit()) && walk(Loop->getRangeInit()) &&
             walk(Loop->getBody());
    }
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      if (!Options.IntoLambdas)
        return true;
      return walk(Lambda->getBody());
    }
    for (const Stmt *Child : S->children())
      if (!walk(Child))
        return false;
    return true;
  }

  WalkOptions Options;
  llvm::function_ref<void(const Stmt *, llvm::ArrayRef<const Stmt *>)> Visit;
  llvm::SmallVector<const Stmt *, 32> Stack;
  unsigned Visited = 0;
};

} // namespace

bool forEachStmt(
    const Stmt *Root,
    llvm::function_ref<void(const Stmt *, llvm::ArrayRef<const Stmt *>)> Visit,
    WalkOptions Options) {
  return Walker(Options, Visit).walk(Root);
}

bool forEachMapAccess(
    const Stmt *Root, const MapTypeRegistry &Maps,
    llvm::function_ref<void(const MapAccess &, llvm::ArrayRef<const Stmt *>)>
        Visit,
    WalkOptions Options) {
  return forEachStmt(
      Root,
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
        if (!isa<CallExpr, CXXForRangeStmt>(S))
          return;
        for (const MapAccess &Access : classifyAccess(S, Maps))
          Visit(Access, Ancestors);
      },
      Options);
}

} // namespace mapguard::analysis
