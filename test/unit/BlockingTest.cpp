//===- BlockingTest.cpp ---------------------------------------------------===//

#include "ASTFixture.h"
#include "Blocking.h"
#include "LockSet.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {

const char *Prelude = R"cpp(
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <thread>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
using namespace std::chrono_literals;
)cpp";

struct Verdict {
  bool Blocks = false;
  BlockingKind Kind = BlockingKind::Sleep;
  std::string Callee;
  std::string Via;
  std::string Mutex;
};

/// What the analysis says about the body of `f` in \p Code.
Verdict analyse(const std::string &Code,
                const std::vector<std::string> &Configured = {},
                unsigned DepthLimit = 3,
                const LockTypeRegistry *LockTypes = nullptr) {
  Verdict Result;
  auto AST = parse(Prelude + Code, "c++20");
  if (!AST)
    return Result;
  const auto *F = findOne<FunctionDecl>(
      *AST, functionDecl(hasName("f"), isDefinition()).bind("n"));
  if (!F)
    return Result;
  BlockingAnalysis Analysis(Configured, DepthLimit, LockTypes);
  std::optional<BlockingCall> Call = Analysis.blockingIn(F);
  if (!Call)
    return Result;
  Result.Blocks = true;
  Result.Kind = Call->Kind;
  Result.Callee = Call->Callee;
  if (Call->Via)
    Result.Via = Call->Via->getNameAsString();
  if (Call->Mutex)
    if (const auto *Ref =
            dyn_cast<DeclRefExpr>(Call->Mutex->IgnoreParenImpCasts()))
      Result.Mutex = Ref->getDecl()->getNameAsString();
  // The same question again is answered from the cache, identically.
  std::optional<BlockingCall> Again = Analysis.blockingIn(F);
  EXPECT_TRUE(Again && Again->Site == Call->Site);
  return Result;
}

TEST(BlockingTest, Sleeps) {
  Verdict V = analyse("void f() { std::this_thread::sleep_for(10ms); }");
  EXPECT_TRUE(V.Blocks);
  EXPECT_EQ(V.Kind, BlockingKind::Sleep);
  EXPECT_EQ(V.Callee, "std::this_thread::sleep_for");
  EXPECT_TRUE(analyse("void f() { ::usleep(100); }").Blocks);
  EXPECT_TRUE(analyse("void f() { sleep(1); }").Blocks);
  EXPECT_TRUE(analyse("void f() { std::this_thread::sleep_until("
                      "std::chrono::steady_clock::now() + 1s); }")
                  .Blocks);
}

TEST(BlockingTest, ZeroTimeoutsPoll) {
  EXPECT_FALSE(
      analyse("void f() { std::this_thread::sleep_for(0ms); }").Blocks);
  EXPECT_FALSE(
      analyse("bool f(std::future<int> &fu) { return fu.wait_for("
              "std::chrono::seconds(0)) == std::future_status::ready; }")
          .Blocks);
  EXPECT_FALSE(analyse("bool f(std::future<int> &fu) { return fu.wait_for("
                       "std::chrono::seconds::zero()) == "
                       "std::future_status::ready; }")
                   .Blocks);
  EXPECT_FALSE(analyse(R"cpp(
    std::condition_variable cv; bool ready;
    void f(std::unique_lock<std::mutex> &lk) {
      cv.wait_for(lk, 0ms, [] { return ready; }); })cpp")
                   .Blocks);
  EXPECT_TRUE(analyse("bool f(std::future<int> &fu) { return fu.wait_for(5s) "
                      "== std::future_status::ready; }")
                  .Blocks);
}

TEST(BlockingTest, ConditionVariableWaits) {
  Verdict V = analyse(R"cpp(
    std::mutex mu; std::condition_variable cv; bool ready;
    void f() { std::unique_lock<std::mutex> lk(mu, std::defer_lock);
               cv.wait(lk, [] { return ready; }); })cpp");
  EXPECT_TRUE(V.Blocks);
  EXPECT_EQ(V.Kind, BlockingKind::ConditionWait);
  EXPECT_EQ(V.Callee, "std::condition_variable::wait");
  V = analyse(R"cpp(
    std::mutex mu; std::condition_variable_any cv;
    void f() { std::unique_lock<std::mutex> lk(mu, std::defer_lock);
               cv.wait_for(lk, 1s); })cpp");
  EXPECT_EQ(V.Kind, BlockingKind::ConditionWait);
  // Notifying never blocks.
  EXPECT_FALSE(
      analyse("std::condition_variable cv; void f() { cv.notify_all(); }")
          .Blocks);
}

TEST(BlockingTest, FuturesThreadsAndLatches) {
  Verdict V = analyse("int f(std::future<int> &fu) { return fu.get(); }");
  EXPECT_EQ(V.Kind, BlockingKind::FutureWait);
  EXPECT_EQ(V.Callee, "std::future::get");
  EXPECT_EQ(analyse("void f(std::shared_future<void> &fu) { fu.wait(); }").Kind,
            BlockingKind::FutureWait);
  V = analyse("void f(std::thread &t) { t.join(); }");
  EXPECT_EQ(V.Kind, BlockingKind::ThreadJoin);
  EXPECT_EQ(V.Callee, "std::thread::join");
  EXPECT_FALSE(analyse("void f(std::thread &t) { t.detach(); }").Blocks);
  EXPECT_FALSE(
      analyse("bool f(std::future<int> &fu) { return fu.valid(); }").Blocks);
}

TEST(BlockingTest, DescriptorAndSocketIO) {
  Verdict V = analyse("long f(int fd, char *b) { return ::read(fd, b, 8); }");
  EXPECT_EQ(V.Kind, BlockingKind::IO);
  EXPECT_EQ(V.Callee, "read");
  EXPECT_EQ(
      analyse("long f(int s, char *b) { return recv(s, b, 8, 0); }").Callee,
      "recv");
  EXPECT_EQ(
      analyse("int f(int s) { return accept(s, nullptr, nullptr); }").Callee,
      "accept");
  EXPECT_EQ(analyse("int f(pollfd *p) { return poll(p, 1, -1); }").Callee,
            "poll");
  EXPECT_EQ(
      analyse("char *f(char *b, FILE *in) { return fgets(b, 8, in); }").Callee,
      "fgets");
  EXPECT_EQ(analyse("unsigned long f(char *b, FILE *in) { return std::fread(b, "
                    "1, 8, in); }")
                .Kind,
            BlockingKind::IO);
  // Formatting output is buffered: not reported as blocking.
  EXPECT_FALSE(analyse("void f() { std::printf(\"x\"); }").Blocks);
}

TEST(BlockingTest, UserFunctionsNamedLikeSystemCallsDoNotCount) {
  EXPECT_FALSE(analyse(R"cpp(
    namespace cfg { int read(int) { return 0; } }
    int f() { return cfg::read(1); })cpp")
                   .Blocks);
  EXPECT_FALSE(analyse(R"cpp(
    struct Reader { int read(int n) { return n; } };
    int f(Reader &r) { return r.read(1); })cpp")
                   .Blocks);
}

TEST(BlockingTest, StreamsExceptStringStreams) {
  Verdict V = analyse("void f(std::string &s) { std::getline(std::cin, s); }");
  EXPECT_EQ(V.Kind, BlockingKind::IO);
  EXPECT_EQ(V.Callee, "std::getline");
  EXPECT_TRUE(analyse("void f(std::ifstream &in, int &x) { in >> x; }").Blocks);
  EXPECT_TRUE(
      analyse("void f(std::istream &in, std::string &x) { in >> x; }").Blocks);
  EXPECT_TRUE(
      analyse("void f(std::istream &in, char *b) { in.read(b, 4); }").Blocks);
  EXPECT_FALSE(
      analyse("void f(std::istringstream &in, int &x) { in >> x; }").Blocks);
  EXPECT_FALSE(analyse("void f(std::stringstream &in, std::string &s) { "
                       "std::getline(in, s); }")
                   .Blocks);
  // Shifting integers is not input.
  EXPECT_FALSE(analyse("int f(int a) { return a >> 2; }").Blocks);
}

TEST(BlockingTest, AcquiringMutexes) {
  Verdict V = analyse("std::mutex other; void f() { "
                      "std::lock_guard<std::mutex> g(other); }");
  EXPECT_EQ(V.Kind, BlockingKind::LockAcquire);
  EXPECT_EQ(V.Callee, "std::lock_guard");
  EXPECT_EQ(V.Mutex, "other");
  EXPECT_EQ(analyse("std::mutex other; void f() { other.lock(); }").Mutex,
            "other");
  EXPECT_EQ(analyse("std::shared_mutex sm; void f() { "
                    "std::shared_lock<std::shared_mutex> g(sm); }")
                .Mutex,
            "sm");
  EXPECT_EQ(
      analyse("std::mutex a, b; void f() { std::scoped_lock g(a, b); }").Kind,
      BlockingKind::LockAcquire);
  EXPECT_EQ(analyse("std::mutex a, b; void f() { std::lock(a, b); }").Callee,
            "std::lock");
  // A unique_lock relocked later acquires the mutex it was built on.
  EXPECT_EQ(analyse(R"cpp(
    std::mutex m;
    void f() { std::unique_lock<std::mutex> lk(m, std::defer_lock); lk.lock(); })cpp")
                .Mutex,
            "m");
  EXPECT_FALSE(
      analyse("std::mutex m; void f() { "
              "std::unique_lock<std::mutex> lk(m, std::try_to_lock); }")
          .Blocks);
  EXPECT_FALSE(
      analyse("std::mutex m; bool f() { return m.try_lock(); }").Blocks);
  EXPECT_FALSE(analyse("std::mutex m; void f() { m.unlock(); }").Blocks);
}

TEST(BlockingTest, ProjectMutexesAndGuards) {
  LockTypeRegistry Types;
  // A class with lock()/unlock() is a mutex by its shape.
  const char *SpinLock = R"cpp(
    struct SpinLock { void lock() {} void unlock() {} };
    SpinLock spin;
    void f() { spin.lock(); })cpp";
  EXPECT_FALSE(analyse(SpinLock).Blocks);
  Verdict V = analyse(SpinLock, {}, 3, &Types);
  EXPECT_EQ(V.Kind, BlockingKind::LockAcquire);
  EXPECT_EQ(V.Mutex, "spin");
  // A guard known only through configuration.
  const char *Hold = R"cpp(
    std::mutex m;
    struct Hold { explicit Hold(std::mutex &mu) : mu(mu) {} std::mutex &mu; };
    void f() { Hold h(m); })cpp";
  EXPECT_FALSE(analyse(Hold, {}, 3, &Types).Blocks);
  Types.addGuardTypes("Hold");
  V = analyse(Hold, {}, 3, &Types);
  EXPECT_EQ(V.Kind, BlockingKind::LockAcquire);
  EXPECT_EQ(V.Callee, "Hold");
  EXPECT_EQ(V.Mutex, "m");
}

TEST(BlockingTest, ConstructorInitializersAreFollowed) {
  Verdict V = analyse(R"cpp(
    std::mutex m;
    struct Hold { explicit Hold(std::mutex &mu) : lock(mu) {}
                  std::unique_lock<std::mutex> lock; };
    void f() { Hold h(m); })cpp");
  EXPECT_EQ(V.Kind, BlockingKind::LockAcquire);
  EXPECT_EQ(V.Via, "Hold");
}

TEST(BlockingTest, ConfiguredFunctions) {
  const char *Code = R"cpp(
    namespace net { struct Socket { int receive(); }; }
    int f(net::Socket &s) { return s.receive(); })cpp";
  EXPECT_FALSE(analyse(Code).Blocks);
  Verdict V = analyse(Code, parseFunctionList("::net::Socket::receive; other"));
  EXPECT_TRUE(V.Blocks);
  EXPECT_EQ(V.Kind, BlockingKind::Configured);
  EXPECT_EQ(V.Callee, "net::Socket::receive");
}

TEST(BlockingTest, ParsesTheList) {
  std::vector<std::string> Names = parseFunctionList(" ::a::b ;;c; ");
  ASSERT_EQ(Names.size(), 2u);
  EXPECT_EQ(Names[0], "a::b");
  EXPECT_EQ(Names[1], "c");
}

TEST(BlockingTest, FollowsCallsIntoTheTranslationUnit) {
  const char *Code = R"cpp(
    void nap() { std::this_thread::sleep_for(1s); }
    void middle() { nap(); }
    void outer() { middle(); }
    void f() { outer(); })cpp";
  Verdict V = analyse(Code);
  EXPECT_TRUE(V.Blocks);
  EXPECT_EQ(V.Kind, BlockingKind::Sleep);
  EXPECT_EQ(V.Via, "outer");
  // f -> outer -> middle -> nap -> sleep_for is four calls deep.
  EXPECT_FALSE(analyse(Code, {}, /*DepthLimit=*/2).Blocks);
  EXPECT_TRUE(analyse(Code, {}, /*DepthLimit=*/3).Blocks);
  // Member functions of other objects are followed too.
  V = analyse(R"cpp(
    struct Conn { int fd; long pull(char *b) { return ::read(fd, b, 8); } };
    long f(Conn &c, char *b) { return c.pull(b); })cpp");
  EXPECT_EQ(V.Kind, BlockingKind::IO);
  EXPECT_EQ(V.Via, "pull");
}

TEST(BlockingTest, RecursionEnds) {
  Verdict V = analyse(R"cpp(
    void g(int n);
    void h(int n) { if (n) g(n - 1); }
    void g(int n) { if (n) h(n - 1); }
    void f() { g(3); })cpp");
  EXPECT_FALSE(V.Blocks);
}

TEST(BlockingTest, LambdasDefinedInsideDoNotRunThere) {
  EXPECT_FALSE(analyse(R"cpp(
    void f() { std::thread t([] { std::this_thread::sleep_for(1s); });
               t.detach(); })cpp")
                   .Blocks);
  // Calling one does.
  EXPECT_TRUE(analyse(R"cpp(
    void f() { auto nap = [] { std::this_thread::sleep_for(1s); }; nap(); })cpp")
                  .Blocks);
}

TEST(BlockingTest, WorksInTemplates) {
  EXPECT_TRUE(analyse(R"cpp(
    template <class T> T take(std::future<T> &fu) { return fu.get(); }
    int f(std::future<int> &fu) { return take(fu); })cpp")
                  .Blocks);
}

} // namespace
