// A chat server's presence service. Its threads iterate the shared session
// table and, while the iteration (and the table's lock) is held, send on
// sockets, wait for acknowledgements and back off: every other thread that
// needs the table waits behind the slowest client, and a condition wait
// that releases the lock lets them mutate the table under the open loop.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <sys/socket.h>

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
      while (running_) {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto &[user, session] : sessions_) {
          const char ping[] = "PING";
          ::send(session.socket, ping, sizeof ping, 0); // blocks on a slow peer
        }
      }
    });
  }

  // Waits for every client to acknowledge; wait() releases the lock, so
  // join() and leave() can insert and erase under the open iteration.
  void awaitAcks() {
    std::unique_lock<std::mutex> lock(mu_);
    for (auto &[user, session] : sessions_)
      acked_.wait(lock, [&session] { return session.acked; });
  }

  void evictIdle(long now) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[user, session] : sessions_)
      if (now - session.lastSeen > 60)
        backOff(); // sleeps while every other thread waits for mu_
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
