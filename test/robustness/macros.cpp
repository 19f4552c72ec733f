// them (FOR_EACH, a locking macro, a whole loop in a do-while(0) macro).
// Findings land where the macro is used, with "expanded from macro" notes;
// the correct idioms behind the same macros stay silent.
//
// RUN: %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='error:'
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

// them. Findings are reported where the macro is used.
#define FOR_EACH(it, m) for (auto it = (m).begin(); it != (m).end(); ++it)
#define FOR_EACH_SAFE(it, m) for (auto it = (m).begin(); it != (m).end();)
#define DROP(m, key) (m).erase(key)
#define LOCKED(mu) std::lock_guard<std::mutex> lock_##__LINE__(mu)
#define SYNCHRONIZED(mu) if (std::lock_guard<std::mutex> guard{mu}; true)
#define PURGE_ALL(m)                                                           \
  do {                                                                         \
    for (auto &entry : (m))                                                    \
      (m).erase(entry.first);                                                  \
  } while (0)
#define PURGE_ALL_SAFELY(m)                                                    \
  do {                                                                         \
    for (auto it = (m).begin(); it != (m).end();)                              \
      it = (m).erase(it);                                                      \
  } while (0)

struct Cache {
  std::mutex mu;
  std::unordered_map<std::string, int> entries;

  void expireHiddenLoop() {
    LOCKED(mu);
    FOR_EACH(it, entries)
      if (it->second < 0)
        entries.erase(it);
        // CHECK-DAG: macros.cpp:[[@LINE-1]]:9: warning: 'erase' on 'entries' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  }

  void expireHiddenErase() {
    SYNCHRONIZED(mu) {
      for (auto &e : entries)
        if (e.second < 0)
          DROP(entries, e.first);
          // CHECK-DAG: macros.cpp:[[@LINE-1]]:11: warning: 'erase' on 'entries' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    }
  }

  void expireEverythingHidden() {
    LOCKED(mu);
    PURGE_ALL(entries);
    // CHECK-DAG: macros.cpp:[[@LINE-1]]:5: note: 'entries' is iterated here; iterate with an explicit iterator and advance with 'it = entries.erase(it)', or use std::erase_if (C++20)
    // CHECK-DAG: macros.cpp:[[@LINE-2]]:5: warning: 'erase' on 'entries' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  }

  // Correct idioms behind macros stay silent.
  void expireCorrectly() {
    LOCKED(mu);
    FOR_EACH_SAFE(it, entries) {
      if (it->second < 0)
        it = entries.erase(it);
      else
        ++it;
    }
  }

  void expireEverythingCorrectly() {
    SYNCHRONIZED(mu) { PURGE_ALL_SAFELY(entries); }
  }
};

// The same macro used on two maps: each use judged on its own.
void twoUses(std::map<int, int> &a, std::map<int, int> &b) {
  PURGE_ALL(a);
  // CHECK-DAG: macros.cpp:22:7: note: expanded from macro 'PURGE_ALL'
  // CHECK-DAG: macros.cpp:[[@LINE-2]]:3: warning: 'erase' on 'a' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  PURGE_ALL_SAFELY(b);
}

// Locks behind macros count: every method of Cache above holds `mu` through
// LOCKED or SYNCHRONIZED, so its methods do not race. Here one method
// forgets the lock, and the macro-hidden mutation is reported against the
// macro-hidden iteration.
class HalfLocked {
public:
  void expire() {
    LOCKED(mu);
    FOR_EACH_SAFE(it, entries) {
    // CHECK-DAG: macros.cpp:[[@LINE-1]]:5: note: 'entries' is iterated here in 'HalfLocked::expire', which may run concurrently with the other methods of 'HalfLocked' (it owns a mutex), holding 'mu'
      if (it->second < 0)
        it = entries.erase(it);
      else
        ++it;
    }
  }
  void forget(const std::string &key) { DROP(entries, key); }
  // CHECK-DAG: macros.cpp:[[@LINE-1]]:41: warning: 'erase' on 'entries' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  // CHECK-DAG: macros.cpp:[[@LINE-2]]:41: note: the mutation runs in 'HalfLocked::forget', which may run concurrently with the other methods of 'HalfLocked' (it owns a mutex), with no lock held

private:
  std::mutex mu;
  std::unordered_map<std::string, int> entries;
};
