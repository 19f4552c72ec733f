//===- ASTFixture.h - Parse code and find nodes, for lib/ tests -*- C++ -*-===//

#ifndef MAPGUARD_TEST_UNIT_ASTFIXTURE_H
#define MAPGUARD_TEST_UNIT_ASTFIXTURE_H

#include "MapAccess.h"
#include "MapTypes.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <memory>
#include <string>

namespace mapguard::testing {

/// Parses \p Code (C++17 unless \p Std says otherwise) against the real
/// standard library and fails the test on compile errors.
inline std::unique_ptr<clang::ASTUnit> parse(const std::string &Code,
                                             const std::string &Std = "c++17") {
  std::unique_ptr<clang::ASTUnit> AST = clang::tooling::buildASTFromCodeWithArgs(
      Code, {"-std=" + Std, "-Wno-unused-value"}, "input.cpp");
  EXPECT_TRUE(AST);
  if (AST)
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred()) << Code;
  return AST;
}

/// The single node bound to "n" by \p Matcher in \p AST (fails otherwise).
template <typename NodeT, typename MatcherT>
const NodeT *findOne(clang::ASTUnit &AST, MatcherT Matcher) {
  auto Matches = clang::ast_matchers::match(Matcher, AST.getASTContext());
  EXPECT_EQ(Matches.size(), 1u);
  if (Matches.empty())
    return nullptr;
  return Matches.front().template getNodeAs<NodeT>("n");
}

/// Every node bound to "n" by \p Matcher, in match order.
template <typename NodeT, typename MatcherT>
std::vector<const NodeT *> findAll(clang::ASTUnit &AST, MatcherT Matcher) {
  std::vector<const NodeT *> Nodes;
  for (const auto &Match : clang::ast_matchers::match(Matcher, AST.getASTContext()))
    Nodes.push_back(Match.template getNodeAs<NodeT>("n"));
  return Nodes;
}

/// Parses \p Code and calls \p Visit for every subscript of a map in the
/// body of function `f` (lambdas included), in source order, with the chain
/// of statements from the body down to it.
template <typename VisitT>
void forEachMapSubscriptInF(const std::string &Code, const std::string &Std,
                            VisitT Visit) {
  auto AST = parse(Code, Std);
  if (!AST)
    return;
  const auto *F = findOne<clang::FunctionDecl>(
      *AST, clang::ast_matchers::functionDecl(clang::ast_matchers::hasName("f"),
                                              clang::ast_matchers::isDefinition())
                .bind("n"));
  if (!F)
    return;
  analysis::MapTypeRegistry Maps;
  analysis::WalkOptions Walk;
  Walk.IntoLambdas = true;
  analysis::forEachStmt(
      F->getBody(),
      [&](const clang::Stmt *S, llvm::ArrayRef<const clang::Stmt *> Chain) {
        const auto *Op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(S);
        if (!Op || Op->getOperator() != clang::OO_Subscript ||
            !Maps.classify(Op->getArg(0)->getType()))
          return;
        Visit(*AST, Maps, S, Chain);
      },
      Walk);
}

} // namespace mapguard::testing

#endif // MAPGUARD_TEST_UNIT_ASTFIXTURE_H
