// RUN: %check_mapguard -std=c++20-or-later %s mapguard-escaping-allocation %t -- \
// RUN:   -config="{CheckOptions: {ThreadEntryFunctions: '::Pool::submit;::post'}}"

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>
#include <pthread.h>

using Table = std::map<std::string, int>;
void use(Table &);
void useConst(const Table &);
void *worker(void *);

struct Pool {
  std::future<void> submit(std::function<void()> task);
};
void post(std::function<void()> task);

Table *g_table;
std::function<void()> g_callback;

// ---- positives --------------------------------------------------------------

class Service {
public:
  void detachedThread() {
    Table local;
    std::thread t([&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: local map 'local' is captured by reference by code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--2]]:7: note: the thread is detached here
    // CHECK-MESSAGES: :[[@LINE--2]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
    t.detach();
  }
  void detachedTemporary() {
    Table local;
    std::thread([&local] { use(local); }).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: local map 'local' is captured by reference by code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:43: note: the thread is detached here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
  }
  void storedCallback() {
    Table local;
    callback_ = [&] { use(local); };
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: local map 'local' is captured by reference by a lambda stored in member 'callback_', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
  }
  void storedAddress() {
    Table local;
    cache_ = &local;
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: the address of local map 'local' is stored in member 'cache_', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; pass a copy, or move it, or give it shared ownership (std::make_shared)
  }
  void storedInMemberContainer() {
    Table local;
    pending_.push_back([&local] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: local map 'local' is captured by reference by a lambda stored in an element of member 'pending_', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
  }
  void threadsNeverJoined() {
    Table local;
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; ++i)
      workers.emplace_back([&] { use(local); });
      // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: local map 'local' is captured by reference by code run on the threads of 'workers', which are not joined before 'local' goes out of scope [mapguard-escaping-allocation]
      // CHECK-MESSAGES: :[[@LINE-2]]:7: note: started with 'std::thread' here
      // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
  }
  void memberThread() {
    Table local;
    worker_ = std::thread([&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: local map 'local' is captured by reference by code run on thread 'worker_', which is not joined before 'local' goes out of scope [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:15: note: started with 'std::thread' here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
  }
  void memberThreadJoinedTooLate() {
    Table local;
    worker_ = std::thread([&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:37: warning: local map 'local' is captured by reference by code run on thread 'worker_', which is not joined before 'local' goes out of scope [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:15: note: started with 'std::thread' here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
  }
  void joinWorker() { worker_.join(); } // after the map is gone
  void referenceWrapperToThread() {
    Table local;
    std::thread t(use, std::ref(local));
    // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: a reference to local map 'local' is passed to code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--2]]:7: note: the thread is detached here
    // CHECK-MESSAGES: :[[@LINE--2]]:3: note: 'local' is destroyed here; pass a copy, or move it, or join the thread before this point
    t.detach();
  }
  void lambdaHeldInVariable() {
    Table local;
    auto work = [&] { use(local); };
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: local map 'local' is captured by reference by code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--3]]:7: note: the thread is detached here
    // CHECK-MESSAGES: :[[@LINE--3]]:3: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
    std::thread t(work);
    t.detach();
  }
  void pointerAliasCaptured() {
    Table local;
    Table *p = &local;
    callback_ = [p] { use(*p); };
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: a pointer to local map 'local' is captured by a lambda stored in member 'callback_', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
  }
  void pointerAliasStored() {
    Table local;
    Table *p = &local;
    cache_ = p;
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: the address of local map 'local' is stored in member 'cache_', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; pass a copy, or move it, or give it shared ownership (std::make_shared)
  }
  void executorTask(Pool &pool) {
    Table local;
    pool.submit([&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: local map 'local' is captured by reference by code run as a task handed to 'Pool::submit', which may run after 'local' goes out of scope [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: started with 'Pool::submit' here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or wait for the result before this point
  }
  void freeExecutorTask() {
    Table local;
    post([&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: local map 'local' is captured by reference by code run as a task handed to 'post', which may run after 'local' goes out of scope [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:5: note: started with 'post' here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or wait for the result before this point
  }
  void asyncFutureInMember() {
    Table local;
    future_ = std::async(std::launch::async, [&] { use(local); });
    // CHECK-MESSAGES: :[[@LINE-1]]:56: warning: local map 'local' is captured by reference by code run with 'std::async' whose future 'future_' is not waited for before 'local' goes out of scope [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE-2]]:15: note: started with 'std::async' here
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or wait for the result before this point
  }
  void rawOwnedLocal() {
    Table *t = new Table;
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: map allocated with 'new' is owned by raw pointer 't'; hold it by value, in a std::unique_ptr, or make it with std::make_shared [mapguard-escaping-allocation]
    use(*t);
    delete t;
  }
  Service() : table_(new Table) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: map allocated with 'new' is owned by raw pointer member 'table_'; hold it by value, in a std::unique_ptr, or make it with std::make_shared [mapguard-escaping-allocation]

private:
  std::function<void()> callback_;
  Table *cache_ = nullptr;
  std::vector<std::function<void()>> pending_;
  std::thread worker_;
  std::future<void> future_;
  Table *table_;
  std::unordered_map<int, int> *index_ = new std::unordered_map<int, int>;
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: map allocated with 'new' is owned by raw pointer member 'index_'; hold it by value, in a std::unique_ptr, or make it with std::make_shared [mapguard-escaping-allocation]
};

void storedInGlobal() {
  Table local;
  g_table = &local;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the address of local map 'local' is stored in global 'g_table', which outlives it [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE--1]]:1: note: 'local' is destroyed here; pass a copy, or move it, or give it shared ownership (std::make_shared)
}

void callbackInGlobal() {
  Table local;
  g_callback = [&local] { use(local); };
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: local map 'local' is captured by reference by a lambda stored in global 'g_callback', which outlives it [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE--1]]:1: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
}

void storedThroughParameter(std::function<void()> &out) {
  Table local;
  out = [&] { use(local); };
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: local map 'local' is captured by reference by a lambda stored in 'out', reached through a parameter, which outlives it [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE--1]]:1: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
}

void storedInOuterLocal() {
  std::function<void()> later;
  {
    Table local;
    later = [&] { use(local); };
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: local map 'local' is captured by reference by a lambda stored in 'later', declared outside the scope of 'local', which outlives it [mapguard-escaping-allocation]
    // CHECK-MESSAGES: :[[@LINE--1]]:3: note: 'local' is destroyed here; capture it by value or by move, or give it shared ownership (std::make_shared)
  }
  later();
}

void pthreadDetached() {
  Table local;
  pthread_t tid;
  pthread_create(&tid, nullptr, worker, &local);
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: the address of local map 'local' is passed to code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE--2]]:3: note: the thread is detached here
  // CHECK-MESSAGES: :[[@LINE--2]]:1: note: 'local' is destroyed here; pass a copy, or move it, or join the thread before this point
  pthread_detach(tid);
}

void pthreadNeverJoined() {
  Table local;
  pthread_t tid;
  pthread_create(&tid, nullptr, worker, &local);
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: the address of local map 'local' is passed to code run on thread 'tid', which is not joined before 'local' goes out of scope [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE-2]]:3: note: started with 'pthread_create' here
  // CHECK-MESSAGES: :[[@LINE--1]]:1: note: 'local' is destroyed here; pass a copy, or move it, or join the thread before this point
}

std::function<int()> returnedThroughFunction() {
  Table local;
  return [&] { return static_cast<int>(local.size()); };
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: local map 'local' is captured by reference by a returned lambda [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE-3]]:9: note: 'local' is declared here; return the map by value, or give it shared ownership (std::make_shared)
}

std::function<int()> explicitCaptureThroughFunction() {
  Table local;
  return [&local] { return static_cast<int>(local.size()); };
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: local map 'local' is captured by reference by a returned lambda [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE-3]]:9: note: 'local' is declared here; return the map by value, or give it shared ownership (std::make_shared)
}

std::reference_wrapper<Table> returnedReferenceWrapper() {
  Table local;
  return std::ref(local);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: a reference to local map 'local' is returned [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE-3]]:9: note: 'local' is declared here; return the map by value, or give it shared ownership (std::make_shared)
}

Table *returnedPointerAlias() {
  Table local;
  Table *p = &local;
  return p;
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: the address of local map 'local' is returned [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE-4]]:9: note: 'local' is declared here; return the map by value, or give it shared ownership (std::make_shared)
}

Table *returnedRawNew() { return new Table; }
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: map allocated with 'new' is returned as an owning raw pointer; return it by value or as a std::unique_ptr [mapguard-escaping-allocation]

void byValueParameter(Table local) {
  std::thread t([&] { use(local); });
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: local map 'local' is captured by reference by code run on a detached thread, which may still use 'local' after it is destroyed [mapguard-escaping-allocation]
  // CHECK-MESSAGES: :[[@LINE--2]]:5: note: the thread is detached here
  // CHECK-MESSAGES: :[[@LINE--2]]:1: note: 'local' is destroyed here; capture it by value or by move, or join the thread before this point
  t.detach();
}

// ---- negatives --------------------------------------------------------------

void joined() {
  Table local;
  std::thread t([&] { use(local); });
  t.join();
}

void joinedIfJoinable() {
  Table local;
  std::thread t([&] { use(local); });
  if (t.joinable())
    t.join();
}

void capturedByValue() {
  Table local;
  std::thread t([local] { useConst(local); });
  t.detach();
}

void capturedByMove() {
  Table local;
  std::thread t([moved = std::move(local)]() mutable { use(moved); });
  t.detach();
}

void threadArgumentCopied() {
  Table local;
  std::thread t(useConst, local);
  t.detach();
}

void workersJoined() {
  Table local;
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&] { use(local); });
  for (auto &w : workers)
    w.join();
}

#ifdef __cpp_lib_jthread // libc++ 19 keeps std::jthread experimental
void jthreadDeclaredAfter() {
  Table local;
  std::jthread t([&] { use(local); });
}
#endif

void asyncFutureLocal() {
  Table local;
  auto done = std::async(std::launch::async, [&] { use(local); });
}

void asyncDiscarded() {
  Table local;
  std::async(std::launch::async, [&] { use(local); });
}

void executorWaited(Pool &pool) {
  Table local;
  pool.submit([&] { use(local); }).get();
}

void joinedElsewhere(std::thread &t);
void handleHandedOn() {
  Table local;
  std::thread t([&] { use(local); });
  joinedElsewhere(t);
}

void pthreadJoined() {
  Table local;
  pthread_t tid;
  pthread_create(&tid, nullptr, worker, &local);
  pthread_join(tid, nullptr);
}

static Table s_table;
void staticMapCaptured() {
  std::thread t([&] { use(s_table); });
  t.detach();
}

void localCallbackOnly() {
  Table local;
  std::function<void()> cb = [&] { use(local); };
  cb();
}

void calledImmediately() {
  Table local;
  [&] { use(local); }();
}

void localPointer() {
  Table local;
  Table *p = &local;
  use(*p);
}

Table returnedByValue() {
  Table local;
  return local;
}

std::unique_ptr<Table> smartPointer() {
  auto a = std::make_unique<Table>();
  std::unique_ptr<Table> b(new Table);
  std::shared_ptr<Table> c(new Table);
  b.reset(new Table);
  return b;
}

void rawHandedToSmartPointer() {
  Table *raw = new Table;
  std::unique_ptr<Table> owner(raw);
}

Table &neverDestroyed() {
  static Table &instance = *new Table;
  static Table *pointer = new Table;
  return *pointer;
}

void notAMap() {
  std::vector<int> v;
  std::thread t([&] { v.push_back(1); });
  t.detach();
}

void storedInLocalOfSameScope() {
  Table local;
  std::function<void()> later;
  later = [&] { use(local); };
  later();
}
