// Reproduces concurrent-iteration-mutation-classes: Worker; races under ThreadSanitizer.

#include "tsan_support.h"
#include <mutex>
#include <thread>
#include <unordered_map>
class Worker {
public:
  Worker() { fill(jobs_); }
  void start() {
    thread_ = std::thread([this] { scan(); });
  }
  void update(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(k);
  }
  void stop() { thread_.join(); }
private:
  void scan() {
    auto &jobs = jobs_;
    long sum = 0;
    for (auto it = jobs.begin(); it != jobs.end(); ++it)
      sum += it->second;
    consume(sum);
  }
  std::mutex mu_;
  std::unordered_map<int, int> jobs_;
  std::thread thread_;
};
int main() {
  Worker w;
  w.start();
  settle();
  w.update(3);
  w.stop();
}
