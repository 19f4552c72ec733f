// Reproduces concurrent-iteration-mutation-classes: LockedCache; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <string>
#include <thread>
class LockedCache {
public:
  void put(const std::string &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = v;
  }
  void drop(const std::string &k) {
    std::unique_lock<std::mutex> lock(mu_);
    entries_.erase(k);
  }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    int sum = 0;
    for (const auto &kv : entries_)
      sum += kv.second;
    return sum;
  }
private:
  mutable std::mutex mu_;
  std::map<std::string, int> entries_;
};
int main() {
  LockedCache cache;
  cache.put("b", 1);
  std::thread t([&cache] { consume(cache.total()); });
  cache.put("a", 2);
  cache.drop("b");
  t.join();
}
