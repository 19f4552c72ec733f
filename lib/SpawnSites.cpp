//===- SpawnSites.cpp -----------------------------------------------------===//

#include "SpawnSites.h"
#include "MapTypes.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace mapguard::analysis {
namespace {

std::optional<SpawnKind> threadKindOf(QualType T) {
  std::string Name = classNameOf(T);
  if (Name == "std::thread")
    return SpawnKind::Thread;
  if (Name == "std::jthread")
    return SpawnKind::JThread;
  return std::nullopt;
}

const char *threadEntryName(SpawnKind Kind) {
  return Kind == SpawnKind::JThread ? "std::jthread" : "std::thread";
}

/// The first template argument of the class template specialization \p T
/// (a container's element type), or a null type.
QualType elementTypeOf(QualType T) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType().getCanonicalType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return {};
  return Spec->getTemplateArgs()[0].getAsType();
}

bool isDeferredPolicy(const Expr *Policy) {
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Policy->IgnoreParenImpCasts()))
    return Ref->getDecl()->getIdentifier() &&
           Ref->getDecl()->getName() == "deferred";
  return false;
}

std::optional<SpawnSite> threadConstruction(const CXXConstructExpr *Construct) {
  std::optional<SpawnKind> Kind = threadKindOf(Construct->getType());
  if (!Kind || Construct->getNumArgs() == 0 ||
      Construct->getConstructor()->isCopyOrMoveConstructor())
    return std::nullopt;
  SpawnSite Site;
  Site.Kind = *Kind;
  Site.EntryName = threadEntryName(*Kind);
  Site.Args.assign(Construct->arg_begin(), Construct->arg_end());
  return Site;
}

std::optional<SpawnSite> memberCall(const CXXMemberCallExpr *Call,
                                    ExecutorPredicate IsExecutor) {
  const CXXMethodDecl *Method = Call->getMethodDecl();
  const Expr *Object = Call->getImplicitObjectArgument();
  if (!Method || !Object || !Method->getIdentifier())
    return std::nullopt;
  llvm::StringRef Name = Method->getName();
  QualType ObjectType = Object->getType();
  if (ObjectType->isPointerType())
    ObjectType = ObjectType->getPointeeType();
  if ((Name == "emplace_back" || Name == "emplace" || Name == "emplace_front") &&
      Call->getNumArgs() >= 1) {
    if (std::optional<SpawnKind> Kind = threadKindOf(elementTypeOf(ObjectType))) {
      SpawnSite Site;
      Site.Kind = *Kind;
      Site.EntryName = threadEntryName(*Kind);
      Site.Args.assign(Call->arg_begin(), Call->arg_end());
      Site.Container = Object;
      return Site;
    }
  }
  std::string Qualified = qualifiedNameWithoutInlineNamespaces(Method);
  if (!IsExecutor(Qualified))
    return std::nullopt;
  SpawnSite Site;
  Site.Kind = SpawnKind::Executor;
  Site.EntryName = std::move(Qualified);
  Site.Args.assign(Call->arg_begin(), Call->arg_end());
  return Site;
}

std::optional<SpawnSite> freeCall(const CallExpr *Call,
                                  ExecutorPredicate IsExecutor) {
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return std::nullopt; // operators, calls through pointers
  SpawnSite Site;
  llvm::StringRef Name = Callee->getName();
  if (Name == "async" && Callee->isInStdNamespace()) {
    Site.Kind = SpawnKind::Async;
    Site.EntryName = "std::async";
    Site.Args.assign(Call->arg_begin(), Call->arg_end());
    // async(policy, f, args...): the policy is an enumerator, not handed on.
    if (!Site.Args.empty() && Site.Args.front()->getType()->isEnumeralType()) {
      Site.Deferred = isDeferredPolicy(Site.Args.front());
      Site.Args.erase(Site.Args.begin());
    }
    return Site;
  }
  if (Name == "pthread_create" && Call->getNumArgs() == 4 &&
      Callee->getDeclContext()->getRedeclContext()->isTranslationUnit()) {
    Site.Kind = SpawnKind::PThread;
    Site.EntryName = "pthread_create";
    Site.Args = {Call->getArg(2), Call->getArg(3)};
    return Site;
  }
  std::string Qualified = qualifiedNameWithoutInlineNamespaces(Callee);
  if (!IsExecutor(Qualified))
    return std::nullopt;
  Site.Kind = SpawnKind::Executor;
  Site.EntryName = std::move(Qualified);
  Site.Args.assign(Call->arg_begin(), Call->arg_end());
  return Site;
}

} // namespace

std::optional<SpawnSite> spawnAt(const Stmt *S, ExecutorPredicate IsExecutor) {
  if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(S))
    return threadConstruction(Construct);
  if (const auto *Member = dyn_cast_or_null<CXXMemberCallExpr>(S))
    return memberCall(Member, IsExecutor);
  if (const auto *Call = dyn_cast_or_null<CallExpr>(S))
    return freeCall(Call, IsExecutor);
  return std::nullopt;
}

bool isThreadType(QualType T) { return threadKindOf(T).has_value(); }

bool isFutureType(QualType T) {
  std::string Name = classNameOf(T);
  return Name == "std::future" || Name == "std::shared_future";
}

} // namespace mapguard::analysis
