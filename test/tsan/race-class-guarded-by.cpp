// Reproduces concurrent-iteration-mutation-classes: Annotated; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
class __attribute__((capability("mutex"))) Mutex {
public:
  void lock() __attribute__((acquire_capability())) { mu_.lock(); }
  void unlock() __attribute__((release_capability())) { mu_.unlock(); }
private:
  std::mutex mu_;
};
class Annotated {
public:
  void add(int k) { values_.insert({k, k}); }
  long walk() {
    long sum = 0;
    for (auto &kv : values_)
      sum += kv.second;
    return sum;
  }
private:
  Mutex mu_;
  std::map<int, int> values_ __attribute__((guarded_by(mu_)));
};
int main() {
  Annotated a;
  a.add(1);
  std::thread t([&a] { consume(a.walk()); });
  settle();
  a.add(-1);
  t.join();
}
