// tsan-stdlib: libstdc++
// Reproduces concurrent-iteration-mutation-locks: sharedWriter; races under ThreadSanitizer.

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

int main() {
  fill(registry);
  std::thread t(readRegistry);
  settle();
  std::shared_lock<std::shared_mutex> lock(rw);
  registry[-2] = 3;
  lock.unlock();
  t.join();
}
