// RUN: %check_mapguard -std=c++17 %s mapguard-long-lived-iteration %t -- -- -I %S/../../runtime-model/include
// RUN: %check_mapguard -check-suffixes=,CXX20 -std=c++20-or-later %s mapguard-long-lived-iteration %t -- -- -I %S/../../runtime-model/include -fexperimental-library

// Loops over shared maps inside the endless loop of a thread: std::thread,
// std::jthread, std::async, pthread_create; maps reached as members,
// globals, by-reference captures and std::ref parameters.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <pthread.h>

#include "mapguard/snapshot.h"

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Positives.

class Monitor {
public:
  void start() {
    worker_ = std::thread([this] {
      while (running_) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &[name, value] : gauges_)
          total_ += value;
  // CHECK-MESSAGES: :[[@LINE-2]]:9: warning: loop over shared map 'gauges_' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:37: note: 'mu_' is locked here and held while the loop runs
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-8]]:15: note: the thread is started here with 'std::thread'
      }
    });
  }

  // The endless loop is in the thread's body; the map loop in a member
  // function it calls.
  void startScanner() {
    scanner_ = std::thread(&Monitor::run, this);
  }
  void run() {
    while (!stop_.load())
      scan();
  }
  void scan() {
    for (auto it = gauges_.begin(); it != gauges_.end(); ++it)
      total_ += it->second;
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'gauges_' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-11]]:16: note: the thread is started here with 'std::thread'
  }

  // Blocking inside the thread's loop: one warning, about the blocking.
  void startWaiter() {
    waiter_ = std::thread([this] {
      do {
        std::unique_lock<std::mutex> lock(mu_);
        for (auto &entry : gauges_) {
          cv_.wait_for(lock, 10ms);
          entry.second = 0;
  // CHECK-MESSAGES: :[[@LINE-3]]:9: warning: loop over shared map 'gauges_' waits on a condition variable in 'std::condition_variable::wait_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:11: note: 'std::condition_variable::wait_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:38: note: 'mu_' is locked here and still held when the loop blocks
  // CHECK-MESSAGES: :[[@LINE-8]]:7: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-10]]:15: note: the thread is started here with 'std::thread'
        }
      } while (running_);
    });
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> running_{true};
  std::atomic<bool> stop_{false};
  std::unordered_map<std::string, long> gauges_;
  long total_ = 0;
  std::thread worker_, scanner_, waiter_;
};

std::map<int, int> g_routes;

void pump() {
  for (;;) {
    int sum = 0;
    for (const auto &route : g_routes)
      sum += route.second;
    (void)sum;
  }
}
void startPump() {
  std::thread t(pump);
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-8]]:5: warning: loop over shared map 'g_routes' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-11]]:3: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-4]]:15: note: the thread is started here with 'std::thread'
}

void *poller(void *) {
  while (true) {
    for (auto &route : g_routes)
      route.second += 1;
  }
  return nullptr;
}
void startPoller() {
  pthread_t thread;
  pthread_create(&thread, nullptr, poller, nullptr);
  // CHECK-MESSAGES: :[[@LINE-8]]:5: warning: loop over shared map 'g_routes' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-10]]:3: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the thread is started here with 'pthread_create'
}

std::atomic<bool> g_stop{false};

void asyncWatcher() {
  auto done = std::async(std::launch::async, [] {
    while (!g_stop)
      for (auto &route : g_routes)
        (void)route;
  });
  g_stop = true;
  // CHECK-MESSAGES: :[[@LINE-4]]:7: warning: loop over shared map 'g_routes' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-6]]:5: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-8]]:15: note: the thread is started here with 'std::async'
}

// A local map shared with the thread by reference.
void capturedByReference() {
  std::map<int, int> counts{{1, 1}};
  std::thread t([&] {
    while (!g_stop.load())
      for (auto &entry : counts)
        entry.second += 1;
  });
  counts[2] = 2;
  t.join();
  // CHECK-MESSAGES: :[[@LINE-5]]:7: warning: loop over shared map 'counts' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-7]]:5: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-9]]:15: note: the thread is started here with 'std::thread'
}

// A map handed to the thread with std::ref.
void consume(std::map<int, int> &table) {
  while (true)
    for (auto &entry : table)
      entry.second = 0;
}
void startConsumer() {
  std::thread t(consume, std::ref(g_routes));
  t.detach();
  // CHECK-MESSAGES: :[[@LINE-6]]:5: warning: loop over shared map 'table' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-8]]:3: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-4]]:15: note: the thread is started here with 'std::thread'
}

#if __cplusplus >= 202002L
class Cache {
public:
  Cache() {
    refresher_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &[key, entry] : entries_)
          entry += 1;
  // CHECK-MESSAGES-CXX20: :[[@LINE-2]]:9: warning: loop over shared map 'entries_' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-CXX20: :[[@LINE-4]]:37: note: 'mu_' is locked here and held while the loop runs
  // CHECK-MESSAGES-CXX20: :[[@LINE-6]]:7: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES-CXX20: :[[@LINE-8]]:18: note: the thread is started here with 'std::jthread'
      }
    });
  }

private:
  std::mutex mu_;
  std::map<std::string, int> entries_;
  std::jthread refresher_;
};
#endif

// ---------------------------------------------------------------------------
// Negatives.

class Worker {
public:
  void start() {
    // The thread's own map.
    a_ = std::thread([this] {
      std::map<int, int> local;
      while (running_)
        for (auto &entry : local)
          entry.second += 1;
    });
    // A copy captured by value belongs to the thread.
    b_ = std::thread([table = table_] {
      for (;;)
        for (auto &entry : table)
          (void)entry;
    });
    // A bounded loop that does not block.
    c_ = std::thread([this] {
      for (int round = 0; round < 3; ++round) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &entry : table_)
          entry.second = round;
      }
    });
    // The map is iterated once, before the endless loop.
    d_ = std::thread([this] {
      int sum = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &entry : table_)
          sum += entry.second;
      }
      while (running_)
        std::this_thread::sleep_for(1ms);
    });
    // The snapshot pattern in a thread loop.
    e_ = std::thread([this] {
      while (running_) {
        auto entries = mapguard::snapshot(table_, mu_);
        for (auto &[key, value] : entries)
          std::this_thread::sleep_for(std::chrono::milliseconds(value));
      }
    });
    // A loop whose condition makes progress is not endless.
    f_ = std::thread([this] {
      while (pending_ > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &entry : table_)
          entry.second = 0;
        --pending_;
      }
    });
  }

  // An endless loop, but not in a thread: the program's own main loop.
  void mainLoop() {
    while (running_) {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto &entry : table_)
        entry.second += 1;
    }
  }

  // Deferred tasks run in the caller's thread, when asked.
  void deferred() {
    auto later = std::async(std::launch::deferred, [this] {
      for (;;)
        for (auto &entry : table_)
          (void)entry;
    });
    (void)later;
  }

private:
  std::mutex mu_;
  std::atomic<bool> running_{true};
  int pending_ = 3;
  std::map<int, int> table_;
  std::thread a_, b_, c_, d_, e_, f_;
};

// A map passed to the thread by value is the thread's copy.
void consumeCopy(std::map<int, int> table) {
  while (true)
    for (auto &entry : table)
      entry.second = 0;
}
void startCopyConsumer() {
  std::thread t(consumeCopy, g_routes);
  t.join();
}
