// The same presence service, iterating snapshots: the lock is held only
// while the table is copied; sending, waiting and backing off happen on the
// copy, so join() and leave() never wait for a slow client and never
// mutate a table that a loop is walking.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <sys/socket.h>

#include "../runtime-model/include/mapguard/snapshot.h"

using namespace std::chrono_literals;

struct Session {
  int socket = -1;
  long lastSeen = 0;
  bool acked = false;
};

class PresenceService {
public:
  void start() {
    heartbeat_ = std::thread([this] {
      mapguard::snapshot_vector<std::map<std::string, Session>> peers;
      while (running_) {
        mapguard::snapshot_into(peers, sessions_, mu_); // copy under the lock
        for (auto &[user, session] : peers) {
          const char ping[] = "PING";
          ::send(session.socket, ping, sizeof ping, 0); // no lock held
        }
        std::this_thread::sleep_for(1s);
      }
    });
  }

  // Waits for acknowledgements by key, re-finding each session under the
  // lock instead of keeping an iterator open across the wait.
  void awaitAcks() {
    std::vector<std::string> users;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto &entry : sessions_)
        users.push_back(entry.first);
    }
    for (const std::string &user : users) {
      std::unique_lock<std::mutex> lock(mu_);
      acked_.wait(lock, [&] {
        auto it = sessions_.find(user);
        return it == sessions_.end() || it->second.acked;
      });
    }
  }

  void evictIdle(long now) {
    auto entries = mapguard::snapshot(sessions_, mu_);
    for (auto &[user, session] : entries)
      if (now - session.lastSeen > 60)
        backOff(); // the table is free meanwhile
  }

  void join(const std::string &user, int socket) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[user].socket = socket;
  }

  void leave(const std::string &user) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(user);
    acked_.notify_all();
  }

  ~PresenceService() {
    running_ = false;
    if (heartbeat_.joinable())
      heartbeat_.join();
  }

private:
  static void backOff() { std::this_thread::sleep_for(50ms); }

  std::mutex mu_;
  std::condition_variable acked_;
  std::map<std::string, Session> sessions_;
  std::atomic<bool> running_{true};
  std::thread heartbeat_;
};
