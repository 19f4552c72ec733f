// Reproduces concurrent-iteration-mutation-classes: Cache; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <string>
#include <thread>
class Cache {
public:
  void put(const std::string &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = v;
  }
  int total() const {
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
  Cache cache;
  cache.put("b", 1);
  std::thread t([&cache] { consume(cache.total()); });
  settle();
  cache.put("a", 2);
  t.join();
}
