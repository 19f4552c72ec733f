// Reproduces concurrent-iteration-mutation-threads: twoThreads; races under ThreadSanitizer.

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
  std::thread writer([] {
    settle();
    g_index.insert_or_assign(100, 2);
  });
  reader.join();
  writer.join();
}
