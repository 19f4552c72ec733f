//===- EscapesTest.cpp ----------------------------------------------------===//

#include "ASTFixture.h"
#include "Escapes.h"
#include "MapAccess.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {

const char *targetName(EscapeTarget Target) {
  switch (Target) {
  case EscapeTarget::DetachedThread:
    return "detached";
  case EscapeTarget::UnjoinedThread:
    return "unjoined";
  case EscapeTarget::Task:
    return "task";
  case EscapeTarget::UnwaitedFuture:
    return "unwaited";
  case EscapeTarget::Member:
    return "member";
  case EscapeTarget::Global:
    return "global";
  case EscapeTarget::StaticLocal:
    return "static";
  case EscapeTarget::CallerObject:
    return "caller";
  case EscapeTarget::OuterLocal:
    return "outer";
  case EscapeTarget::Returned:
    return "returned";
  }
  return "?";
}

const char *handleName(EscapeHandle Handle) {
  switch (Handle) {
  case EscapeHandle::CapturedByReference:
    return "ref-capture";
  case EscapeHandle::CapturedPointer:
    return "pointer-capture";
  case EscapeHandle::Address:
    return "address";
  case EscapeHandle::ReferenceWrapper:
    return "std::ref";
  }
  return "?";
}

/// The escapes of function `f` as "map handle target[ name]" strings.
std::vector<std::string> escapesOf(const std::string &Code,
                                   llvm::StringRef Executors = "") {
  std::vector<std::string> Result;
  auto AST = parse(Code, "c++20");
  if (!AST)
    return Result;
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  if (!F)
    return Result;
  MapTypeRegistry Maps;
  EscapeOptions Options;
  llvm::SmallVector<llvm::StringRef, 2> Names;
  Executors.split(Names, ';', -1, false);
  for (llvm::StringRef Name : Names)
    Options.ExecutorFunctions.insert(Name);
  for (const MapEscape &E : findMapEscapes(F, Maps, Options, AST->getASTContext())) {
    std::string Text = E.Map->getNameAsString() + " " + handleName(E.Handle) +
                       " " + targetName(E.Target);
    if (!E.TargetName.empty())
      Text += " " + E.TargetName;
    Result.push_back(Text);
  }
  return Result;
}

using Strings = std::vector<std::string>;

constexpr const char *Prelude = R"cpp(
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <thread>
#include <vector>
using M = std::map<int, int>;
void use(M &);
)cpp";

} // namespace

TEST(Escapes, ThreadsDetachedOrNotJoined) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
void f() {
  M a, b, c;
  std::thread t1([&] { use(a); });
  t1.detach();
  std::thread t2([&b] { use(b); });
  std::vector<std::thread> ws;
  ws.emplace_back([&] { use(c); });
}
)cpp"),
            (Strings{"a ref-capture detached t1", "b ref-capture unjoined t2",
                     "c ref-capture unjoined ws"}));
}

TEST(Escapes, JoinedThreadsAndCopiesDoNotEscape) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
void f() {
  M a, b, c, d;
  std::thread t1([&] { use(a); });
  t1.join();
  std::vector<std::thread> ws;
  ws.emplace_back([&] { use(b); });
  for (auto &w : ws) w.join();
  std::thread t2([c]() mutable { use(c); });
  t2.detach();
  auto fut = std::async(std::launch::async, [&] { use(d); });
}
)cpp"),
            Strings{});
}

TEST(Escapes, JThreadDeclaredBeforeTheMapEscapes) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
void f() {
  std::jthread early;
  M a;
  early = std::jthread([&] { use(a); });
  M b;
  std::jthread late([&] { use(b); });
}
)cpp"),
            (Strings{"a ref-capture unjoined early"}));
}

TEST(Escapes, StoresIntoLongerLivedState) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
M *g_map;
struct C {
  std::function<void()> cb_;
  std::vector<M *> seen_;
  void f(std::function<void()> &out) {
    M a, b, c, d;
    cb_ = [&] { use(a); };
    g_map = &b;
    seen_.push_back(&c);
    out = [&d] { use(d); };
    M *alias = &d;
    M *local = alias; (void)local;
  }
};
)cpp"),
            (Strings{"a ref-capture member cb_", "b address global g_map",
                     "c address member seen_", "d ref-capture caller out"}));
}

TEST(Escapes, OuterLocalButNotSameScopeLocal) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
void f() {
  std::function<void()> outer;
  {
    M a;
    std::function<void()> inner;
    inner = [&] { use(a); };
    outer = [&] { use(a); };
  }
}
)cpp"),
            (Strings{"a ref-capture outer outer"}));
}

TEST(Escapes, ReturnsThatClangDoesNotReport) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
std::function<std::size_t()> f(bool which) {
  M a;
  if (which) return [&a] { return a.size(); };
  M b;
  return [&] { return b.size(); };
}
)cpp"),
            (Strings{"a ref-capture returned", "b ref-capture returned"}));
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
auto f() {
  M a;
  return [&a] { return a.size(); }; // -Wreturn-stack-address reports it
}
)cpp"),
            Strings{});
}

TEST(Escapes, ExecutorTasks) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
struct Pool { std::future<void> submit(std::function<void()>); };
void f(Pool &pool) {
  M a, b;
  pool.submit([&] { use(a); });
  pool.submit([&] { use(b); }).get();
}
)cpp",
                      "Pool::submit"),
            (Strings{"a ref-capture task"}));
}

TEST(Escapes, LambdaHeldInALocalIsFollowed) {
  EXPECT_EQ(escapesOf(std::string(Prelude) + R"cpp(
void f() {
  M a;
  auto work = [&] { use(a); };
  std::thread t(work);
  t.detach();
}
)cpp"),
            (Strings{"a ref-capture detached t"}));
}

namespace {

/// For each new-expression in `f`: the raw owner's name, "<returned>", or
/// "-" when it is not a raw-owned map.
std::vector<std::string> rawOwnersIn(const std::string &Code) {
  std::vector<std::string> Result;
  auto AST = parse(Code, "c++17");
  if (!AST)
    return Result;
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  if (!F)
    return Result;
  MapTypeRegistry Maps;
  forEachStmt(F->getBody(),
              [&](const Stmt *S, llvm::ArrayRef<const Stmt *> Chain) {
                if (!isa<CXXNewExpr>(S))
                  return;
                std::optional<RawOwnedMap> Raw =
                    rawOwnedMapAllocation(Chain, F, Maps);
                if (!Raw)
                  Result.push_back("-");
                else if (Raw->Returned)
                  Result.push_back("<returned>");
                else
                  Result.push_back(Raw->Owner->getNameAsString());
              });
  return Result;
}

} // namespace

TEST(Escapes, RawOwnedAllocations) {
  EXPECT_EQ(rawOwnersIn(R"cpp(
#include <map>
#include <memory>
#include <vector>
using M = std::map<int, int>;
void take(M *);
struct C {
  M *table_;
  M *f() {
    M *a = new M;
    a->clear();
    delete a;
    M *b = new M;
    take(b);
    std::unique_ptr<M> c(new M);
    table_ = new M;
    static M *forever = new M;
    std::vector<int> *notAMap = new std::vector<int>;
    delete notAMap;
    (void)forever;
    return new M;
  }
};
)cpp"),
            (Strings{"a", "-", "-", "table_", "-", "-", "<returned>"}));
}
