// tsan-stdlib: libstdc++
// Reproduces concurrent-iteration-mutation-classes: Directory::rename; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
class Directory {
public:
  int count() const {
    std::shared_lock<std::shared_mutex> lock(rw_);
    int n = 0;
    for (const auto &kv : names_)
      n += kv.second;
    return n;
  }
  void rename(int k) {
    std::shared_lock<std::shared_mutex> lock(rw_);
    names_.erase(k);
  }
  void add(int k) {
    std::unique_lock<std::shared_mutex> lock(rw_);
    names_[k] = k;
  }
private:
  mutable std::shared_mutex rw_;
  std::map<int, int> names_;
};
int main() {
  Directory d;
  for (int i = 0; i < 8; ++i)
    d.add(i);
  std::thread t([&d] { consume(d.count()); });
  settle();
  d.rename(0);
  t.join();
}
