//===- MethodEffects.cpp --------------------------------------------------===//

#include "MethodEffects.h"
#include "MapAccess.h"
#include "MapIdentity.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

/// The index of the parameter of \p Method that \p Arg names, or -1.
int parameterIndex(const Expr *Arg, const CXXMethodDecl *Method) {
  if (!Arg)
    return -1;
  const auto *Ref = dyn_cast<DeclRefExpr>(Arg->IgnoreParenImpCasts());
  if (!Ref)
    return -1;
  const auto *Param = dyn_cast<ParmVarDecl>(Ref->getDecl());
  if (!Param || Param->getDeclContext() != Method)
    return -1;
  return static_cast<int>(Param->getFunctionScopeIndex());
}

bool isReturned(llvm::ArrayRef<const Stmt *> Ancestors) {
  for (size_t I = Ancestors.size(); I-- > 1;) {
    const Stmt *Parent = Ancestors[I - 1];
    if (isa<ReturnStmt>(Parent))
      return true;
    if (!isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
             ExprWithCleanups, ParenExpr, CXXConstructExpr>(Parent))
      return false;
  }
  return false;
}

} // namespace

const CXXMethodDecl *MethodEffects::calledOnThis(const CXXMemberCallExpr *Call) {
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Object || !isa<CXXThisExpr>(Object->IgnoreParenImpCasts()))
    return nullptr;
  const CXXMethodDecl *Method = Call->getMethodDecl();
  if (!Method || Method->isVirtual())
    return nullptr; // an override elsewhere may do anything
  const FunctionDecl *Definition = nullptr;
  if (!Method->hasBody(Definition) || !Definition)
    return nullptr;
  return cast<CXXMethodDecl>(Definition);
}

const Expr *MethodEffects::argumentFor(const CXXMemberCallExpr *Call,
                                       int Param) {
  if (Param < 0 || static_cast<unsigned>(Param) >= Call->getNumArgs())
    return nullptr;
  return Call->getArg(Param);
}

llvm::ArrayRef<MemberMutation>
MethodEffects::mutationsOf(const CXXMethodDecl *Method) {
  if (!Method)
    return {};
  auto It = Cache.find(Method);
  if (It != Cache.end())
    return It->second;
  std::vector<MemberMutation> Result = compute(Method, 0);
  return Cache[Method] = std::move(Result);
}

std::vector<MemberMutation> MethodEffects::compute(const CXXMethodDecl *Method,
                                                   unsigned Depth) {
  std::vector<MemberMutation> Result;
  const Stmt *Body = Method->getBody();
  if (!Body || Depth > DepthLimit || !InProgress.insert(Method).second)
    return Result;

  forEachMapAccess(Body, Maps, [&](const MapAccess &Access,
                                   llvm::ArrayRef<const Stmt *> Ancestors) {
    if (!Access.isMutation() || !Access.Op)
      return;
    std::optional<MapRef> Ref = Access.target();
    if (!Ref || Ref->Owner != MapOwner::Member || !Ref->Path.empty() ||
        Ref->Derefs != 0)
      return;
    MemberMutation Mutation;
    Mutation.Field = cast<FieldDecl>(Ref->Root);
    Mutation.Op = *Access.Op;
    Mutation.Type = Access.Type;
    Mutation.Site = Access.Site;
    Mutation.Method = Method;
    Mutation.ArgParam =
        parameterIndex(Access.Args.empty() ? nullptr : Access.Args[0], Method);
    Mutation.ResultReturned = isReturned(Ancestors);
    Result.push_back(Mutation);
  });

  if (Depth < DepthLimit) {
    forEachStmt(Body, [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
      const auto *Call = dyn_cast<CXXMemberCallExpr>(S);
      if (!Call)
        return;
      const CXXMethodDecl *Callee = calledOnThis(Call);
      if (!Callee || Callee == Method)
        return;
      for (MemberMutation Inner : compute(Callee, Depth + 1)) {
        Inner.ArgParam =
            parameterIndex(argumentFor(Call, Inner.ArgParam), Method);
        Inner.ResultReturned = Inner.ResultReturned && isReturned(Ancestors);
        Result.push_back(Inner);
      }
    });
  }
  InProgress.erase(Method);
  return Result;
}

} // namespace mapguard::analysis
