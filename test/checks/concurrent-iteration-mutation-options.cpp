// RUN: %check_mapguard -std=c++17-or-later %s mapguard-concurrent-iteration-mutation %t -- -- -pthread
// RUN: %check_mapguard -std=c++17 -check-suffix=EXEC %s mapguard-concurrent-iteration-mutation %t -- -config="{CheckOptions: {mapguard-concurrent-iteration-mutation.ThreadEntryFunctions: '::ThreadPool::submit;boost::asio::post', MapTypes: 'lib::ConcurrentTable=concurrent', mapguard-concurrent-iteration-mutation.MutexTypes: 'lib::SpinLock', mapguard-concurrent-iteration-mutation.GuardTypes: 'lib::Hold'}}" -- -pthread

// Options: executor entry points, concurrent-safe user map types, mutex and
// guard types.

#include <functional>
#include <map>
#include <mutex>
#include <thread>

struct ThreadPool {
  void submit(std::function<void()> task);
};

std::map<int, int> jobs;

// Without the option, submit() is an ordinary call.
void submitted(ThreadPool &pool) {
  pool.submit([] {
    for (auto &kv : jobs)
      (void)kv;
  });
  jobs.erase(1);
  // CHECK-MESSAGES-EXEC: :[[@LINE-1]]:3: warning: 'erase' on 'jobs' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
}

// Two tasks on a pool run concurrently with each other.
void twoTasks(ThreadPool &pool) {
  pool.submit([] { jobs.clear(); });
  // CHECK-MESSAGES-EXEC: :[[@LINE-1]]:20: warning: 'clear' on 'jobs' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  pool.submit([] {
    for (auto &kv : jobs)
      (void)kv;
  });
}

// A task that only reads.
void readingTask(ThreadPool &pool) {
  pool.submit([] { (void)jobs.count(1); });
}

namespace lib {
template <class K, class V> class ConcurrentTable {
public:
  using value_type = std::pair<const K, V>;
  value_type *begin();
  value_type *end();
  void insert(const value_type &);
  void erase(const K &);
};

// A spin lock the shape rule does not see (no lock()/unlock() names).
class SpinLock {
public:
  void acquire();
  void release();
};
// A guard the shape rule does not see (no user destructor).
struct Hold {
  explicit Hold(SpinLock &s) : spin(s) {}
  SpinLock &spin;
};
} // namespace lib

lib::ConcurrentTable<int, int> sessions;

// A user map type configured as concurrent is safe to iterate while
// another thread inserts; without the option it is not a map at all.
void concurrentType() {
  std::thread t([] {
    for (auto &kv : sessions)
      (void)kv;
  });
  sessions.erase(1);
  t.join();
}

// A configured guard type over a configured mutex type.
lib::SpinLock spin;
std::map<int, int> counters;
void configuredGuard() {
  std::thread t([] {
    lib::Hold h(spin);
    for (auto &kv : counters)
      (void)kv;
  });
  {
    lib::Hold h(spin);
    counters.erase(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'counters' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  }
  counters.erase(2);
  // CHECK-MESSAGES-EXEC: :[[@LINE-1]]:3: warning: 'erase' on 'counters' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: 'erase' on 'counters' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  t.join();
}
