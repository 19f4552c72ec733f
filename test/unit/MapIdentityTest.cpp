//===- MapIdentityTest.cpp ------------------------------------------------===//

#include "ASTFixture.h"
#include "MapAccess.h"
#include "MapIdentity.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findAll;
using mapguard::testing::parse;

namespace {

/// The resolved identity of every map access's object in function `f`.
std::vector<std::optional<MapRef>> refsIn(ASTUnit &AST) {
  std::vector<std::optional<MapRef>> Refs;
  auto Functions = findAll<FunctionDecl>(
      AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  MapTypeRegistry Maps;
  for (const FunctionDecl *F : Functions)
    forEachMapAccess(F->getBody(), Maps,
                     [&](const MapAccess &A, llvm::ArrayRef<const Stmt *>) {
                       Refs.push_back(A.target());
                     });
  return Refs;
}

} // namespace

TEST(MapIdentity, AliasesResolveToTheSameMember) {
  auto AST = parse(R"cpp(
#include <map>
struct S {
  std::map<int, int> table_;
  void f() {
    table_.clear();
    this->table_.clear();
    auto &t = table_;
    t.clear();
    auto *p = &table_;
    p->clear();
    (*p).clear();
  }
};
)cpp");
  auto Refs = refsIn(*AST);
  ASSERT_EQ(Refs.size(), 5u);
  for (const auto &Ref : Refs) {
    ASSERT_TRUE(Ref);
    EXPECT_EQ(*Ref, *Refs[0]);
    EXPECT_EQ(Ref->Owner, MapOwner::Member);
    EXPECT_EQ(Ref->name(), "table_");
  }
}

TEST(MapIdentity, OwnersAndPaths) {
  auto AST = parse(R"cpp(
#include <map>
#include <memory>
std::map<int, int> global;
struct Box { std::map<int, int> inner; };
void f(std::map<int, int> &param, Box &box, std::unique_ptr<std::map<int, int>> owned) {
  static std::map<int, int> cache;
  std::map<int, int> local;
  global.clear();
  param.clear();
  cache.clear();
  local.clear();
  box.inner.clear();
  owned->clear();
}
)cpp");
  auto Refs = refsIn(*AST);
  ASSERT_EQ(Refs.size(), 6u);
  EXPECT_EQ(Refs[0]->Owner, MapOwner::Global);
  EXPECT_EQ(Refs[1]->Owner, MapOwner::Parameter);
  EXPECT_EQ(Refs[2]->Owner, MapOwner::StaticLocal);
  EXPECT_EQ(Refs[3]->Owner, MapOwner::Local);
  EXPECT_EQ(Refs[4]->name(), "box.inner");
  EXPECT_EQ(Refs[4]->Owner, MapOwner::Parameter);
  EXPECT_EQ(Refs[5]->Derefs, 1u);
  EXPECT_EQ(Refs[5]->name(), "owned");
  for (size_t I = 1; I < Refs.size(); ++I)
    EXPECT_NE(*Refs[I], *Refs[0]);
}

TEST(MapIdentity, UnnamedObjectsDoNotResolve) {
  auto AST = parse(R"cpp(
#include <map>
std::map<int, int> &get();
void f() { get().clear(); }
)cpp");
  auto Refs = refsIn(*AST);
  ASSERT_EQ(Refs.size(), 1u);
  EXPECT_FALSE(Refs[0]);
}

TEST(MapIdentity, LambdaCapturesDenoteTheCapturedVariable) {
  auto AST = parse(R"cpp(
#include <map>
void f() {
  std::map<int, int> m;
  m.clear();
  [&m] { m.clear(); }();
  [&] { m.clear(); }();
}
)cpp");
  auto Functions = findAll<FunctionDecl>(*AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  ASSERT_EQ(Functions.size(), 1u);
  MapTypeRegistry Maps;
  std::vector<MapRef> Refs;
  WalkOptions Options;
  Options.IntoLambdas = true;
  forEachMapAccess(Functions[0]->getBody(), Maps,
                   [&](const MapAccess &A, llvm::ArrayRef<const Stmt *>) {
                     if (auto Ref = A.target())
                       Refs.push_back(*Ref);
                   }, Options);
  ASSERT_EQ(Refs.size(), 3u);
  EXPECT_EQ(Refs[1], Refs[0]);
  EXPECT_EQ(Refs[2], Refs[0]);
}
