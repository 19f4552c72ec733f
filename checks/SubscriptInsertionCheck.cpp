//===- SubscriptInsertionCheck.cpp ----------------------------------------===//

#include "SubscriptInsertionCheck.h"
#include "ContainerSemantics.h"
#include "Iteration.h"
#include "KeyPresence.h"
#include "MapAccess.h"
#include "MapIdentity.h"
#include "ReadOnlyUse.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang::ast_matchers;
using namespace ::mapguard::analysis;

namespace clang::tidy::mapguard {

namespace {

/// Mapped types for which `m[k]` is the way to reach a per-key object that
/// is created on first use and cannot be copied out anyway.
constexpr llvm::StringLiteral DefaultIdiomaticMappedTypes =
    "::std::atomic;::std::mutex;::std::shared_mutex;::std::recursive_mutex;"
    "::std::timed_mutex;::std::condition_variable;::std::once_flag";

/// Why a read that inserts deserves more attention; the strongest wins.
enum class Weight {
  None,
  NeverMutatedOtherwise,
  InsideLoopOverMap,
  UnderSharedLock,
};

bool isStandardMap(const MapTypeInfo &Type) {
  return Type.Decl &&
         llvm::StringRef(qualifiedNameWithoutInlineNamespaces(Type.Decl))
             .starts_with("std::");
}

/// An expression that names an object without side effects, so that writing
/// it twice in a replacement evaluates the same thing twice, cheaply.
bool isSimpleName(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 4 || E->getType().isVolatileQualified())
    return false;
  E = E->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return isa<VarDecl, BindingDecl, EnumConstantDecl>(Ref->getDecl()) &&
           !Ref->getType().isVolatileQualified();
  if (const auto *Member = dyn_cast<MemberExpr>(E)) {
    if (!isa<FieldDecl>(Member->getMemberDecl()))
      return false;
    const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
    return isa<CXXThisExpr>(Base) || (!Member->isArrow() && isSimpleName(Base, Depth + 1));
  }
  return false;
}

/// A key expression that may be written twice: a simple name or a literal,
/// possibly converted to the key type (`m["id"]` on a std::string key).
bool isRepeatableKey(const Expr *E) {
  if (!E)
    return false;
  E = E->IgnoreImplicit();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E))
    if (!isa<CXXTemporaryObjectExpr>(Construct) &&
        Construct->getNumArgs() >= 1 &&
        (Construct->getNumArgs() == 1 ||
         isa<CXXDefaultArgExpr>(Construct->getArg(1))))
      E = Construct->getArg(0)->IgnoreImplicit();
  E = E->IgnoreParenImpCasts();
  return isa<IntegerLiteral, StringLiteral, CharacterLiteral, CXXBoolLiteralExpr,
             FloatingLiteral>(E) ||
         isSimpleName(E);
}

/// A literal of exactly \p T with T's default value, for the scalar types
/// that have one; empty otherwise.
llvm::StringRef defaultLiteral(QualType T) {
  T = T.getCanonicalType();
  if (T->isPointerType())
    return "nullptr";
  const auto *Builtin = T->getAs<BuiltinType>();
  if (!Builtin)
    return {};
  switch (Builtin->getKind()) {
  case BuiltinType::Bool:
    return "false";
  case BuiltinType::Int:
    return "0";
  case BuiltinType::UInt:
    return "0U";
  case BuiltinType::Long:
    return "0L";
  case BuiltinType::ULong:
    return "0UL";
  case BuiltinType::LongLong:
    return "0LL";
  case BuiltinType::ULongLong:
    return "0ULL";
  case BuiltinType::Float:
    return "0.0F";
  case BuiltinType::Double:
    return "0.0";
  case BuiltinType::LongDouble:
    return "0.0L";
  default:
    return {};
  }
}

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  return Lexer::getSourceText(CharSourceRange::getTokenRange(E->getSourceRange()),
                              Ctx.getSourceManager(), Ctx.getLangOpts())
      .str();
}

} // namespace

struct SubscriptInsertionCheck::Candidate {
  MapAccess Access;
  ValueUse Use;
  /// From the function body down to the subscript.
  llvm::SmallVector<const Stmt *, 16> Chain;
  std::optional<MapRef> Map;
  Weight Why = Weight::None;
  /// The loop over the same map that contains the subscript.
  const Stmt *Loop = nullptr;
  /// The shared lock held at the subscript (UnderSharedLock).
  std::optional<HeldLock> SharedLock;
  /// Left to another check, or never inserts.
  bool Skip = false;
  const FunctionDecl *Fn = nullptr;
};

SubscriptInsertionCheck::SubscriptInsertionCheck(StringRef Name,
                                                 ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), MapTypes(*this, Options),
      IdiomaticMappedTypesRaw(
          Options.get("IdiomaticMappedTypes", DefaultIdiomaticMappedTypes)
              .str()),
      Effects(MapTypes.registry()),
      MutexTypesRaw(Options.getLocalOrGlobal("MutexTypes", "").str()),
      GuardTypesRaw(Options.getLocalOrGlobal("GuardTypes", "").str()),
      Locks(LockTypes) {
  LockTypes.addMutexTypes(MutexTypesRaw);
  LockTypes.addGuardTypes(GuardTypesRaw);
  llvm::SmallVector<StringRef, 8> Entries;
  StringRef(IdiomaticMappedTypesRaw).split(Entries, ';', -1, false);
  for (StringRef Entry : Entries) {
    Entry = Entry.trim();
    Entry.consume_front("::");
    if (!Entry.empty())
      IdiomaticMappedTypes.insert(Entry);
  }
}

void SubscriptInsertionCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  MapTypes.store(Options, Opts);
  Options.store(Opts, "IdiomaticMappedTypes", IdiomaticMappedTypesRaw);
  Options.store(Opts, "MutexTypes", MutexTypesRaw);
  Options.store(Opts, "GuardTypes", GuardTypesRaw);
}

void SubscriptInsertionCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(functionDecl(isDefinition(),
                                  unless(isExpansionInSystemHeader()))
                         .bind("fn"),
                     this);
}

bool SubscriptInsertionCheck::hasIdiomaticMappedType(
    const CXXOperatorCallExpr *Subscript) const {
  const auto *Record =
      Subscript->getType().getCanonicalType()->getAsCXXRecordDecl();
  if (!Record)
    return false;
  const NamedDecl *Named = Record;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
    Named = Spec->getSpecializedTemplate();
  return IdiomaticMappedTypes.contains(
      qualifiedNameWithoutInlineNamespaces(Named));
}

void SubscriptInsertionCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (!Fn || !Fn->getBody() || Fn->isDependentContext())
    return;
  // A lambda inside a function is examined with the function around it.
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Fn))
    if (Method->getParent()->isLambda() &&
        Method->getParent()->getDeclContext()->isFunctionOrMethod())
      return;

  const MapTypeRegistry &Maps = MapTypes.registry();
  std::vector<Candidate> Candidates;
  WalkOptions Walk;
  Walk.IntoLambdas = true;
  forEachStmt(
      Fn->getBody(),
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Ancestors) {
        const auto *Subscript = dyn_cast<CXXOperatorCallExpr>(S);
        if (!Subscript || Subscript->getOperator() != OO_Subscript)
          return;
        llvm::SmallVector<MapAccess, 1> Accesses = classifyAccess(S, Maps);
        if (Accesses.empty() || Accesses.front().Op != Operation::Subscript)
          return;
        // A const operator[] of a configured map type does not insert.
        const auto *Callee =
            dyn_cast_or_null<CXXMethodDecl>(Subscript->getDirectCallee());
        if (!Callee || Callee->isConst())
          return;
        ValueUse Use = classifyValueUse(Ancestors);
        if (!Use.onlyRead() || hasIdiomaticMappedType(Subscript))
          return;
        // A membership test or an insertion before it proved the key there.
        if (keyKnownPresent(Accesses.front(), Ancestors, Maps, Effects,
                            *Result.Context))
          return;
        Candidate C;
        C.Access = Accesses.front();
        C.Use = Use;
        C.Chain.assign(Ancestors.begin(), Ancestors.end());
        C.Map = C.Access.target();
        C.Fn = Fn;
        Candidates.push_back(std::move(C));
      },
      Walk);
  if (Candidates.empty())
    return;

  for (Candidate &C : Candidates) {
    weighInLoop(C);
    if (!C.Skip)
      weighByLocks(C);
  }
  weighByOtherMutations(Fn->getBody(), Candidates);
  for (const Candidate &C : Candidates)
    if (!C.Skip)
      report(C, *Result.Context);
}

void SubscriptInsertionCheck::weighInLoop(Candidate &C) const {
  if (!C.Map || C.Access.Args.empty())
    return;
  for (size_t I = C.Chain.size() - 1; I-- > 0;) {
    const Stmt *S = C.Chain[I];
    if (isa<LambdaExpr>(S))
      return; // the lambda may run anywhere
    if (!isLoopStatement(S))
      continue;
    std::optional<MapLoop> Loop = matchMapLoop(S, MapTypes.registry());
    if (!Loop || !Loop->Map || *Loop->Map != *C.Map ||
        C.Chain[I + 1] != Loop->Body)
      continue;
    // `m[kv.first]` finds the current element: it never inserts.
    if (elementUse(C.Access.Args.front(), *Loop) == ElementUse::CurrentKey) {
      C.Skip = true;
      return;
    }
    // Where the insertion may invalidate the loop's iterator,
    // mapguard-mutation-during-iteration reports this very subscript; one
    // diagnostic per site.
    Invalidation Effect =
        effectOf(C.Access.Type.FamilyId, Operation::Subscript).Invalidates;
    llvm::ArrayRef<const Stmt *> FromBody =
        llvm::ArrayRef<const Stmt *>(C.Chain).drop_front(I + 1);
    if ((Effect == Invalidation::AllIfRehash || Effect == Invalidation::All) &&
        !leavesOrReseatsAfter(FromBody, *Loop)) {
      C.Skip = true;
      return;
    }
    C.Why = Weight::InsideLoopOverMap;
    C.Loop = S;
    return;
  }
}

/// A read under a shared lock, with no exclusive lock held: the insertion
/// is a write that other readers, holding the same lock, race with.
void SubscriptInsertionCheck::weighByLocks(Candidate &C) {
  // The lock set of a lambda's body is its call operator's.
  const FunctionDecl *Where = C.Fn;
  for (const Stmt *S : C.Chain)
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S))
      Where = Lambda->getCallOperator();
  std::optional<LockSet> Held = Locks.locksHeldAt(Where, C.Access.Site);
  if (!Held || Held->empty())
    return;
  const HeldLock *Shared = nullptr;
  for (const HeldLock &Lock : Held->locks()) {
    if (!Lock.isShared())
      return;
    if (!Shared && Lock.Mutex)
      Shared = &Lock;
  }
  if (!Shared)
    return;
  C.SharedLock = *Shared;
  C.Why = Weight::UnderSharedLock;
}

/// Marks the candidates whose map the function reaches only through reads
/// and through the flagged subscripts themselves: there the subscript is the
/// function's only write to the map. Any other appearance of the map (passed
/// on, aliased, a mutating member, a helper that may mutate it) keeps the
/// claim from being made.
void SubscriptInsertionCheck::weighByOtherMutations(
    const Stmt *Body, llvm::MutableArrayRef<Candidate> Candidates) {
  struct Tracked {
    MapRef Map;
    unsigned Appearances = 0;
    unsigned AsReadObject = 0;
    bool MayBeMutated = false;
  };
  llvm::SmallVector<Tracked, 4> Maps;
  llvm::SmallPtrSet<const Stmt *, 8> FlaggedSites;
  for (const Candidate &C : Candidates) {
    if (C.Skip || C.Why != Weight::None || !C.Map ||
        C.Map->Owner == MapOwner::Local)
      continue;
    FlaggedSites.insert(C.Access.Site);
    if (llvm::none_of(Maps, [&](const Tracked &T) { return T.Map == *C.Map; }))
      Maps.push_back({*C.Map});
  }
  if (Maps.empty())
    return;
  auto Find = [&](const std::optional<MapRef> &Ref) -> Tracked * {
    if (!Ref)
      return nullptr;
    for (Tracked &T : Maps)
      if (T.Map == *Ref)
        return &T;
    return nullptr;
  };

  const MapTypeRegistry &Registry = MapTypes.registry();
  WalkOptions Walk;
  Walk.IntoLambdas = true;
  bool Complete = forEachStmt(
      Body,
      [&](const Stmt *S, llvm::ArrayRef<const Stmt *>) {
        if (isa<DeclRefExpr, MemberExpr>(S)) {
          const auto *E = cast<Expr>(S);
          if (Registry.classify(E->getType()))
            if (Tracked *T = Find(resolveMapRef(E)))
              ++T->Appearances;
          return;
        }
        if (!isa<CallExpr, CXXForRangeStmt>(S))
          return;
        for (const MapAccess &Access : classifyAccess(S, Registry)) {
          Tracked *T = Find(Access.target());
          if (!T)
            continue;
          if (!Access.isMutation() || FlaggedSites.contains(Access.Site))
            ++T->AsReadObject;
          else
            T->MayBeMutated = true;
        }
        const auto *Call = dyn_cast<CXXMemberCallExpr>(S);
        if (!Call || !Call->getImplicitObjectArgument() ||
            !isa<CXXThisExpr>(
                Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
          return;
        const CXXMethodDecl *Method = Call->getMethodDecl();
        if (!Method || Method->isConst() || Method->isStatic())
          return;
        const CXXMethodDecl *Helper = MethodEffects::calledOnThis(Call);
        for (Tracked &T : Maps) {
          if (T.Map.Owner != MapOwner::Member)
            continue;
          if (!Helper) {
            T.MayBeMutated = true; // body unknown: it may mutate anything
            continue;
          }
          for (const MemberMutation &Mutation : Effects.mutationsOf(Helper))
            if (Mutation.Field == T.Map.Root)
              T.MayBeMutated = true;
        }
      },
      Walk);
  if (!Complete)
    return;
  for (Candidate &C : Candidates) {
    if (C.Skip || C.Why != Weight::None)
      continue;
    const Tracked *T = Find(C.Map);
    if (T && !T->MayBeMutated && T->Appearances == T->AsReadObject)
      C.Why = Weight::NeverMutatedOtherwise;
  }
}

void SubscriptInsertionCheck::report(const Candidate &C,
                                     const ASTContext &Ctx) {
  const auto *Subscript = cast<CXXOperatorCallExpr>(C.Access.Site);
  std::string MapName = C.Map ? C.Map->name() : "the map";
  std::string Message =
      "'operator[]' on '" + MapName +
      "' inserts a default element when the key is missing, but the result "
      "is only read";
  switch (C.Why) {
  case Weight::None:
    break;
  case Weight::UnderSharedLock:
    Message += "; under the shared lock on '" + C.SharedLock->Mutex->name() +
               "' the insertion is a write that races with the other readers";
    break;
  case Weight::InsideLoopOverMap:
    Message += "; inside the loop over '" + MapName +
               "' the inserted element may be visited by the loop";
    break;
  case Weight::NeverMutatedOtherwise: {
    std::string Where = C.Fn && C.Fn->getIdentifier()
                            ? "'" + C.Fn->getName().str() + "'"
                            : std::string("this function");
    Message += "; it is the only write to '" + MapName + "' in " + Where;
    break;
  }
  }

  std::optional<std::string> Fix;
  const auto *Read = dyn_cast_or_null<ImplicitCastExpr>(C.Use.DecidedBy);
  llvm::StringRef Default = defaultLiteral(Subscript->getType());
  SourceRange Range = Subscript->getSourceRange();
  if (C.Use.Kind == ValueUseKind::Copied && C.Use.Outermost == Subscript &&
      Read && Read->getCastKind() == CK_LValueToRValue && !Default.empty() &&
      isStandardMap(C.Access.Type) && !C.Access.Args.empty() &&
      isSimpleName(C.Access.Object) && isRepeatableKey(C.Access.Args.front()) &&
      Range.getBegin().isFileID() && Range.getEnd().isFileID()) {
    std::string Map = sourceText(C.Access.Object, Ctx);
    std::string Key = sourceText(C.Access.Args.front(), Ctx);
    if (!Map.empty() && !Key.empty()) {
      // count() exists in every standard and for every standard map.
      std::string Text = Map + ".count(" + Key + ") ? " + Map +
                         ".at(" + Key + ") : " + Default.str();
      // The conditional operator binds loosely: parenthesise it unless it
      // stands alone (an initializer, a return value, a condition), is an
      // argument, or is the operand of a named cast.
      const Stmt *Context = nullptr;
      for (size_t I = C.Chain.size(); I-- > 1;)
        if (C.Chain[I] == Read) {
          for (size_t J = I; J-- > 0;) {
            if (isa<ImplicitCastExpr, ExprWithCleanups, ParenExpr,
                    MaterializeTemporaryExpr>(C.Chain[J]))
              continue;
            Context = C.Chain[J];
            break;
          }
          break;
        }
      bool StandsAlone =
          Context && (!isa<Expr>(Context) || isa<CXXNamedCastExpr>(Context) ||
                      (isa<CallExpr, CXXConstructExpr>(Context) &&
                       !isa<CXXOperatorCallExpr>(Context)));
      if (!StandsAlone)
        Text = "(" + Text + ")";
      Fix = Text;
    }
  }

  {
    auto Diag = diag(Subscript->getBeginLoc(), "%0") << Message;
    if (Fix)
      Diag << FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(Range), *Fix);
  }
  if (C.Why == Weight::UnderSharedLock && C.SharedLock->AcquiredAt)
    diag(C.SharedLock->AcquiredAt->getBeginLoc(),
         "shared lock on '%0' acquired here", DiagnosticIDs::Note)
        << C.SharedLock->Mutex->name();
  if (C.Why == Weight::InsideLoopOverMap && C.Loop)
    diag(C.Loop->getBeginLoc(), "'%0' is iterated here", DiagnosticIDs::Note)
        << MapName;
  if (!Fix)
    diag(Subscript->getBeginLoc(),
         "use 'find()' with an explicit default instead, or 'at()' if a "
         "missing key is a bug",
         DiagnosticIDs::Note);
}

} // namespace clang::tidy::mapguard
