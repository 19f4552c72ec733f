//===- ASTFixture.h - Parse code and find nodes, for lib/ tests -*- C++ -*-===//

#ifndef MAPGUARD_TEST_UNIT_ASTFIXTURE_H
#define MAPGUARD_TEST_UNIT_ASTFIXTURE_H

#include "MapTypes.h"
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

} // namespace mapguard::testing

#endif // MAPGUARD_TEST_UNIT_ASTFIXTURE_H
