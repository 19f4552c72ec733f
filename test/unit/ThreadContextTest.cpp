//===- ThreadContextTest.cpp ----------------------------------------------===//

#include "ThreadContext.h"
#include "ASTFixture.h"
#include "MapAccess.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findAll;
using mapguard::testing::findOne;
using mapguard::testing::parse;

namespace {

/// For every map access in the thread functions of the only spawn:
/// "function:map" with the map in the spawner's terms, or "function:private".
std::vector<std::string> threadSideMaps(ASTUnit &AST,
                                        ThreadContexts &Contexts) {
  std::vector<std::string> Result;
  Contexts.build(AST.getASTContext());
  EXPECT_EQ(Contexts.spawns().size(), 1u);
  if (Contexts.spawns().empty())
    return Result;
  MapTypeRegistry Maps;
  for (const ContextFunction &Function :
       Contexts.threadFunctions(Contexts.spawns().front())) {
    std::string Name =
        isa<CXXMethodDecl>(Function.Function) &&
                cast<CXXMethodDecl>(Function.Function)->getParent()->isLambda()
            ? "lambda"
            : Function.Function->getNameAsString();
    forEachMapAccess(
        Function.Function->getBody(), Maps,
        [&](const MapAccess &Access, llvm::ArrayRef<const Stmt *>) {
          std::optional<MapRef> Ref = Access.target();
          std::optional<MapRef> Shared =
              Ref ? sharedIdentity(*Ref, Function) : std::nullopt;
          Result.push_back(Name + ":" + (Shared ? Shared->name() : "private"));
        });
  }
  return Result;
}

using Strings = std::vector<std::string>;

} // namespace

TEST(ThreadContext, LambdaCapturesByReferenceAndByCopy) {
  auto AST = parse(R"cpp(
#include <map>
#include <thread>
std::map<int, int> global;
void f() {
  std::map<int, int> shared, copied;
  std::thread t([&shared, copied]() mutable {
    std::map<int, int> own;
    shared.clear();
    copied.clear();
    own.clear();
    global.clear();
  });
  t.join();
}
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts),
            (Strings{"lambda:shared", "lambda:private", "lambda:private",
                     "lambda:global"}));
  ASSERT_EQ(Contexts.spawns().size(), 1u);
  const ThreadSpawn &Spawn = Contexts.spawns().front();
  EXPECT_EQ(Spawn.Kind, SpawnKind::Thread);
  EXPECT_EQ(Spawn.EntryName, "std::thread");
  ASSERT_TRUE(Spawn.Handle);
  EXPECT_EQ(Spawn.Handle->getName(), "t");
  EXPECT_TRUE(Spawn.JoinLoc.isValid());
  EXPECT_TRUE(Spawn.Lambda);
}

TEST(ThreadContext, FunctionArgumentsBoundByRefAndPointer) {
  auto AST = parse(R"cpp(
#include <functional>
#include <map>
#include <thread>
using Map = std::map<int, int>;
void deeper(Map &m) { m.erase(1); }
void worker(Map &byRef, Map *byPtr, Map copy) {
  byRef.clear();
  byPtr->clear();
  copy.clear();
  deeper(*byPtr);
}
void f() {
  Map a, b, c;
  std::thread t(worker, std::ref(a), &b, c);
  t.join();
}
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts),
            (Strings{"worker:a", "worker:b", "worker:private", "deeper:b"}));
}

TEST(ThreadContext, MemberFunctionBodiesKeepTheirObject) {
  auto AST = parse(R"cpp(
#include <map>
#include <thread>
struct Worker {
  std::map<int, int> table_;
  void run() { table_.clear(); }
  void start() { std::thread t(&Worker::run, this); t.detach(); }
};
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts), (Strings{"run:table_"}));
  ASSERT_EQ(Contexts.spawns().size(), 1u);
  EXPECT_FALSE(Contexts.spawns().front().JoinLoc.isValid());
}

TEST(ThreadContext, ThreadMemberStartedInAConstructorInitializer) {
  auto AST = parse(R"cpp(
#include <map>
#include <thread>
struct Poller {
  Poller() : thread_([this] { poll(); }) {}
  ~Poller() { thread_.join(); }
  void poll() { for (auto &kv : targets_) (void)kv; }
  std::map<int, int> targets_;
  std::thread thread_;
};
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts), (Strings{"poll:targets_"}));
}

TEST(ThreadContext, MemberFunctionStartedOnAnotherObject) {
  auto AST = parse(R"cpp(
#include <map>
#include <thread>
struct Worker {
  std::map<int, int> table_;
  void run() { table_.clear(); }
};
void f() {
  Worker w;
  std::thread t(&Worker::run, &w);
  t.join();
}
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts), (Strings{"run:w.table_"}));
}

TEST(ThreadContext, PthreadArgumentThroughVoidPointer) {
  auto AST = parse(R"cpp(
#include <map>
#include <pthread.h>
using Map = std::map<int, int>;
void *body(void *arg) {
  auto *m = static_cast<Map *>(arg);
  m->clear();
  return nullptr;
}
void f() {
  Map shared;
  pthread_t t;
  pthread_create(&t, nullptr, body, &shared);
  pthread_join(t, nullptr);
}
)cpp");
  ThreadContexts Contexts;
  EXPECT_EQ(threadSideMaps(*AST, Contexts), (Strings{"body:shared"}));
  ASSERT_EQ(Contexts.spawns().size(), 1u);
  EXPECT_EQ(Contexts.spawns().front().Kind, SpawnKind::PThread);
  EXPECT_TRUE(Contexts.spawns().front().JoinLoc.isValid());
}

TEST(ThreadContext, AsyncPoliciesAndDiscardedFutures) {
  auto AST = parse(R"cpp(
#include <future>
void work();
void f() {
  auto a = std::async(std::launch::async, work);
  auto d = std::async(std::launch::deferred, work);
  std::async(std::launch::async, work);
  auto b = std::async(work);
  a.get();
}
)cpp");
  ThreadContexts Contexts;
  Contexts.build(AST->getASTContext());
  // `work` has no body here: no spawn is recorded for it.
  EXPECT_EQ(Contexts.spawns().size(), 0u);

  auto AST2 = parse(R"cpp(
#include <future>
void work() {}
void f() {
  auto a = std::async(std::launch::async, work);
  auto d = std::async(std::launch::deferred, work);
  std::async(std::launch::async, work);
  auto b = std::async(work);
  a.get();
}
)cpp");
  ThreadContexts Contexts2;
  Contexts2.build(AST2->getASTContext());
  ASSERT_EQ(Contexts2.spawns().size(), 3u);
  EXPECT_EQ(Contexts2.spawns()[0].Handle->getName(), "a");
  EXPECT_FALSE(Contexts2.spawns()[0].WaitedImmediately);
  EXPECT_TRUE(Contexts2.spawns()[1].WaitedImmediately);
  EXPECT_EQ(Contexts2.spawns()[2].Handle->getName(), "b");
  // b's future waits at the end of its scope.
  EXPECT_TRUE(Contexts2.spawns()[2].JoinLoc.isValid());
}

TEST(ThreadContext, OrderAroundSpawnAndJoin) {
  auto AST = parse(R"cpp(
#include <map>
#include <thread>
#include <vector>
void before(); void during(); void after(); void inLoop();
void f(int n) {
  std::map<int, int> m;
  before();
  std::thread t([&] { m.clear(); });
  during();
  t.join();
  after();
}
void g(int n) {
  std::vector<std::thread> pool;
  before();
  for (int i = 0; i < n; ++i) {
    inLoop();
    pool.emplace_back([] {});
  }
  during();
  for (auto &th : pool) th.join();
  after();
}
)cpp");
  ThreadContexts Contexts;
  Contexts.build(AST->getASTContext());
  ASSERT_EQ(Contexts.spawns().size(), 2u);
  auto CallTo = [&](const char *Name, const char *In) {
    return findOne<CallExpr>(*AST,
                             callExpr(callee(functionDecl(hasName(Name))),
                                      hasAncestor(functionDecl(hasName(In))))
                                 .bind("n"));
  };
  const ThreadSpawn &F = Contexts.spawns()[0];
  EXPECT_EQ(Contexts.orderOf(F, CallTo("before", "f")), SpawnOrder::Before);
  EXPECT_EQ(Contexts.orderOf(F, CallTo("during", "f")), SpawnOrder::During);
  EXPECT_EQ(Contexts.orderOf(F, CallTo("after", "f")), SpawnOrder::After);
  const ThreadSpawn &G = Contexts.spawns()[1];
  EXPECT_TRUE(G.Repeated);
  EXPECT_EQ(Contexts.orderOf(G, CallTo("before", "g")), SpawnOrder::Before);
  EXPECT_EQ(Contexts.orderOf(G, CallTo("inLoop", "g")), SpawnOrder::During);
  EXPECT_EQ(Contexts.orderOf(G, CallTo("during", "g")), SpawnOrder::During);
  EXPECT_EQ(Contexts.orderOf(G, CallTo("after", "g")), SpawnOrder::After);

  // The spawner's side of f: itself, and nothing it calls outside the window.
  llvm::ArrayRef<ContextFunction> SpawnerSide = Contexts.spawnerFunctions(F);
  ASSERT_EQ(SpawnerSide.size(), 1u);
  EXPECT_FALSE(SpawnerSide.front().OwnsLocals);
  EXPECT_TRUE(Contexts.isThreadContext(F.Body));
}

TEST(ThreadContext, ConfiguredExecutors) {
  const char *Code = R"cpp(
#include <functional>
#include <map>
struct ThreadPool { void submit(std::function<void()> task); };
std::map<int, int> table;
void f(ThreadPool &pool) {
  pool.submit([] { table.clear(); });
}
)cpp";
  auto AST = parse(Code);
  ThreadContexts Unconfigured;
  Unconfigured.build(AST->getASTContext());
  EXPECT_EQ(Unconfigured.spawns().size(), 0u);

  ThreadContextConfig Config;
  Config.ExecutorFunctions =
      ThreadContexts::parseNameList("::ThreadPool::submit; boost::asio::post");
  ASSERT_EQ(Config.ExecutorFunctions.size(), 2u);
  ThreadContexts Configured(Config);
  EXPECT_EQ(threadSideMaps(*AST, Configured), (Strings{"lambda:table"}));
  ASSERT_EQ(Configured.spawns().size(), 1u);
  EXPECT_EQ(Configured.spawns().front().Kind, SpawnKind::Executor);
  EXPECT_EQ(Configured.spawns().front().EntryName, "ThreadPool::submit");
}

TEST(ThreadContext, SystemHeadersAreNotScanned) {
  auto AST = parse(R"cpp(
#include <future>
#include <thread>
int main() {}
)cpp");
  ThreadContexts Contexts;
  Contexts.build(AST->getASTContext());
  EXPECT_EQ(Contexts.spawns().size(), 0u);
}

TEST(ThreadContext, OwnsMutexAndEndlessLoops) {
  auto AST = parse(R"cpp(
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
struct Locked { std::mutex mu_; };
struct Derived : Locked {};
struct Reader { mutable std::shared_mutex rw_; };
struct Plain { std::map<int, int> m_; };
std::atomic<bool> stop{false};
struct Loops {
  bool running_ = true;
  void f(int n) {
    while (true) {}
    for (;;) {}
    do {} while (1);
    while (running_) {}
    while (!stop.load()) {}
    while (!stop) {}
    while (n > 0) {}
    for (int i = 0; i < n; ++i) {}
    bool local = true;
    while (local) {}
  }
};
)cpp");
  LockTypeRegistry Types;
  auto Record = [&](const char *Name) {
    return findOne<CXXRecordDecl>(
        *AST, cxxRecordDecl(hasName(Name), isDefinition()).bind("n"));
  };
  EXPECT_TRUE(ownsMutex(Record("Locked"), Types));
  EXPECT_TRUE(ownsMutex(Record("Derived"), Types));
  EXPECT_TRUE(ownsMutex(Record("Reader"), Types));
  EXPECT_FALSE(ownsMutex(Record("Plain"), Types));

  auto Loops =
      findAll<Stmt>(*AST, stmt(anyOf(whileStmt(), forStmt(), doStmt()),
                               hasAncestor(cxxMethodDecl(hasName("f"))))
                              .bind("n"));
  std::vector<bool> Endless;
  for (const Stmt *Loop : Loops)
    Endless.push_back(isEndlessLoop(Loop, AST->getASTContext()));
  EXPECT_EQ(Endless, (std::vector<bool>{true, true, true, true, true, true,
                                        false, false, false}));
}

TEST(ThreadContext, OverlapAndMutexOwningClasses) {
  auto AST = parse(R"cpp(
#include <mutex>
#include <thread>
void work() {}
void sequential() {
  std::thread a(work);
  a.join();
  std::thread b(work);
  b.join();
}
void together() {
  std::thread c(work);
  std::thread d(work);
  c.join();
  d.join();
}
void detached() { std::thread(work).detach(); }
struct Guarded { std::mutex mu; void f() {} };
struct Unguarded { int x; };
)cpp");
  ThreadContexts Contexts;
  Contexts.build(AST->getASTContext());
  llvm::ArrayRef<ThreadSpawn> S = Contexts.spawns();
  ASSERT_EQ(S.size(), 5u);
  EXPECT_FALSE(Contexts.mayOverlap(S[0], S[1])); // joined before started
  EXPECT_TRUE(Contexts.mayOverlap(S[2], S[3]));  // both running
  EXPECT_FALSE(Contexts.mayOverlap(S[0], S[2])); // joined in other calls
  EXPECT_TRUE(Contexts.mayOverlap(S[4], S[0]));  // detached: outlives its call
  EXPECT_FALSE(Contexts.mayOverlap(S[0], S[0])); // not in a loop
  LockTypeRegistry Types;
  llvm::ArrayRef<const CXXRecordDecl *> Owners =
      Contexts.mutexOwningClasses(Types);
  ASSERT_EQ(Owners.size(), 1u);
  EXPECT_EQ(Owners.front()->getName(), "Guarded");
  // Every function with a body outside system headers was scanned.
  EXPECT_GE(Contexts.userFunctions().size(), 5u);
}
