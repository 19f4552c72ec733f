//===- MethodEffectsTest.cpp ----------------------------------------------===//

#include "ASTFixture.h"
#include "MethodEffects.h"
#include "clang/AST/DeclCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {
const char *Code = R"cpp(
#include <map>
#include <string>
struct Store {
  std::map<std::string, int> table_;
  std::map<std::string, int> other_;
  void drop(const std::string &key) { table_.erase(key); }
  void dropTwice(int unused, const std::string &k) { drop(k); }
  void reset() { other_.clear(); dropTwice(0, "x"); }
  std::map<std::string, int>::iterator remove(std::map<std::string, int>::iterator it) {
    return table_.erase(it);
  }
  int read() const { return table_.count("a"); }
  void self() { self(); table_.clear(); }
  void deep0() { deep1(); }
  void deep1() { deep2(); }
  void deep2() { deep3(); }
  void deep3() { deep4(); }
  void deep4() { table_.clear(); }
};
)cpp";

const CXXMethodDecl *method(ASTUnit &AST, const char *Name) {
  return findOne<CXXMethodDecl>(
      AST, cxxMethodDecl(hasName(Name), isDefinition()).bind("n"));
}
} // namespace

TEST(MethodEffects, DirectAndTransitiveMutations) {
  auto AST = parse(Code);
  MapTypeRegistry Maps;
  MethodEffects Effects(Maps);

  auto Drop = Effects.mutationsOf(method(*AST, "drop"));
  ASSERT_EQ(Drop.size(), 1u);
  EXPECT_EQ(Drop[0].Field->getName(), "table_");
  EXPECT_EQ(Drop[0].Op, Operation::EraseKey);
  EXPECT_EQ(Drop[0].ArgParam, 0);

  auto Twice = Effects.mutationsOf(method(*AST, "dropTwice"));
  ASSERT_EQ(Twice.size(), 1u);
  EXPECT_EQ(Twice[0].ArgParam, 1);

  auto Reset = Effects.mutationsOf(method(*AST, "reset"));
  ASSERT_EQ(Reset.size(), 2u);
  EXPECT_EQ(Reset[0].Field->getName(), "other_");
  EXPECT_EQ(Reset[1].ArgParam, -1); // a literal, not a parameter

  auto Remove = Effects.mutationsOf(method(*AST, "remove"));
  ASSERT_EQ(Remove.size(), 1u);
  EXPECT_EQ(Remove[0].Op, Operation::EraseIterator);
  EXPECT_TRUE(Remove[0].ResultReturned);

  EXPECT_TRUE(Effects.mutationsOf(method(*AST, "read")).empty());
  EXPECT_EQ(Effects.mutationsOf(method(*AST, "self")).size(), 1u);
}

TEST(MethodEffects, DepthIsBounded) {
  auto AST = parse(Code);
  MapTypeRegistry Maps;
  MethodEffects Shallow(Maps, /*DepthLimit=*/3);
  EXPECT_TRUE(Shallow.mutationsOf(method(*AST, "deep0")).empty());
  MethodEffects Deep(Maps, /*DepthLimit=*/4);
  EXPECT_EQ(Deep.mutationsOf(method(*AST, "deep0")).size(), 1u);
}
