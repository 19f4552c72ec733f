//===- IterationTest.cpp --------------------------------------------------===//

#include "ASTFixture.h"
#include "Iteration.h"
#include "MapAccess.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findAll;
using mapguard::testing::parse;

namespace {

struct LoopFacts {
  bool IsMapLoop = false;
  std::string Map;
  std::string Iterator;
  /// For each mutation in the body: element use of its first argument,
  /// and whether control leaves or re-seats right after it.
  std::vector<std::pair<ElementUse, bool>> Mutations;
  std::vector<bool> Reseats;
};

LoopFacts analyseFirstLoop(const std::string &Code,
                           const std::string &Std = "c++17") {
  LoopFacts Facts;
  auto AST = parse(Code, Std);
  if (!AST)
    return Facts;
  auto Loops = findAll<Stmt>(
      *AST, stmt(anyOf(cxxForRangeStmt(), forStmt(), whileStmt(), doStmt()),
                 unless(hasAncestor(stmt(anyOf(cxxForRangeStmt(), forStmt(),
                                               whileStmt(), doStmt())))),
                 hasAncestor(functionDecl(hasName("f"))))
                .bind("n"));
  if (Loops.empty())
    return Facts;
  MapTypeRegistry Maps;
  std::optional<MapLoop> Loop = matchMapLoop(Loops.front(), Maps);
  if (!Loop)
    return Facts;
  Facts.IsMapLoop = true;
  Facts.Map = Loop->Map ? Loop->Map->name() : "";
  Facts.Iterator = Loop->IteratorVar ? Loop->IteratorVar->getNameAsString() : "";
  forEachMapAccess(Loop->Body, Maps,
                   [&](const MapAccess &A, llvm::ArrayRef<const Stmt *> Chain) {
                     if (!A.isMutation())
                       return;
                     Facts.Mutations.push_back(
                         {A.Args.empty() ? ElementUse::Unrelated
                                         : elementUse(A.Args.front(), *Loop),
                          leavesOrReseatsAfter(Chain, *Loop)});
                     Facts.Reseats.push_back(resultReseatsIterator(Chain, *Loop));
                   });
  return Facts;
}

} // namespace

TEST(Iteration, RangeForWithKeysAndBindings) {
  LoopFacts Facts = analyseFirstLoop(R"cpp(
#include <map>
void f(std::map<int, int> &m, int other) {
  for (auto &[k, v] : m) {
    m.erase(k);
    m.erase(v);
    m.erase(other);
  }
}
)cpp");
  ASSERT_TRUE(Facts.IsMapLoop);
  EXPECT_EQ(Facts.Map, "m");
  ASSERT_EQ(Facts.Mutations.size(), 3u);
  EXPECT_EQ(Facts.Mutations[0].first, ElementUse::CurrentKey);
  EXPECT_EQ(Facts.Mutations[1].first, ElementUse::Unrelated);
  EXPECT_EQ(Facts.Mutations[2].first, ElementUse::Unrelated);
}

TEST(Iteration, ExplicitIteratorLoopsInEveryStandard) {
  for (const char *Std : {"c++17", "c++20"}) {
    LoopFacts Facts = analyseFirstLoop(R"cpp(
#include <unordered_map>
void f(std::unordered_map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();) {
    if (it->second) { it = m.erase(it); continue; }
    m.erase(it++);
    m.erase(it->first);
    const auto &key = (*it).first;
    m.erase(key);
    auto copy = it;
    m.erase(copy);
  }
}
)cpp", Std);
    ASSERT_TRUE(Facts.IsMapLoop) << Std;
    EXPECT_EQ(Facts.Iterator, "it");
    ASSERT_EQ(Facts.Mutations.size(), 5u);
    EXPECT_EQ(Facts.Mutations[0].first, ElementUse::CurrentIterator);
    EXPECT_TRUE(Facts.Reseats[0]);
    EXPECT_EQ(Facts.Mutations[1].first, ElementUse::AdvancedIterator);
    EXPECT_FALSE(Facts.Reseats[1]);
    EXPECT_EQ(Facts.Mutations[2].first, ElementUse::CurrentKey);
    EXPECT_EQ(Facts.Mutations[3].first, ElementUse::CurrentKey);
    EXPECT_EQ(Facts.Mutations[4].first, ElementUse::Unrelated);
  }
}

TEST(Iteration, WhileAndDoLoops) {
  LoopFacts Facts = analyseFirstLoop(R"cpp(
#include <map>
void f(std::map<int, int> &m) {
  auto it = m.cbegin();
  while (it != m.cend() && it->first < 10) { m.erase(it); }
}
)cpp");
  ASSERT_TRUE(Facts.IsMapLoop);
  EXPECT_EQ(Facts.Iterator, "it");
}

TEST(Iteration, NonMapLoopsAreNotMapLoops) {
  EXPECT_FALSE(analyseFirstLoop(R"cpp(
#include <vector>
void f(std::vector<int> &v) { for (auto it = v.begin(); it != v.end(); ++it) {} }
)cpp").IsMapLoop);
  EXPECT_FALSE(analyseFirstLoop(R"cpp(
void f(int n) { for (int i = 0; i != n; ++i) {} }
)cpp").IsMapLoop);
}

TEST(Iteration, LeavingTheLoopAfterAMutation) {
  LoopFacts Facts = analyseFirstLoop(R"cpp(
#include <map>
int f(std::map<int, int> &m) {
  for (auto &kv : m) {
    if (kv.second == 1) { m.erase(kv.first); break; }
    if (kv.second == 2) { m.erase(kv.first); return 1; }
    if (kv.second == 3) { m.erase(kv.first); continue; }
    if (kv.second == 4) { m.erase(kv.first); throw 1; }
    for (int i = 0; i < 3; ++i) { m.erase(kv.first); break; }
    for (int i = 0; i < 3; ++i) { m.erase(kv.first); break; }
    if (kv.second == 5) return m.erase(kv.first) ? 1 : 0;
    { m.erase(kv.first); }
    break;
  }
  return 0;
}
)cpp");
  ASSERT_EQ(Facts.Mutations.size(), 8u);
  EXPECT_TRUE(Facts.Mutations[0].second);  // break
  EXPECT_TRUE(Facts.Mutations[1].second);  // return
  EXPECT_FALSE(Facts.Mutations[2].second); // continue
  EXPECT_TRUE(Facts.Mutations[3].second);  // throw
  // break leaves only the inner loop; the next statement is another loop,
  // then the `if`, then a block... and finally the outer break.
  EXPECT_TRUE(Facts.Mutations[4].second);
  EXPECT_TRUE(Facts.Mutations[5].second);
  EXPECT_TRUE(Facts.Mutations[6].second);  // inside return
  EXPECT_TRUE(Facts.Mutations[7].second);  // block, then break
}

TEST(Iteration, InnerBreakAloneDoesNotLeaveTheOuterLoop) {
  LoopFacts Facts = analyseFirstLoop(R"cpp(
#include <map>
void f(std::map<int, int> &m) {
  for (auto &kv : m) {
    for (int i = 0; i < 3; ++i) { m.erase(kv.first); break; }
  }
}
)cpp");
  ASSERT_EQ(Facts.Mutations.size(), 1u);
  EXPECT_FALSE(Facts.Mutations[0].second);
}
