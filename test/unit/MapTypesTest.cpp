//===- MapTypesTest.cpp ---------------------------------------------------===//

#include "ASTFixture.h"
#include "MapTypes.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {

QualType typeOfVar(ASTUnit &AST, const char *Name) {
  const auto *Var = findOne<VarDecl>(AST, varDecl(hasName(Name)).bind("n"));
  return Var ? Var->getType() : QualType();
}

const char *Code = R"cpp(
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>
namespace app { template <class K, class V> struct Table {}; struct Plain {}; }
using Index = std::map<std::string, int>;
typedef std::unordered_multimap<int, int> Multi;
Index a;
Multi b;
std::multimap<int, int> c;
const std::map<int, int> &d = std::map<int, int>();
std::unique_ptr<std::unordered_map<int, int>> e;
std::map<int, int> *f = nullptr;
std::vector<int> g;
app::Table<int, int> h;
app::Plain i;
)cpp";

} // namespace

TEST(MapTypes, RecognisesStandardMapsThroughAliases) {
  auto AST = parse(Code);
  MapTypeRegistry Maps;
  auto A = Maps.classify(typeOfVar(*AST, "a"));
  ASSERT_TRUE(A);
  EXPECT_EQ(A->FamilyId, Family::NodeOrdered);
  EXPECT_FALSE(A->KeyType.isNull());
  EXPECT_NE(A->KeyType.getAsString().find("basic_string<char>"), std::string::npos);
  EXPECT_EQ(Maps.classify(typeOfVar(*AST, "b"))->FamilyId, Family::NodeUnordered);
  EXPECT_EQ(Maps.classify(typeOfVar(*AST, "c"))->FamilyId, Family::NodeOrdered);
  EXPECT_FALSE(Maps.classify(typeOfVar(*AST, "g")));
}

TEST(MapTypes, IndirectionOnlyWhenAsked) {
  auto AST = parse(Code);
  MapTypeRegistry Maps;
  EXPECT_FALSE(Maps.classify(typeOfVar(*AST, "e")));
  EXPECT_FALSE(Maps.classify(typeOfVar(*AST, "f")));
  EXPECT_EQ(Maps.classifyThroughIndirection(typeOfVar(*AST, "e"))->FamilyId,
            Family::NodeUnordered);
  EXPECT_EQ(Maps.classifyThroughIndirection(typeOfVar(*AST, "f"))->FamilyId,
            Family::NodeOrdered);
  EXPECT_EQ(Maps.classifyThroughIndirection(typeOfVar(*AST, "d"))->FamilyId,
            Family::NodeOrdered);
}

TEST(MapTypes, ConfiguredTypesAndErrors) {
  auto AST = parse(Code);
  MapTypeRegistry Maps;
  EXPECT_FALSE(Maps.classify(typeOfVar(*AST, "h")));
  auto Errors = Maps.addConfigured(
      " ::app::Table=flat ; app::Plain ; bad name=flat; x::Y=hashy; ;");
  ASSERT_EQ(Errors.size(), 2u);
  EXPECT_EQ(Errors[0].Entry, "bad name=flat");
  EXPECT_NE(Errors[1].Message.find("unknown container family 'hashy'"),
            std::string::npos);
  EXPECT_EQ(Maps.classify(typeOfVar(*AST, "h"))->FamilyId, Family::Flat);
  EXPECT_EQ(Maps.classify(typeOfVar(*AST, "i"))->FamilyId, Family::NodeOrdered);
}

TEST(MapTypes, DependentTemplateSpecialisations) {
  auto AST = parse(R"cpp(
#include <map>
template <class K> struct Holder { std::map<K, int> m; };
)cpp");
  MapTypeRegistry Maps;
  const auto *Field = findOne<FieldDecl>(*AST, fieldDecl(hasName("m")).bind("n"));
  ASSERT_TRUE(Field);
  auto Info = Maps.classify(Field->getType());
  ASSERT_TRUE(Info);
  EXPECT_EQ(Info->FamilyId, Family::NodeOrdered);
}

TEST(MapTypes, InlineNamespacesAreLeftOut) {
  auto AST = parse(R"cpp(
namespace lib { inline namespace v2 { template <class K, class V> struct Dict {}; } }
lib::Dict<int, int> d;
)cpp");
  MapTypeRegistry Maps;
  Maps.addConfigured("lib::Dict=node-unordered");
  auto Info = Maps.classify(typeOfVar(*AST, "d"));
  ASSERT_TRUE(Info);
  EXPECT_EQ(qualifiedNameWithoutInlineNamespaces(Info->Decl), "lib::Dict");
}
