// Reproduces concurrent-iteration-mutation-classes: Snapshotting; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
class Snapshotting {
public:
  void put(int k) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_[k] = k;
  }
  int total() const {
    std::map<int, int> copy;
    {
      std::lock_guard<std::mutex> lock(mu_);
      copy = entries_;
    }
    int sum = 0;
    for (const auto &kv : copy)
      sum += kv.second;
    return sum;
  }
private:
  mutable std::mutex mu_;
  std::map<int, int> entries_;
};
int main() {
  Snapshotting s;
  s.put(1);
  std::thread t([&s] { consume(s.total()); });
  s.put(-1);
  t.join();
}
