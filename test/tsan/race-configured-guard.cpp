// Reproduces concurrent-iteration-mutation-options: configuredGuard; races under ThreadSanitizer.

#include "tsan_support.h"
#include <atomic>
#include <map>
#include <thread>
namespace lib {
class SpinLock {
public:
  void acquire() {
    while (flag_.exchange(true, std::memory_order_acquire)) {
    }
  }
  void release() { flag_.store(false, std::memory_order_release); }
private:
  std::atomic<bool> flag_{false};
};
struct Hold {
  explicit Hold(SpinLock &s) : spin(s) { spin.acquire(); }
  ~Hold() { spin.release(); }
  SpinLock &spin;
};
} // namespace lib
lib::SpinLock spin;
std::map<int, int> counters;
int main() {
  fill(counters);
  std::thread t([] {
    awaitMark();
    lib::Hold h(spin);
    long sum = 0;
    for (auto &kv : counters)
      sum += kv.second;
    consume(sum);
  });
  {
    lib::Hold h(spin);
    counters.erase(1);
  }
  mark();
  settle();
  counters.erase(2);
  t.join();
}
