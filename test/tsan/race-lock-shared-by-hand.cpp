// tsan-stdlib: libstdc++
// Reproduces concurrent-iteration-mutation-locks: lockSharedByHand; races under ThreadSanitizer.

#include "tsan_support.h"
#include <shared_mutex>
#include <thread>
#include <unordered_map>
std::unordered_map<int, int> registry;
std::shared_mutex rw;
void readRegistry() {
  std::shared_lock<std::shared_mutex> lock(rw);
  long sum = 0;
  for (auto &kv : registry)
    sum += kv.second;
  consume(sum);
}

void lockSharedByHand(int key) {
  rw.lock_shared();
  long sum = 0;
  for (auto &kv : registry)
    sum += kv.second;
  consume(sum);
  registry.erase(key);
  rw.unlock_shared();
}
int main() {
  fill(registry);
  std::thread a([] { lockSharedByHand(4); });
  settle();
  std::thread b([] { lockSharedByHand(5); });
  a.join();
  b.join();
}
