// Reproduces concurrent-iteration-mutation-threads: capturedByReference; races under ThreadSanitizer.

#include "tsan_support.h"
#include <thread>
#include <unordered_map>
int main() {
  std::unordered_map<int, int> local;
  fill(local);
  std::thread t([&local] {
    local.erase(3);
    mark();
  });
  awaitMark();
  long sum = 0;
  for (auto &kv : local)
    sum += kv.second;
  consume(sum);
  t.join();
}
