// RUN: %check_mapguard -std=c++17 %s mapguard-long-lived-iteration %t -- -- -I %S/../../runtime-model/include
// RUN: %check_mapguard -check-suffixes=OPT -std=c++17 %s mapguard-long-lived-iteration %t -- \
// RUN:   -config="{CheckOptions: {mapguard-long-lived-iteration.BlockingFunctions: '::net::Socket::receive;wait_for_device', \
// RUN:     mapguard-long-lived-iteration.BlockingCallDepth: 1, \
// RUN:     mapguard-long-lived-iteration.ReportEndlessLoops: false, \
// RUN:     ThreadEntryFunctions: 'ThreadPool::submit', \
// RUN:     GuardTypes: 'my::Hold', \
// RUN:     MapTypes: 'my::Table=node-unordered'}}" -- -I %S/../../runtime-model/include

// Options: BlockingFunctions, BlockingCallDepth, ReportEndlessLoops, and the
// global ThreadEntryFunctions, GuardTypes and MapTypes shared with the other
// MapGuard checks.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace net {
struct Socket {
  int receive(); // defined elsewhere; blocks
};
} // namespace net
void wait_for_device(int id);

namespace my {
template <class K, class V> class Table {
public:
  struct Entry { K first; V second; };
  Entry *begin();
  Entry *end();
};
} // namespace my

namespace my {
// Releases through its member: no destructor of its own, so only the
// GuardTypes option says that it is a guard.
struct Hold {
  explicit Hold(std::mutex &m) : lock(m) {}
  std::unique_lock<std::mutex> lock;
};
} // namespace my

struct ThreadPool {
  void submit(std::function<void()> task);
};

std::map<int, int> g_jobs;

void nap() { std::this_thread::sleep_for(1ms); }
void napLonger() { nap(); }

class Gateway {
public:
  // Configured blocking functions.
  void receiveAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, socket] : sockets_)
      socket.receive();
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:5: warning: loop over shared map 'sockets_' calls blocking function 'net::Socket::receive' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:7: note: 'net::Socket::receive' blocks here
  // CHECK-MESSAGES-OPT: :[[@LINE-5]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }
  void waitForDevices() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[id, state] : devices_)
      wait_for_device(id);
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:5: warning: loop over shared map 'devices_' calls blocking function 'wait_for_device' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:7: note: 'wait_for_device' blocks here
  // CHECK-MESSAGES-OPT: :[[@LINE-5]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

  // BlockingCallDepth: one call deep is found with 1; two calls deep needs 2.
  void shallow() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : devices_)
      nap();
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:5: warning: loop over shared map 'devices_' calls 'nap', which sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:7: note: 'nap' is called here
  // CHECK-MESSAGES-OPT: :[[@LINE-30]]:14: note: 'std::this_thread::sleep_for' blocks here 
  // CHECK-MESSAGES-OPT: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  // CHECK-MESSAGES: :[[@LINE-6]]:5: warning: loop over shared map 'devices_' calls 'nap', which sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot)  [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: 'nap' is called here 
  // CHECK-MESSAGES: :[[@LINE-34]]:14: note: 'std::this_thread::sleep_for' blocks here 
  // CHECK-MESSAGES: :[[@LINE-10]]:33: note: 'mu_' is locked here and still held when the loop blocks 
  }
  void deep() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : devices_)
      napLonger();
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'devices_' calls 'napLonger', which sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'napLonger' is called here
  // CHECK-MESSAGES: :[[@LINE-43]]:14: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

  // ReportEndlessLoops: false keeps thread loops that do not block silent.
  void startPoller() {
    poller_ = std::thread([this] {
      while (running_) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &entry : devices_)
          entry.second += 1;
  // CHECK-MESSAGES: :[[@LINE-2]]:9: warning: loop over shared map 'devices_' runs on every pass of a thread's endless loop; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:37: note: 'mu_' is locked here and held while the loop runs
  // CHECK-MESSAGES: :[[@LINE-6]]:7: note: the thread repeats this loop until it is stopped
  // CHECK-MESSAGES: :[[@LINE-8]]:15: note: the thread is started here with 'std::thread'
      }
    });
  }

  // ThreadEntryFunctions: a task submitted to a configured pool is a thread;
  // without it nothing says that g_jobs is shared.
  void startOnPool(ThreadPool &pool) {
    pool.submit([] {
      for (;;) {
        for (auto &entry : g_jobs)
          std::this_thread::sleep_for(1ms);
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:9: warning: loop over shared map 'g_jobs' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:11: note: 'std::this_thread::sleep_for' blocks here
      }
    });
  }

  // MapTypes: a project map type.
  void visitTable() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : table_)
      std::this_thread::sleep_for(std::chrono::milliseconds(entry.second));
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:5: warning: loop over shared map 'table_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:7: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES-OPT: :[[@LINE-5]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

  // GuardTypes: the lock a project guard holds is named in a note.
  void holdAndSleep() {
    my::Hold hold(mu_);
    for (auto &entry : devices_)
      std::this_thread::sleep_for(1ms);
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:5: warning: loop over shared map 'devices_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES-OPT: :[[@LINE-2]]:7: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES-OPT: :[[@LINE-5]]:14: note: 'mu_' is locked here and still held when the loop blocks
  // CHECK-MESSAGES: :[[@LINE-5]]:5: warning: loop over shared map 'devices_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot)  [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-5]]:7: note: 'std::this_thread::sleep_for' blocks here 
  }

private:
  std::mutex mu_;
  std::atomic<bool> running_{true};
  std::map<std::string, net::Socket> sockets_;
  std::map<int, int> devices_;
  my::Table<int, int> table_;
  std::thread poller_;
};
