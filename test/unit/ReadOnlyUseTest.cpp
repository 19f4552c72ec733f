//===- ReadOnlyUseTest.cpp ------------------------------------------------===//

#include "ASTFixture.h"
#include "MapAccess.h"
#include "ReadOnlyUse.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;

namespace {

const char *kindName(ValueUseKind Kind) {
  switch (Kind) {
  case ValueUseKind::Copied:
    return "copied";
  case ValueUseKind::ReadInPlace:
    return "read";
  case ValueUseKind::ConstAlias:
    return "const-alias";
  case ValueUseKind::Modified:
    return "modified";
  case ValueUseKind::MutableAlias:
    return "mutable-alias";
  case ValueUseKind::Discarded:
    return "discarded";
  case ValueUseKind::Unevaluated:
    return "unevaluated";
  case ValueUseKind::Unknown:
    return "unknown";
  }
  return "?";
}

/// The use of every map subscript in function `f`, in source order.
std::vector<std::string> usesIn(const std::string &Code,
                                const std::string &Std = "c++17") {
  std::vector<std::string> Result;
  mapguard::testing::forEachMapSubscriptInF(
      Code, Std,
      [&](ASTUnit &, const MapTypeRegistry &, const Stmt *,
          llvm::ArrayRef<const Stmt *> Chain) {
        Result.push_back(kindName(classifyValueUse(Chain).Kind));
      });
  return Result;
}

using Strings = std::vector<std::string>;

constexpr const char *Prelude = R"cpp(
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>
void byValue(int);
void byConstRef(const std::string &);
void byRef(int &);
void byRvalue(std::vector<int> &&);
struct S { int field; };
)cpp";

} // namespace

TEST(ReadOnlyUse, ValuesCopiedOut) {
  EXPECT_EQ(usesIn(std::string(Prelude) + R"cpp(
int f(std::map<int, int> &m, std::map<int, S> &s, std::map<int, bool> &b) {
  int x = m[1];
  byValue(m[2]);
  if (b[3]) return m[4] + 1;
  long y = static_cast<long>(m[5]);
  return x + (int)y + s[6].field;
}
)cpp"),
            (Strings{"copied", "copied", "copied", "copied", "copied",
                     "copied"}));
}

TEST(ReadOnlyUse, ReadInPlaceAndConstAliases) {
  EXPECT_EQ(usesIn(std::string(Prelude) + R"cpp(
std::size_t f(std::map<int, std::string> &m,
              std::map<int, std::vector<int>> &v,
              std::map<int, std::shared_ptr<std::string>> &p) {
  const auto &ref = m[1];
  byConstRef(m[2]);
  std::size_t n = m[3].size() + p[4]->size();
  for (int e : v[5]) n += e;
  n += v[6][0] + v[7].front();
  return n + ref.size();
}
)cpp"),
            (Strings{"const-alias", "read", "read", "read", "read", "copied",
                     "copied"}));
}

TEST(ReadOnlyUse, WritesAndMutableAliases) {
  EXPECT_EQ(usesIn(std::string(Prelude) + R"cpp(
void f(std::map<int, int> &m, std::map<int, std::vector<int>> &v) {
  m[1] = 2;
  m[3] += 4;
  ++m[5];
  m[6]++;
  v[7].push_back(1);
  auto &slot = m[8];
  slot = 1;
  byRef(m[9]);
  byRvalue(std::move(v[10]));
  int *p = &m[11];
  (void)p;
  for (auto &e : v[12]) ++e;
  v[13][0] = 1;
}
)cpp"),
            (Strings{"modified", "modified", "modified", "modified",
                     "modified", "mutable-alias", "modified", "modified",
                     "mutable-alias", "mutable-alias", "modified"}));
}

TEST(ReadOnlyUse, DiscardedAndUnevaluated) {
  EXPECT_EQ(usesIn(std::string(Prelude) + R"cpp(
std::size_t f(std::map<int, int> &m) {
  m[1];
  (void)m[2];
  return sizeof(m[3]);
}
)cpp"),
            (Strings{"discarded", "discarded", "unevaluated"}));
}

TEST(ReadOnlyUse, ReturnsDependOnTheReturnType) {
  EXPECT_EQ(usesIn(std::string(Prelude) + R"cpp(
struct C {
  std::map<int, int> m;
  int byValue() { return m[1]; }
  const int &byConstRef() { return m[2]; }
  int &byRef() { return m[3]; }
};
void f(C &c) {
  auto read = [&] { return c.m[4]; };
  auto &&forwarded = c.m[5];
  (void)read; (void)forwarded;
}
)cpp"),
            (Strings{"copied", "mutable-alias"}));
}
