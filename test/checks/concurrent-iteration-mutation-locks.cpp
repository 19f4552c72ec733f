// RUN: %check_mapguard -std=c++17-or-later %s mapguard-concurrent-iteration-mutation %t -- -- -pthread

// Lock sets on both sides: guards, unique_lock ordering, scoped_lock,
// shared_lock, manual calls, helpers called under a lock, project guards
// and Clang thread-safety attributes.

#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

std::map<int, int> table;
std::mutex mu;
std::mutex other;

void iterateLocked() {
  std::lock_guard<std::mutex> lock(mu);
  for (auto &kv : table)
    (void)kv;
}

// The thread locks, the spawner does not.
void lockedOnOneSide() {
  std::thread t(iterateLocked);
  table.erase(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// The same mutex on both sides.
void lockedOnBothSides() {
  std::thread t(iterateLocked);
  {
    std::lock_guard<std::mutex> lock(mu);
    table.erase(1);
  }
  t.join();
}

// Different mutexes protect nothing.
void differentMutexes() {
  std::thread t(iterateLocked);
  std::lock_guard<std::mutex> lock(other);
  table.erase(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// An access after unlock() holds nothing.
void afterUnlock() {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> lock(mu);
  table.erase(3);
  lock.unlock();
  table.erase(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  lock.lock();
  table.erase(5);
  t.join();
}

// unlock() in one branch: the lock is not certainly held after it.
void unlockInBranch(bool early) {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> lock(mu);
  if (early)
    lock.unlock();
  table.insert({6, 6});
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'insert' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// Relocked on every path.
void relockedOnEveryPath(bool early) {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> lock(mu);
  if (early) {
    lock.unlock();
    lock.lock();
  }
  table.insert({6, 6});
  t.join();
}

// defer_lock, then std::lock of two deferred locks.
void deferredThenLocked() {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> a(mu, std::defer_lock);
  std::unique_lock<std::mutex> b(other, std::defer_lock);
  std::lock(a, b);
  table.erase(7);
  t.join();
}

// defer_lock without locking holds nothing.
void deferredNeverLocked() {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> a(mu, std::defer_lock);
  table.erase(7);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// scoped_lock of several mutexes, one of them the iteration's.
void scopedLockOfTwo() {
  std::thread t(iterateLocked);
  std::scoped_lock lock(other, mu);
  table.clear();
  t.join();
}

// A guard scope that has ended holds nothing.
void scopeEnded() {
  std::thread t(iterateLocked);
  {
    std::lock_guard<std::mutex> lock(mu);
    table.erase(8);
  }
  table.erase(9);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// A temporary guard lives only to the end of its full-expression.
void temporaryGuard() {
  std::thread t(iterateLocked);
  std::lock_guard<std::mutex>{mu};
  table.erase(10);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// Manual lock()/unlock() in straight-line code.
void manualCalls() {
  std::thread t(iterateLocked);
  mu.lock();
  table.erase(11);
  mu.unlock();
  table.erase(12);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// try_lock() in a condition: held on the true edge only.
void tryLock() {
  std::thread t(iterateLocked);
  if (mu.try_lock()) {
    table.erase(13);
    mu.unlock();
  }
  if (!mu.try_lock())
    table.erase(14);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'table' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// adopt_lock takes over a mutex locked by hand.
void adopted() {
  std::thread t(iterateLocked);
  mu.lock();
  std::lock_guard<std::mutex> lock(mu, std::adopt_lock);
  table.erase(15);
  t.join();
}

// A moved unique_lock keeps the lock in its new owner.
void movedLock() {
  std::thread t(iterateLocked);
  std::unique_lock<std::mutex> first(mu);
  std::unique_lock<std::mutex> second(std::move(first));
  table.erase(16);
  t.join();
}

// Readers and writers of a shared_mutex.
std::unordered_map<int, int> registry;
std::shared_mutex rw;

void readRegistry() {
  std::shared_lock<std::shared_mutex> lock(rw);
  for (auto &kv : registry)
    (void)kv;
}

// A writer under the exclusive lock.
void exclusiveWriter() {
  std::thread t(readRegistry);
  std::unique_lock<std::shared_mutex> lock(rw);
  registry.erase(1);
  t.join();
}

// A writer under a reader lock: readers iterate at the same time.
void sharedWriter() {
  std::thread t(readRegistry);
  std::shared_lock<std::shared_mutex> lock(rw);
  registry[2] = 3;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'operator[]' on 'registry' mutates it holding only a shared lock of 'rw', while readers iterate it under the same lock [mapguard-concurrent-iteration-mutation]
  t.join();
}

// Also with lock_shared() by hand, and in the reader itself.
void lockSharedByHand() {
  rw.lock_shared();
  for (auto &kv : registry)
    (void)kv;
  registry.erase(4);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'registry' mutates it holding only a shared lock of 'rw', while readers iterate it under the same lock [mapguard-concurrent-iteration-mutation]
  rw.unlock_shared();
}

// Two readers: nothing mutates.
void twoReaders() {
  std::thread t(readRegistry);
  std::shared_lock<std::shared_mutex> lock(rw);
  (void)registry.count(5);
  for (auto &kv : registry)
    (void)kv;
  t.join();
}

// A mutex we cannot name may be the common one: silent.
std::mutex &tableMutex();
void unnamedMutex() {
  std::thread t([] {
    std::lock_guard<std::mutex> lock(tableMutex());
    for (auto &kv : table)
      (void)kv;
  });
  std::lock_guard<std::mutex> lock(tableMutex());
  table.erase(17);
  t.join();
}

// A private helper called only with the lock held inherits it; one called
// without it does not.
class Index {
public:
  void start() {
    worker_ = std::thread([this] {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto &kv : entries_)
        (void)kv;
    });
  }
  void add(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    insertLocked(k);
  }
  void addTwice(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    insertLocked(k + 1);
  }
  void sometimes(int k, bool locked) {
    if (locked) {
      std::lock_guard<std::mutex> lock(mu_);
      eraseHelper(k);
    } else {
      eraseHelper(k);
    }
  }
  void withGuard(int k) {
    std::unique_lock<std::mutex> lock(mu_);
    clearWith(lock, k);
  }

private:
  void insertLocked(int k) { entries_.insert({k, k}); }
  void eraseHelper(int k) { entries_.erase(k); }
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'erase' on 'entries_' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  void clearWith(std::unique_lock<std::mutex> &, int k) { entries_.erase(k); }
  std::mutex mu_;
  std::map<int, int> entries_;
  std::thread worker_;
};

// Project guards recognised by shape (leveldb's MutexLock).
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

port::Mutex dbMutex;
std::map<int, int> memtable;

void projectGuard() {
  std::thread t([] {
    MutexLock l(&dbMutex);
    for (auto &kv : memtable)
      (void)kv;
  });
  {
    MutexLock l(&dbMutex);
    memtable.erase(1);
  }
  memtable.erase(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'memtable' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

// Clang thread-safety attributes.
class __attribute__((capability("mutex"))) Lockable {
public:
  void Acquire() __attribute__((acquire_capability()));
  void Release() __attribute__((release_capability()));
};

Lockable capMu;
std::map<int, int> guarded;
void lockAll() __attribute__((acquire_capability(capMu)));
void unlockAll() __attribute__((release_capability(capMu)));
void eraseRequiring(int k) __attribute__((requires_capability(capMu))) {
  guarded.erase(k);
}

void attributes() {
  std::thread t([] {
    capMu.Acquire();
    for (auto &kv : guarded)
      (void)kv;
    capMu.Release();
  });
  lockAll();
  guarded.erase(1);
  unlockAll();
  guarded.erase(2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'erase' on 'guarded' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}

void requiresAttribute() {
  std::thread t([] {
    lockAll();
    for (auto &kv : guarded)
      (void)kv;
    unlockAll();
  });
  capMu.Acquire();
  eraseRequiring(3);
  capMu.Release();
  t.join();
}
