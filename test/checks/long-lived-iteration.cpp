// RUN: %check_mapguard -std=c++17-or-later %s mapguard-long-lived-iteration %t -- -- -I %S/../../runtime-model/include

// Loops over shared maps whose body blocks while the iteration is open:
// sleeps, waits, joins, blocking I/O, other mutexes, helpers that block.
// Thread loops and options are in long-lived-iteration-threads.cpp and
// long-lived-iteration-options.cpp.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mapguard/snapshot.h"

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Positives.

class SessionTable {
public:
  void expireSlowly() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : sessions_) {
      std::this_thread::sleep_for(5ms);
      entry.second += 1;
  // CHECK-MESSAGES: :[[@LINE-3]]:5: warning: loop over shared map 'sessions_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:7: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
    }
  }

  // Waiting releases the lock, but the iteration stays open while other
  // threads mutate the map.
  void waitForEach() {
    std::unique_lock<std::mutex> lock(mu_);
    for (const auto &entry : sessions_) {
      cv_.wait(lock, [&] { return ready_; });
      (void)entry;
  // CHECK-MESSAGES: :[[@LINE-3]]:5: warning: loop over shared map 'sessions_' waits on a condition variable in 'std::condition_variable::wait' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:7: note: 'std::condition_variable::wait' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:34: note: 'mu_' is locked here and still held when the loop blocks
    }
  }

  void waitWithTimeout() {
    std::unique_lock<std::mutex> lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      cv_.wait_for(lock, 100ms);
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'sessions_' waits on a condition variable in 'std::condition_variable::wait_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'std::condition_variable::wait_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:34: note: 'mu_' is locked here and still held when the loop blocks
  }

  // Re-locking after the blocking call does not close the iteration.
  void unlockAroundSleep() {
    std::unique_lock<std::mutex> lock(mu_);
    for (auto &entry : sessions_) {
      lock.unlock();
      std::this_thread::sleep_for(1ms);
      lock.lock();
      entry.second = 0;
  // CHECK-MESSAGES: :[[@LINE-5]]:5: warning: loop over shared map 'sessions_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:7: note: 'std::this_thread::sleep_for' blocks here
    }
  }

  // The class owns a mutex: its methods run concurrently even where this
  // one takes no lock.
  void unlockedDump(std::FILE *in) {
    char line[64];
    for (auto &entry : sessions_)
      if (std::fgets(line, sizeof line, in))
        entry.second = line[0];
  // CHECK-MESSAGES: :[[@LINE-3]]:5: warning: loop over shared map 'sessions_' blocks on I/O in 'fgets' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:11: note: 'fgets' blocks here
  }

  void throughAlias() {
    std::lock_guard<std::mutex> lock(mu_);
    auto &table = sessions_;
    for (auto &entry : table)
      std::lock_guard<std::mutex> audit(audit_mu_);
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'sessions_' acquires mutex 'audit_mu_' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:35: note: 'audit_mu_' is acquired here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

  void lockTwoOthers() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : sessions_) {
      std::lock(audit_mu_, stats_mu_);
      audit_mu_.unlock();
      stats_mu_.unlock();
      (void)entry;
  // CHECK-MESSAGES: :[[@LINE-5]]:5: warning: loop over shared map 'sessions_' acquires mutex 'audit_mu_' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-5]]:7: note: 'audit_mu_' is acquired here
  // CHECK-MESSAGES: :[[@LINE-8]]:33: note: 'mu_' is locked here and still held when the loop blocks
    }
  }

private:
  std::mutex mu_, audit_mu_, stats_mu_;
  std::condition_variable cv_;
  bool ready_ = false;
  std::map<std::string, int> sessions_;
};

std::mutex g_mu;
std::map<int, int> g_sockets;

void readAllSockets(char *buffer) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto &[fd, bytes] : g_sockets)
    bytes += ::recv(fd, buffer, 512, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop over shared map 'g_sockets' blocks on I/O in 'recv' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:14: note: 'recv' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:31: note: 'g_mu' is locked here and still held when the loop blocks
}

void acceptOnEach() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto it = g_sockets.begin(); it != g_sockets.end(); ++it) {
    int client = accept(it->first, nullptr, nullptr);
    it->second = client;
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: loop over shared map 'g_sockets' blocks on I/O in 'accept' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:18: note: 'accept' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:31: note: 'g_mu' is locked here and still held when the loop blocks
  }
}

void pollEach() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto &entry : g_sockets) {
    pollfd fds{entry.first, POLLIN, 0};
    entry.second = poll(&fds, 1, -1);
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: loop over shared map 'g_sockets' blocks on I/O in 'poll' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:20: note: 'poll' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:31: note: 'g_mu' is locked here and still held when the loop blocks
  }
}

std::mutex g_names_mu;
std::unordered_map<std::string, std::string> g_names;

void promptForEach() {
  std::lock_guard<std::mutex> lock(g_names_mu);
  for (auto &[key, value] : g_names)
    std::getline(std::cin, value);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop over shared map 'g_names' blocks on I/O in 'std::getline' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: 'std::getline' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:31: note: 'g_names_mu' is locked here and still held when the loop blocks
}

void readEachFromFile(std::ifstream &in) {
  std::lock_guard<std::mutex> lock(g_names_mu);
  for (auto &[key, value] : g_names)
    in >> value;
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop over shared map 'g_names' blocks on I/O in 'operator>>' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: 'operator>>' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:31: note: 'g_names_mu' is locked here and still held when the loop blocks
}

class Jobs {
public:
  void collect() {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (auto &[id, result] : pending_)
      done_ += result.get();
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'pending_' waits in 'std::future::get' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:16: note: 'std::future::get' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:41: note: 'mu_' is locked here and still held when the loop blocks
  }

  void joinAllUnderLock() {
    std::lock_guard<std::shared_mutex> lock(mu_);
    for (auto &[id, worker] : workers_)
      worker.join();
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'workers_' joins a thread in 'std::thread::join' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'std::thread::join' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:40: note: 'mu_' is locked here and still held when the loop blocks
  }

  void pollUntilReady() {
    std::shared_lock<std::shared_mutex> lock(mu_);
    for (auto &[id, result] : pending_)
      while (result.wait_for(10ms) != std::future_status::ready) {
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'pending_' waits in 'std::future::wait_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:14: note: 'std::future::wait_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:41: note: 'mu_' is locked here and still held when the loop blocks
      }
  }

private:
  std::shared_mutex mu_;
  std::map<int, std::future<int>> pending_;
  std::map<int, std::thread> workers_;
  int done_ = 0;
};

// Blocking inside functions of this file that the loop calls.
void backoff() { std::this_thread::sleep_for(10ms); }
void retry() { backoff(); }

struct Connection {
  int fd = -1;
  long pull(char *buffer) { return ::read(fd, buffer, 64); }
};

class Router {
public:
  void refresh() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &route : routes_) {
      if (route.second < 0)
        backoff();
  // CHECK-MESSAGES: :[[@LINE-3]]:5: warning: loop over shared map 'routes_' calls 'backoff', which sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:9: note: 'backoff' is called here
  // CHECK-MESSAGES: :[[@LINE-17]]:18: note: 'std::this_thread::sleep_for' blocks here 
  // CHECK-MESSAGES: :[[@LINE-7]]:33: note: 'mu_' is locked here and still held when the loop blocks
    }
  }

  void refreshTwoDeep() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &route : routes_)
      retry();
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'routes_' calls 'retry', which sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'retry' is called here
  // CHECK-MESSAGES: :[[@LINE-28]]:18: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

  void drain(char *buffer) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, connection] : connections_)
      connection.pull(buffer);
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'connections_' calls 'pull', which blocks on I/O in 'read' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'pull' is called here
  // CHECK-MESSAGES: :[[@LINE-33]]:36: note: 'read' blocks here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

private:
  std::mutex mu_;
  std::map<std::string, int> routes_;
  std::map<std::string, Connection> connections_;
};

// Another object's mutex, taken inside a member function of that object:
// every logger's lock is taken while the registry's is held.
class Logger {
public:
  void flush() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++flushes_;
  }

private:
  std::mutex mutex_;
  int flushes_ = 0;
};

class LoggerRegistry {
public:
  void flushAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, logger] : loggers_)
      logger->flush();
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'loggers_' calls 'flush', which acquires mutex 'mutex_' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'flush' is called here
  // CHECK-MESSAGES: :[[@LINE-17]]:33: note: 'mutex_' is acquired here
  // CHECK-MESSAGES: :[[@LINE-6]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

private:
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Logger>> loggers_;
};

// A function-local static is shared by every caller.
void staticCache() {
  static std::mutex mu;
  static std::map<int, int> cache;
  std::lock_guard<std::mutex> lock(mu);
  for (auto &entry : cache)
    usleep(entry.second);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop over shared map 'cache' sleeps in 'usleep' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:5: note: 'usleep' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:31: note: 'mu' is locked here and still held when the loop blocks
}

template <class Key> class Registry {
public:
  void visit() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : items_)
      std::this_thread::sleep_for(std::chrono::milliseconds(entry.second));
  // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop over shared map 'items_' sleeps in 'std::this_thread::sleep_for' while the iteration is open; copy the map under its lock and iterate the copy (mapguard::snapshot) [mapguard-long-lived-iteration]
  // CHECK-MESSAGES: :[[@LINE-2]]:7: note: 'std::this_thread::sleep_for' blocks here
  // CHECK-MESSAGES: :[[@LINE-5]]:33: note: 'mu_' is locked here and still held when the loop blocks
  }

private:
  std::mutex mu_;
  std::map<Key, int> items_;
};
template class Registry<int>;

// ---------------------------------------------------------------------------
// Negatives: correct idioms stay silent.

class Inventory {
public:
  // The snapshot pattern: copy under the lock, block outside it.
  void reportFromCopy() {
    std::map<std::string, int> copy;
    {
      std::lock_guard<std::mutex> lock(mu_);
      copy = items_;
    }
    for (auto &entry : copy)
      std::this_thread::sleep_for(1ms);
  }

  void reportFromSnapshot() {
    auto entries = mapguard::snapshot(items_, mu_);
    for (auto &[name, count] : entries)
      std::this_thread::sleep_for(std::chrono::milliseconds(count));
  }

  // Nothing in the loop blocks; the lock is held only for the iteration.
  int total() {
    std::lock_guard<std::mutex> lock(mu_);
    int sum = 0;
    for (auto &entry : items_)
      sum += entry.second;
    return sum;
  }

  // Blocking after the loop, not inside it.
  void sumThenWait() {
    std::unique_lock<std::mutex> lock(mu_);
    int sum = 0;
    for (auto &entry : items_)
      sum += entry.second;
    cv_.wait(lock, [&] { return sum > 0 || done_; });
  }

  // A task posted from the loop runs elsewhere, later.
  void postEach(std::vector<std::thread> &threads) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : items_)
      threads.emplace_back([name = entry.first] {
        std::this_thread::sleep_for(1ms);
      });
  }

  // A zero timeout polls.
  void pollFutures() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[name, result] : results_)
      if (result.wait_for(0s) == std::future_status::ready)
        ready_.push_back(name);
  }

  // The loop ends right after blocking: the iterator is never used again.
  void waitForFirst() {
    std::unique_lock<std::mutex> lock(mu_);
    for (auto &entry : items_) {
      if (entry.second == 0) {
        cv_.wait(lock);
        break;
      }
    }
  }

  // Notifying, try_lock and unlocking never block.
  void notifyEach() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : items_) {
      cv_.notify_all();
      if (audit_mu_.try_lock())
        audit_mu_.unlock();
      (void)entry;
    }
  }

  // Parsing from memory is not I/O.
  void parseEach() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &entry : items_) {
      std::istringstream in("42");
      in >> entry.second;
    }
  }

  // Joining in the destructor: nothing else can reach the object any more.
  ~Inventory() {
    for (auto &[name, worker] : workers_)
      if (worker.joinable())
        worker.join();
  }

private:
  std::mutex mu_, audit_mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::map<std::string, int> items_;
  std::map<std::string, std::future<int>> results_;
  std::vector<std::string> ready_;
  std::map<std::string, std::thread> workers_;
};

// Re-taking the mutex already held (recursive) is not another mutex.
class Tree {
public:
  void walk() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    for (auto &node : children_) {
      std::lock_guard<std::recursive_mutex> again(mu_);
      (void)node;
    }
  }

private:
  std::recursive_mutex mu_;
  std::map<int, int> children_;
};

// A local map belongs to this call alone.
void localMap(int fd) {
  std::map<int, int> pending{{fd, 0}};
  char buffer[16];
  for (auto &entry : pending)
    entry.second = ::read(entry.first, buffer, sizeof buffer);
}

// A map that cannot change cannot be mutated by anyone meanwhile.
const std::map<int, int> kLimits = {{1, 2}};
void constGlobal() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto &entry : kLimits)
    std::this_thread::sleep_for(std::chrono::milliseconds(entry.second));
}

// A global map used by single-threaded code: no lock, no thread, no
// mutex-owning class.
std::map<std::string, std::string> g_questions;
void quiz() {
  std::string answer;
  for (auto &[question, expected] : g_questions)
    std::getline(std::cin, answer);
}

// A map received by reference: this code does not know who else reaches it.
void dumpParameter(std::map<int, int> &m) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto &entry : m)
    std::this_thread::sleep_for(1ms);
}

// Functions named like system calls, but the project's own.
namespace config {
int read(int value) { return value; }
} // namespace config
void ownRead() {
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto &entry : g_sockets)
    entry.second = config::read(entry.first);
}
