// Reproduces concurrent-iteration-mutation-classes: Registry::items; races under ThreadSanitizer.

#include "tsan_support.h"
#include <mutex>
#include <thread>
#include <unordered_map>
class Registry {
public:
  void add(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.emplace(k, k);
  }
  const std::unordered_map<int, int> &items() const { return items_; }
  std::unordered_map<int, int> *itemsPtr() { return &items_; }
  std::unordered_map<int, int>::const_iterator begin() const { return items_.begin(); }
  std::unordered_map<int, int>::const_iterator end() const { return items_.end(); }
  std::unordered_map<int, int> copy() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_;
  }
private:
  mutable std::mutex mu_;
  std::unordered_map<int, int> items_;
};
int main() {
  Registry r;
  r.add(1);
  std::thread t([&r] {
    long sum = 0;
    for (const auto &kv : r.items())
      sum += kv.second;
    consume(sum);
  });
  settle();
  r.add(2);
  t.join();
}
