// Reproduces concurrent-iteration-mutation-threads: capturedByCopy; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <thread>
int main() {
  std::map<int, int> local;
  fill(local);
  std::thread t([local]() mutable {
    long sum = 0;
    for (auto &kv : local)
      sum += kv.second;
    consume(sum);
    local.clear();
  });
  settle();
  local.insert({-1, 1});
  t.join();
}
