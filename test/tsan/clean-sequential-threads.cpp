// Reproduces concurrent-iteration-mutation-threads: sequentialThreads; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <thread>
#include <unordered_map>
std::unordered_map<int, int> g_index;
int main() {
  fill(g_index);
  std::thread reader([] {
    long sum = 0;
    for (auto &kv : g_index)
      sum += kv.second;
    consume(sum);
  });
  reader.join();
  std::thread writer([] { g_index.erase(1); });
  writer.join();
}
