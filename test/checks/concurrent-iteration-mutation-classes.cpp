// RUN: %check_mapguard -std=c++17-or-later %s mapguard-concurrent-iteration-mutation %t -- -- -pthread
// RUN: %check_mapguard -std=c++17 -check-suffix=NORULE %s mapguard-concurrent-iteration-mutation %t -- -config="{CheckOptions: {mapguard-concurrent-iteration-mutation.ClassOwnsMutexRule: false, mapguard-concurrent-iteration-mutation.ReportEscapingReferences: false}}" -- -pthread

// Classes that own a mutex: their methods may run concurrently with each
// other. Maps escaping their lock through accessors. Snapshots, templates,
// aliases.

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

// One method locks to mutate, another iterates without the lock.
class Cache {
public:
  void put(const std::string &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = v;
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'operator[]' on 'entries_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  }
  int total() const {
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }

private:
  mutable std::mutex mu_;
  std::map<std::string, int> entries_;
};

// Every method locks the same mutex (const readers too).
class LockedCache {
public:
  void put(const std::string &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = v;
  }
  void drop(const std::string &k) {
    std::unique_lock<std::mutex> lock(mu_);
    entries_.erase(k);
  }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }

private:
  mutable std::mutex mu_;
  std::map<std::string, int> entries_;
};

// No mutex and no thread handoff: confined to one thread.
class Plain {
public:
  void put(int k) { entries_[k] = k; }
  int total() const {
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }

private:
  std::map<int, int> entries_;
};

// A snapshot copied under the lock is iterated without it.
class Snapshotting {
public:
  void put(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = k;
  }
  int total() const {
    std::map<int, int> copy;
    {
      std::lock_guard<std::mutex> lock(mu_);
      copy = entries_;
    }
    int sum = 0;
    for (const auto &kv : copy)
      sum += kv.second;
    return sum;
  }
  std::map<int, int> snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

private:
  mutable std::mutex mu_;
  std::map<int, int> entries_;
};

// The mutex guards something else; the map is never locked anywhere.
class Unrelated {
public:
  void put(int k) { entries_[k] = k; }
  int total() const {
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }
  void bump() {
    std::lock_guard<std::mutex> lock(mu_);
    ++counter_;
  }

private:
  std::mutex mu_;
  int counter_ = 0;
  std::map<int, int> entries_;
};

// The constructor runs before the object is shared.
class Prefilled {
public:
  Prefilled() { entries_.insert({1, 1}); }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }

private:
  mutable std::mutex mu_;
  std::map<int, int> entries_;
};

// Accessors handing out the guarded map.
class Registry {
public:
  void add(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.emplace(k, k);
  }
  const std::unordered_map<int, int> &items() const { return items_; }
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: 'items' returns a reference to 'items_', which 'Registry' mutates under a lock; callers iterate it without that lock [mapguard-concurrent-iteration-mutation]
  std::unordered_map<int, int> *itemsPtr() { return &items_; }
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'itemsPtr' returns a pointer to 'items_', which 'Registry' mutates under a lock; callers iterate it without that lock [mapguard-concurrent-iteration-mutation]
  std::unordered_map<int, int>::const_iterator begin() const { return items_.begin(); }
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: 'begin' returns an iterator into 'items_', which 'Registry' mutates under a lock; callers iterate it without that lock [mapguard-concurrent-iteration-mutation]
  std::unordered_map<int, int> copy() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }

  // A locked view: the guard travels with the reference.
  struct Locked {
    std::unique_lock<std::mutex> lock;
    const std::unordered_map<int, int> &items;
  };
  Locked locked() const { return {std::unique_lock<std::mutex>(mu_), items_}; }

private:
  const std::unordered_map<int, int> &raw() const { return items_; }
  mutable std::mutex mu_;
  std::unordered_map<int, int> items_;
};

// A reader lock for iteration, and a writer that also takes only the reader
// lock.
class Directory {
public:
  int count() const {
    std::shared_lock<std::shared_mutex> lock(rw_);
    int n = 0;
    for (const auto &kv : names_)
      n += kv.second;
    return n;
  }
  void rename(int k) {
    std::shared_lock<std::shared_mutex> lock(rw_);
    names_.erase(k);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'names_' mutates it holding only a shared lock of 'rw_', while readers iterate it under the same lock [mapguard-concurrent-iteration-mutation]
    // CHECK-MESSAGES-NORULE: :[[@LINE-2]]:5: warning: 'erase' on 'names_' mutates it holding only a shared lock of 'rw_', while readers iterate it under the same lock [mapguard-concurrent-iteration-mutation]
  }
  void add(int k) {
    std::unique_lock<std::shared_mutex> lock(rw_);
    names_[k] = k;
  }

private:
  mutable std::shared_mutex rw_;
  std::map<int, int> names_;
};

// A class template.
template <class Key> class Table {
public:
  void set(const Key &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.insert_or_assign(k, v);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'insert_or_assign' on 'rows_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  }
  void dump() {
    for (auto &kv : rows_)
      (void)kv;
  }
  void dumpLocked() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &kv : rows_)
      (void)kv;
  }

private:
  std::mutex mu_;
  std::map<Key, int> rows_;
};

// GUARDED_BY declares the intent even where nobody locks.
class __attribute__((capability("mutex"))) Mutex {
public:
  void lock() __attribute__((acquire_capability()));
  void unlock() __attribute__((release_capability()));
};
class Annotated {
public:
  void add(int k) { values_.insert({k, k}); }
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'insert' on 'values_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  void walk() {
    for (auto &kv : values_)
      (void)kv;
  }

private:
  Mutex mu_;
  std::map<int, int> values_ __attribute__((guarded_by(mu_)));
};

// A worker thread started by the object, iterating through a reference
// alias without the lock, while a method mutates under the lock.
class Worker {
public:
  void start() {
    thread_ = std::thread([this] { scan(); });
  }
  void update(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(k);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'jobs_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  }

private:
  void scan() {
    auto &jobs = jobs_;
    for (auto it = jobs.begin(); it != jobs.end(); ++it)
      (void)it;
  }
  std::mutex mu_;
  std::unordered_map<int, int> jobs_;
  std::thread thread_;
};

// The same worker, its thread started in a member initializer.
class InitializerWorker {
public:
  InitializerWorker() : thread_([this] { scan(); }) {}
  ~InitializerWorker() { thread_.join(); }
  void update(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(k);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'jobs_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
    // CHECK-MESSAGES: :[[@LINE+7]]:5: note: 'jobs_' is iterated here in the thread started by 'std::thread' in 'InitializerWorker::InitializerWorker' (through 'InitializerWorker::scan'), with no lock held
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: the mutation runs in 'InitializerWorker::update', which may run concurrently with the other methods of 'InitializerWorker' (it owns a mutex), holding 'mu_'
    // CHECK-MESSAGES: :[[@LINE-8]]:25: note: the thread is started here
  }

private:
  void scan() {
    for (auto &kv : jobs_)
      (void)kv;
  }
  std::mutex mu_;
  std::map<int, int> jobs_;
  std::thread thread_;
};
