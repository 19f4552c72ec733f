// RUN: %check_mapguard -std=c++17-or-later %s mapguard-concurrent-iteration-mutation %t -- -- -pthread

// Thread contexts: std::thread, std::jthread, std::async, pthread_create;
// start and join ordering; captures and arguments.

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <unordered_map>
#include <vector>

std::map<int, int> g_table;

void readTable() {
  int sum = 0;
  for (auto &kv : g_table)
    sum += kv.second;
  (void)sum;
}

// A global iterated by a thread while the spawner inserts.
void globalRace() {
  std::thread t(readTable);
  g_table.insert({1, 2});
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'insert' on 'g_table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  // CHECK-MESSAGES: :[[@LINE-10]]:3: note: 'g_table' is iterated here in the thread started by 'std::thread' in 'globalRace', with no lock held
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the mutation runs in 'globalRace' while the thread it started runs, with no lock held
  // CHECK-MESSAGES: :[[@LINE-5]]:15: note: the thread is started here
  t.join();
}

// Mutations before the start and after the join are ordered with the thread.
void orderedByStartAndJoin() {
  g_table.insert({1, 2});
  std::thread t(readTable);
  t.join();
  g_table.erase(1);
  g_table.clear();
}

// A local captured by reference into a lambda that mutates it while the
// spawner iterates.
void capturedByReference() {
  std::unordered_map<int, int> local;
  std::thread t([&local] { local.erase(3); });
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'erase' on 'local' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  for (auto &kv : local)
    (void)kv;
  t.join();
}

// A by-copy capture is the thread's own map.
void capturedByCopy() {
  std::map<int, int> local;
  std::thread t([local]() mutable {
    for (auto &kv : local)
      (void)kv;
    local.clear();
  });
  local.insert({1, 1});
  t.join();
}

// Maps local to a thread body, even when the body runs several times.
void localToEachThread() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([] {
      std::map<int, int> mine;
      mine.insert({1, 1});
      for (auto &kv : mine)
        (void)kv;
    });
  for (auto &t : pool)
    t.join();
}

// std::async with a launch::async policy runs concurrently until get().
void asyncRace() {
  auto f = std::async(std::launch::async, readTable);
  g_table.erase(5);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'g_table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  f.get();
  g_table.erase(6);
}

// launch::deferred runs in get(); a discarded future waits at once.
void asyncOrdered() {
  auto d = std::async(std::launch::deferred, readTable);
  g_table.erase(5);
  d.get();
  std::async(std::launch::async, readTable);
  g_table.erase(7);
}

// pthread_create with the map passed through void*.
void *pthreadBody(void *arg) {
  auto *table = static_cast<std::map<int, int> *>(arg);
  for (auto it = table->begin(); it != table->end(); ++it)
    (void)it;
  return nullptr;
}

void pthreadRace() {
  std::map<int, int> shared;
  pthread_t t;
  pthread_create(&t, nullptr, pthreadBody, &shared);
  shared[1] = 2;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'operator[]' on 'shared' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  pthread_join(t, nullptr);
  shared[3] = 4;
}

// Arguments bound with std::ref and by pointer reach the same map.
void iterateRef(std::map<int, int> &m) {
  for (const auto &kv : m)
    (void)kv;
}
void iteratePtr(const std::map<int, int> *m) {
  for (const auto &kv : *m)
    (void)kv;
}

void refArgumentRace() {
  std::map<int, int> shared;
  std::thread t(iterateRef, std::ref(shared));
  shared.erase(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'shared' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

void pointerArgumentRace() {
  std::map<int, int> shared;
  std::thread t(iteratePtr, &shared);
  shared.clear();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'clear' on 'shared' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// std::thread copies an argument that is not wrapped in std::ref.
void iterateConstRef(const std::map<int, int> &m) {
  for (const auto &kv : m)
    (void)kv;
}
void copiedArgument(std::map<int, int> shared) {
  std::thread t(iterateConstRef, shared);
  shared.clear();
  t.join();
}

// Two threads started together: one iterates, the other mutates.
std::unordered_map<int, int> g_index;
void twoThreads() {
  std::thread reader([] {
    for (auto &kv : g_index)
      (void)kv;
  });
  std::thread writer([] { g_index.insert_or_assign(1, 2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'insert_or_assign' on 'g_index' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  reader.join();
  writer.join();
}

// The first thread is joined before the second starts.
void sequentialThreads() {
  std::thread reader([] {
    for (auto &kv : g_index)
      (void)kv;
  });
  reader.join();
  std::thread writer([] { g_index.erase(1); });
  writer.join();
}

// Several instances of one body: each iterates while another mutates.
void repeatedBody() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([i] {
      for (auto &kv : g_index)
        (void)kv;
      g_index.try_emplace(i, i);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'try_emplace' on 'g_index' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
    });
  for (auto &t : pool)
    t.join();
}

// Both sides hold the same mutex.
std::mutex g_mu;
void lockedBothSides() {
  std::thread t([] {
    std::lock_guard<std::mutex> lock(g_mu);
    for (auto &kv : g_table)
      (void)kv;
  });
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_table.erase(2);
  }
  t.join();
}

// The thread iterates through a function it calls.
void callsReader() { readTable(); }
void throughCallee() {
  std::thread t(callsReader);
  g_table.clear();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'clear' on 'g_table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// The spawner mutates through a function it calls while the thread runs.
void clearTable() { g_table.clear(); }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'clear' on 'g_table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
// CHECK-MESSAGES: :[[@LINE-2]]:21: note: the mutation runs in 'spawnerCallee' while the thread it started runs (through 'clearTable'), with no lock held
void spawnerCallee() {
  std::thread t(readTable);
  clearTable();
  t.join();
}

// The spawner mutates through a local reference alias.
void aliasInSpawner() {
  std::thread t(readTable);
  auto &alias = g_table;
  alias.erase(9);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'g_table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// The thread only reads (find, count, at): no iteration races.
void readersOnly() {
  std::thread t([] { (void)g_table.count(1); (void)g_table.find(2); });
  g_table.insert({1, 1});
  t.join();
}
