// Reproduces concurrent-iteration-mutation-locks: attributes; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
class __attribute__((capability("mutex"))) Lockable {
public:
  void Acquire() __attribute__((acquire_capability())) { mu_.lock(); }
  void Release() __attribute__((release_capability())) { mu_.unlock(); }
private:
  std::mutex mu_;
};
Lockable capMu;
std::map<int, int> guarded;
void lockAll() __attribute__((acquire_capability(capMu))) { capMu.Acquire(); }
void unlockAll() __attribute__((release_capability(capMu))) { capMu.Release(); }
int main() {
  fill(guarded);
  std::thread t([] {
    awaitMark();
    capMu.Acquire();
    long sum = 0;
    for (auto &kv : guarded)
      sum += kv.second;
    consume(sum);
    capMu.Release();
  });
  lockAll();
  guarded.erase(1);
  unlockAll();
  mark();
  settle();
  guarded.erase(2);
  t.join();
}
