// RUN: %check_mapguard -std=c++20-or-later %s mapguard-concurrent-iteration-mutation %t -- -- -pthread -fexperimental-library

// std::jthread joins when it goes out of scope.

#include <map>
#include <thread>

void jthreadRace() {
  std::map<int, int> shared;
  {
    std::jthread t([&] {
      for (auto &kv : shared)
        (void)kv;
    });
    shared.emplace(1, 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'emplace' on 'shared' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
  }
  shared.clear();
}

// The jthread's scope ended: it was joined.
void jthreadJoinedAtScopeEnd() {
  std::map<int, int> shared;
  {
    std::jthread t([&] {
      for (auto &kv : shared)
        (void)kv;
    });
  }
  shared.clear();
}

// A thread's endless loop with a stop token, while the owner inserts.
std::map<int, int> g_sessions;
void stoppable() {
  std::jthread t([](std::stop_token stop) {
    while (!stop.stop_requested())
      for (auto &kv : g_sessions)
        (void)kv;
  });
  g_sessions[1] = 1;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'operator[]' on 'g_sessions' may run while another thread iterates it; no mutex is held by both sides [mapguard-concurrent-iteration-mutation]
}
