//===- KeyPresenceTest.cpp ------------------------------------------------===//

#include "ASTFixture.h"
#include "KeyPresence.h"
#include "MapAccess.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;

namespace {

/// For every map subscript in function `f`, in source order: "present" when
/// its key is known to be in the map, "maybe" otherwise.
std::vector<std::string> presenceIn(const std::string &Code,
                                    unsigned Budget = 4000) {
  std::vector<std::string> Result;
  mapguard::testing::forEachMapSubscriptInF(
      Code, "c++17",
      [&](ASTUnit &AST, const MapTypeRegistry &Maps, const Stmt *S,
          llvm::ArrayRef<const Stmt *> Chain) {
        llvm::SmallVector<MapAccess, 1> Accesses = classifyAccess(S, Maps);
        if (Accesses.empty())
          return;
        MethodEffects Effects(Maps);
        Result.push_back(keyKnownPresent(Accesses.front(), Chain, Maps, Effects,
                                         AST.getASTContext(), Budget)
                             ? "present"
                             : "maybe");
      });
  return Result;
}

using Strings = std::vector<std::string>;

constexpr const char *Prelude = R"cpp(
#include <map>
#include <string>
#include <unordered_map>
void use(int);
void reset(std::map<int, int> &);
)cpp";

} // namespace

TEST(KeyPresence, GuardingConditions) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k) {
  int v = 0;
  if (m.count(k)) v += m[k];
  if (m.find(k) != m.end()) v += m[k];
  if (m.count(k) == 0) v += 1; else v += m[k];
  v += m.count(k) > 0 ? m[k] : 0;
  v += m.find(k) == m.end() ? 0 : m[k];
  if (m.count(k) && m[k] > 2) v += 1;
  if (m.find(k) == m.end() || m[k] > 2) v += 1;
  if (!(m.count(k) < 1)) v += m[k];
  return v;
}
)cpp"),
            (Strings{"present", "present", "present", "present", "present",
                     "present", "present", "present"}));
}

TEST(KeyPresence, ConditionsThatProveNothing) {
  // Each line uses its own key: a subscript inserts, so a later one on the
  // same key would be proved by the earlier one.
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, std::map<int, int> &other, int a, int b, int c,
      int d, int e, int g, bool flag) {
  int v = 0;
  if (m.find(a) == m.end()) v += m[a];
  if (m.count(b) || flag) v += m[b];
  if (m.count(c) < 1) v += m[c];
  if (m.count(a + 1)) v += m[d];
  if (other.count(e)) v += m[e];
  if (m.find(g) != other.end()) v += m[g];
  return v;
}
)cpp"),
            (Strings{"maybe", "maybe", "maybe", "maybe", "maybe", "maybe"}));
}

TEST(KeyPresence, EarlyExitsAndFills) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k, int j) {
  for (int i = 0; i < 3; ++i) {
    if (!m.count(i)) continue;
    use(m[i]);
  }
  if (m.find(j) == m.end()) m[j] = 1;
  use(m[j]);
  if (m.find(k) == m.end()) { use(0); return 0; }
  return m[k];
}
)cpp"),
            (Strings{"present", "maybe", "present", "present"}));
}

TEST(KeyPresence, LookupResultsKeptInAVariable) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int a, int b, int c, int d) {
  int v = 0;
  auto ia = m.find(a);
  if (ia == m.end()) return 0;
  v += m[a];
  if (auto ib = m.find(b); ib != m.end()) v += m[b];
  auto ic = m.find(c);
  v += 1;
  if (ic == m.end()) return 0;
  v += m[c];
  auto id = m.find(d);
  ++id;
  if (id != m.end()) v += m[d];
  return v;
}
)cpp"),
            (Strings{"present", "present", "maybe", "maybe"}));
}

TEST(KeyPresence, RemovalsAndKeyWritesInBetweenUndoTheProof) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k, int j) {
  if (!m.count(k)) return 0;
  m[j] = 1;
  m.emplace(j + 1, 2);
  use(m[k]);
  m.erase(j);
  use(m[k]);
  return 0;
}
)cpp"),
            (Strings{"maybe", "present", "maybe"}));
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k) {
  if (!m.count(k)) return 0;
  k += 1;
  return m[k];
}
)cpp"),
            (Strings{"maybe"}));
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k) {
  if (!m.count(k)) return 0;
  reset(m);
  return m[k];
}
)cpp"),
            (Strings{"maybe"}));
}

TEST(KeyPresence, HelpersOfThisAreSummarised) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
struct T {
  std::map<int, int> m;
  int hits = 0;
  void count() { ++hits; }
  void drop(int k) { m.erase(k); }
  void add(int k) { m[k] = 1; }
  void unknown();
  int f(int k, int j);
};
int T::f(int k, int j) {
  if (!m.count(k)) return 0;
  count();
  add(j);
  use(m[k]);
  drop(j);
  use(m[k]);
  return 0;
}
)cpp"),
            (Strings{"present", "maybe"}));
}

TEST(KeyPresence, LoopsAroundTheAccessCountWhole) {
  // The erase after the read runs before the read's next turn.
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k, int n) {
  if (!m.count(k)) return 0;
  int s = 0;
  for (int i = 0; i < n; ++i) {
    s += m[k];
    if (s > 10) m.erase(k);
  }
  return s;
}
)cpp"),
            (Strings{"maybe"}));
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k, int n) {
  if (!m.count(k)) return 0;
  int s = 0;
  for (int i = 0; i < n; ++i) {
    s += m[k];
    m[i + 100] = s;
  }
  return s;
}
)cpp"),
            (Strings{"present", "maybe"}));
}

TEST(KeyPresence, LambdasAndJumps) {
  EXPECT_EQ(presenceIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, int k, bool skip) {
  if (!m.count(k)) return 0;
  auto g = [&] { return m[k]; };
  if (skip) goto out;
  if (!m.count(k)) return 0;
out:
  return m[k] + g();
}
)cpp"),
            (Strings{"maybe", "maybe"}));
}

TEST(KeyPresence, GivesUpWhenTheBudgetIsSpent) {
  std::string Body;
  for (int I = 0; I < 200; ++I)
    Body += "  use(" + std::to_string(I) + ");\n";
  std::string Code = std::string(Prelude) +
                     "int f(std::map<int, int> &m, int k) {\n"
                     "  if (!m.count(k)) return 0;\n" +
                     Body + "  return m[k];\n}\n";
  EXPECT_EQ(presenceIn(Code), (Strings{"present"}));
  EXPECT_EQ(presenceIn(Code, /*Budget=*/100), (Strings{"maybe"}));
}
