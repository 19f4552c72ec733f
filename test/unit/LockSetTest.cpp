//===- LockSetTest.cpp ----------------------------------------------------===//

#include "LockSet.h"
#include "ASTFixture.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;
using namespace clang::ast_matchers;
using namespace mapguard::analysis;
using mapguard::testing::findAll;
using mapguard::testing::parse;

namespace {

/// Renders a lock set as "name:X name:S ?:X" in a stable order.
std::string render(const std::optional<LockSet> &Set) {
  if (!Set)
    return "<none>";
  std::vector<std::string> Parts;
  for (const HeldLock &Lock : Set->locks())
    Parts.push_back((Lock.Mutex ? Lock.Mutex->name() : std::string("?")) +
                    (Lock.isShared() ? ":S" : ":X"));
  std::sort(Parts.begin(), Parts.end());
  std::string Result;
  for (const std::string &Part : Parts)
    Result += (Result.empty() ? "" : " ") + Part;
  return Result;
}

/// The lock sets at every call `here(N)` in the code, in order of N.
std::vector<std::string> locksAtProbes(const std::string &Code,
                                       const std::string &Std = "c++17",
                                       LockSetLimits Limits = {},
                                       const char *GuardTypes = "") {
  std::string Full = "void here(int);\n" + Code;
  auto AST = parse(Full, Std);
  std::vector<std::string> Result;
  if (!AST)
    return Result;
  LockTypeRegistry Types;
  Types.addGuardTypes(GuardTypes);
  LockSetAnalysis Analysis(Types, Limits);
  auto Calls = findAll<CallExpr>(
      *AST, callExpr(callee(functionDecl(hasName("here"))),
                     hasAncestor(functionDecl(isDefinition()).bind("f")))
                .bind("n"));
  auto Functions = findAll<FunctionDecl>(
      *AST, callExpr(callee(functionDecl(hasName("here"))),
                     hasAncestor(functionDecl(isDefinition()).bind("n"))));
  std::vector<std::pair<int64_t, std::string>> Ordered;
  for (size_t I = 0; I < Calls.size(); ++I) {
    const auto *Literal =
        dyn_cast<IntegerLiteral>(Calls[I]->getArg(0)->IgnoreParenImpCasts());
    int64_t N = Literal ? Literal->getValue().getSExtValue() : -1;
    Ordered.emplace_back(N,
                         render(Analysis.locksHeldAt(Functions[I], Calls[I])));
  }
  std::sort(Ordered.begin(), Ordered.end());
  for (auto &[N, Text] : Ordered)
    Result.push_back(Text);
  return Result;
}

using Strings = std::vector<std::string>;

} // namespace

TEST(LockSet, LockGuardHoldsUntilItsScopeEnds) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
std::mutex mu;
void f() {
  here(0);
  {
    std::lock_guard<std::mutex> g(mu);
    here(1);
  }
  here(2);
}
)cpp"),
            (Strings{"", "mu:X", ""}));
}

TEST(LockSet, UniqueLockUnlockAndRelockInBranches) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
struct S {
  std::mutex mu_;
  void f(bool c) {
    std::unique_lock<std::mutex> lk(mu_);
    here(0);
    lk.unlock();
    here(1);
    lk.lock();
    here(2);
    if (c)
      lk.unlock();
    here(3);
    if (!lk.owns_lock())
      lk.lock();
    here(4);
  }
};
)cpp"),
            (Strings{"mu_:X", "", "mu_:X", "", "mu_:X"}));
}

TEST(LockSet, DeferTryAndAdopt) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
std::mutex a, b;
void f() {
  std::unique_lock<std::mutex> d(a, std::defer_lock);
  here(0);
  d.lock();
  here(1);
}
void g() {
  std::unique_lock<std::mutex> t(a, std::try_to_lock);
  here(2);
  if (t.owns_lock())
    here(3);
  if (b.try_lock()) {
    here(4);
    b.unlock();
  }
  here(5);
}
void h() {
  a.lock();
  std::lock_guard<std::mutex> g(a, std::adopt_lock);
  here(6);
}
)cpp"),
            (Strings{"", "a:X", "", "a:X", "b:X", "", "a:X"}));
}

TEST(LockSet, ScopedLockSharedLockAndManualCalls) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
#include <shared_mutex>
std::mutex a, b;
std::shared_mutex rw;
void f() {
  {
    std::scoped_lock lk(a, b);
    here(0);
  }
  {
    std::shared_lock<std::shared_mutex> r(rw);
    here(1);
  }
  rw.lock_shared();
  here(2);
  rw.unlock_shared();
  a.lock();
  here(3);
  a.unlock();
  here(4);
  std::lock(a, b);
  here(5);
}
)cpp"),
            (Strings{"a:X b:X", "rw:S", "rw:S", "a:X", "", "a:X b:X"}));
}

TEST(LockSet, TemporaryGuardsEndWithTheirFullExpression) {
  const char *Code = R"cpp(
#include <map>
#include <mutex>
std::mutex mu;
template <class T> struct Locked {
  T *Value;
  std::unique_lock<std::mutex> Lock;
  T &operator*() { return *Value; }
};
struct Table {
  std::map<int, int> m;
  Locked<std::map<int, int>> lock() { return {&m, std::unique_lock<std::mutex>(mu)}; }
};
void f(Table &t) {
  std::lock_guard<std::mutex>{mu};
  here(0);
  for (auto &kv : *t.lock())
    here(1);
}
)cpp";
  // The temporary in the range-for initializer is gone before the body.
  EXPECT_EQ(locksAtProbes(Code), (Strings{"", ""}));
}

TEST(LockSet, MovedGuardKeepsTheLock) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
#include <utility>
std::mutex mu;
void f() {
  std::unique_lock<std::mutex> a(mu);
  std::unique_lock<std::mutex> b(std::move(a));
  here(0);
  b.unlock();
  here(1);
  std::unique_lock<std::mutex> c;
  c = std::unique_lock<std::mutex>(mu);
  here(2);
}
)cpp"),
            (Strings{"mu:X", "", "mu:X"}));
}

TEST(LockSet, ProjectGuardsByShapeAndConfiguration) {
  EXPECT_EQ(locksAtProbes(R"cpp(
namespace port {
class Mutex {
public:
  void Lock();
  void Unlock();
};
} // namespace port
class MutexLock {
public:
  explicit MutexLock(port::Mutex *mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() { mu_->Unlock(); }
private:
  port::Mutex *mu_;
};
struct Guarded { int x; };
struct Holder {
  Holder(Guarded &);
  ~Holder();
};
struct DB {
  port::Mutex mutex_;
  Guarded g_;
  void f() {
    MutexLock l(&mutex_);
    here(0);
  }
  void g() {
    mutex_.Lock();
    here(1);
    mutex_.Unlock();
    Holder h(g_);
    here(2);
  }
};
)cpp",
                          "c++17", {}, "Holder"),
            (Strings{"mutex_:X", "mutex_:X", ""}));
}

TEST(LockSet, ThreadSafetyAttributes) {
  EXPECT_EQ(locksAtProbes(R"cpp(
struct __attribute__((capability("mutex"))) Mu {
  void Lock() __attribute__((acquire_capability()));
  void Unlock() __attribute__((release_capability()));
  void ReaderLock() __attribute__((acquire_shared_capability()));
  void ReaderUnlock() __attribute__((release_shared_capability()));
};
struct C {
  Mu mu_;
  void held() __attribute__((requires_capability(mu_))) { here(0); }
  void f() {
    mu_.Lock();
    here(1);
    mu_.Unlock();
    mu_.ReaderLock();
    here(2);
    mu_.ReaderUnlock();
    here(3);
  }
};
)cpp"),
            (Strings{"mu_:X", "mu_:X", "mu_:S", ""}));
}

TEST(LockSet, PrivateHelperInheritsTheLocksOfAllItsCallers) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
class C {
public:
  void a() { std::lock_guard<std::mutex> g(mu_); helper(); }
  void b() { std::lock_guard<std::mutex> g(mu_); std::lock_guard<std::mutex> h(other_); helper(); }
  void c() { mixed(); std::lock_guard<std::mutex> g(mu_); mixed(); }
private:
  void helper() { here(0); }
  void mixed() { here(1); }
  std::mutex mu_, other_;
};
)cpp"),
            (Strings{"mu_:X", ""}));
}

TEST(LockSet, GuardPassedByReference) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
void unknownCaller(std::unique_lock<std::mutex> &lk) { here(0); }
class C {
public:
  void a() { std::unique_lock<std::mutex> lk(mu_); step(lk); }
private:
  void step(std::unique_lock<std::mutex> &lk) { here(1); }
  std::mutex mu_;
};
)cpp"),
            (Strings{"?:X", "mu_:X"}));
}

TEST(LockSet, UnnamedMutexIsUnresolved) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
std::mutex &getMutex();
void f() {
  std::lock_guard<std::mutex> g(getMutex());
  here(0);
}
)cpp"),
            (Strings{"?:X"}));
}

TEST(LockSet, GivesUpBeyondTheBlockLimit) {
  LockSetLimits Tiny;
  Tiny.MaxBlocks = 3;
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
std::mutex mu;
void f(int n) {
  std::lock_guard<std::mutex> g(mu);
  for (int i = 0; i < n; ++i)
    if (i % 2)
      here(0);
}
)cpp",
                          "c++17", Tiny),
            (Strings{"<none>"}));
}

TEST(LockSet, LoopsReachAFixpoint) {
  EXPECT_EQ(locksAtProbes(R"cpp(
#include <mutex>
std::mutex mu;
void f(int n) {
  std::unique_lock<std::mutex> lk(mu);
  for (int i = 0; i < n; ++i) {
    here(0);
    lk.unlock();
    here(1);
    lk.lock();
  }
  here(2);
  while (n--) {
    lk.unlock();
  }
  here(3);
}
)cpp"),
            (Strings{"mu:X", "", "mu:X", ""}));
}

TEST(LockSetTypes, RecognisesMutexesAndGuards) {
  auto AST = parse(R"cpp(
#include <mutex>
#include <shared_mutex>
struct Spin { void lock(); void unlock(); };
std::mutex a; std::shared_mutex b; std::recursive_mutex c; Spin d;
std::lock_guard<std::mutex> *e; std::shared_lock<std::shared_mutex> *f;
std::unique_lock<std::mutex> *g; int h;
)cpp");
  LockTypeRegistry Types;
  auto TypeOf = [&](const char *Name) {
    auto Vars = findAll<VarDecl>(*AST, varDecl(hasName(Name)).bind("n"));
    QualType T = Vars.empty() ? QualType() : Vars.front()->getType();
    return T->isPointerType() ? T->getPointeeType() : T;
  };
  EXPECT_TRUE(Types.isMutex(TypeOf("a")));
  EXPECT_FALSE(Types.isSharedMutex(TypeOf("a")));
  EXPECT_TRUE(Types.isSharedMutex(TypeOf("b")));
  EXPECT_TRUE(Types.isMutex(TypeOf("c")));
  EXPECT_TRUE(Types.isMutex(TypeOf("d")));
  EXPECT_FALSE(Types.isMutex(TypeOf("g")));
  EXPECT_FALSE(Types.isMutex(TypeOf("h")));
  EXPECT_EQ(Types.guardKind(TypeOf("e")), LockKind::Exclusive);
  EXPECT_EQ(Types.guardKind(TypeOf("f")), LockKind::Shared);
  EXPECT_EQ(Types.guardKind(TypeOf("g")), LockKind::Exclusive);
  EXPECT_FALSE(Types.guardKind(TypeOf("a")));
}
