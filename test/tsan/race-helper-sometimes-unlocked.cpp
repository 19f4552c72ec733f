// Reproduces concurrent-iteration-mutation-locks: Index::eraseHelper; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
class Index {
public:
  void start() {
    worker_ = std::thread([this] {
      std::lock_guard<std::mutex> lock(mu_);
      long sum = 0;
      for (auto &kv : entries_)
        sum += kv.second;
      consume(sum);
    });
  }
  void fillUp() { fill(entries_); }
  void sometimes(int k, bool locked) {
    if (locked) {
      std::lock_guard<std::mutex> lock(mu_);
      eraseHelper(k);
    } else {
      eraseHelper(k);
    }
  }
  void stop() { worker_.join(); }

private:
  void eraseHelper(int k) { entries_.erase(k); }
  std::mutex mu_;
  std::map<int, int> entries_;
  std::thread worker_;
};
int main() {
  Index index;
  index.fillUp();
  index.start();
  settle();
  index.sometimes(3, false);
  index.stop();
}
