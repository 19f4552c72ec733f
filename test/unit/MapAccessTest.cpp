//===- MapAccessTest.cpp --------------------------------------------------===//

#include "ASTFixture.h"
#include "MapAccess.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {

/// Every access in function `f`, as "spelling:kind" strings in source order.
std::vector<std::string> accessesIn(const std::string &Code) {
  auto AST = parse(Code);
  std::vector<std::string> Result;
  if (!AST)
    return Result;
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  if (!F)
    return Result;
  MapTypeRegistry Maps;
  forEachMapAccess(F->getBody(), Maps,
                   [&](const MapAccess &A, llvm::ArrayRef<const Stmt *>) {
                     const char *Kind = A.Kind == OperationKind::Mutate ? "mutate"
                                        : A.Kind == OperationKind::Iterate
                                            ? "iterate"
                                            : "read";
                     std::string Op = A.Op ? operationInfo(*A.Op).Spelling.str()
                                           : A.spelling().str();
                     if (A.Op == Operation::EraseKey)
                       Op += "(key)";
                     else if (A.Op == Operation::EraseIterator)
                       Op += "(iterator)";
                     else if (A.Op == Operation::EraseRange)
                       Op += "(range)";
                     Result.push_back(Op + ":" + Kind);
                   });
  return Result;
}

using Strings = std::vector<std::string>;

} // namespace

TEST(MapAccess, MemberCallsAndOperators) {
  EXPECT_EQ(accessesIn(R"cpp(
#include <map>
#include <string>
void f(std::map<std::string, int> &m, std::map<std::string, int> &o) {
  m.insert({"a", 1});
  m["b"] = 2;
  m.find("c");
  m.erase("d");
  m.erase(m.begin());
  m.erase(m.begin(), m.end());
  m = o;
  m.clear();
  m.size();
}
)cpp"),
            (Strings{"insert:mutate", "operator[]:mutate", "find:read",
                     "erase(key):mutate", "erase(iterator):mutate",
                     "begin:iterate", "erase(range):mutate", "begin:iterate",
                     "end:read", "operator=:mutate", "clear:mutate",
                     "size:read"}));
}

TEST(MapAccess, RangeForSwapAndErasesOnIntegerKeys) {
  EXPECT_EQ(accessesIn(R"cpp(
#include <unordered_map>
#include <utility>
void f(std::unordered_map<int, int> &m, std::unordered_map<int, int> &o) {
  for (auto &kv : m) (void)kv;
  m.erase(3);
  std::swap(m, o);
  m.swap(o);
}
)cpp"),
            (Strings{"range-for:iterate", "erase(key):mutate", "swap:mutate",
                     "swap:mutate", "swap:mutate"}));
}

TEST(MapAccess, PointersAndSmartPointers) {
  EXPECT_EQ(accessesIn(R"cpp(
#include <map>
#include <memory>
void f(std::map<int, int> *p, std::shared_ptr<std::map<int, int>> s) {
  p->emplace(1, 2);
  (*p)[3] = 4;
  s->try_emplace(5, 6);
  s->at(5);
}
)cpp"),
            (Strings{"emplace:mutate", "operator[]:mutate", "try_emplace:mutate",
                     "at:read"}));
}

TEST(MapAccess, DependentCodeOfAKnownMapTemplate) {
  EXPECT_EQ(accessesIn(R"cpp(
#include <map>
template <class K> void f(std::map<K, int> &m, K k) {
  m.erase(k);
  m.insert_or_assign(k, 1);
}
)cpp"),
            (Strings{"erase(key):mutate", "insert_or_assign:mutate"}));
}

TEST(MapAccess, NonMapsAreIgnored) {
  EXPECT_EQ(accessesIn(R"cpp(
#include <vector>
#include <set>
void f(std::vector<int> &v, std::set<int> &s) {
  v.push_back(1);
  v[0] = 2;
  s.insert(3);
  s.erase(3);
}
)cpp"),
            Strings{});
}

TEST(MapAccess, LambdaBodiesAreSkippedByDefault) {
  auto AST = parse(R"cpp(
#include <map>
void f(std::map<int, int> &m) {
  auto g = [&] { m.clear(); };
  g();
}
)cpp");
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  MapTypeRegistry Maps;
  int Default = 0, Into = 0;
  forEachMapAccess(F->getBody(), Maps,
                   [&](const MapAccess &, llvm::ArrayRef<const Stmt *>) { ++Default; });
  WalkOptions Options;
  Options.IntoLambdas = true;
  forEachMapAccess(
      F->getBody(), Maps,
      [&](const MapAccess &, llvm::ArrayRef<const Stmt *>) { ++Into; }, Options);
  EXPECT_EQ(Default, 0);
  EXPECT_EQ(Into, 1);
}

TEST(MapAccess, BudgetStopsTheWalk) {
  auto AST = parse(R"cpp(
#include <map>
void f(std::map<int, int> &m) { m.clear(); m.clear(); m.clear(); m.clear(); }
)cpp");
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  MapTypeRegistry Maps;
  WalkOptions Options;
  Options.NodeBudget = 5;
  int Seen = 0;
  EXPECT_FALSE(forEachMapAccess(
      F->getBody(), Maps,
      [&](const MapAccess &, llvm::ArrayRef<const Stmt *>) { ++Seen; }, Options));
  EXPECT_LT(Seen, 4);
}
