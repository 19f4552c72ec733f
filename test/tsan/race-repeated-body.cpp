// Reproduces concurrent-iteration-mutation-threads: repeatedBody; races under ThreadSanitizer.

#include "tsan_support.h"
#include <thread>
#include <unordered_map>
#include <vector>
std::unordered_map<int, int> g_index;
int main() {
  fill(g_index);
  std::vector<std::thread> pool;
  for (int i = 0; i < 2; ++i)
    pool.emplace_back([i] {
      if (i == 1)
        settle();
      long sum = 0;
      for (auto &kv : g_index)
        sum += kv.second;
      consume(sum);
      g_index.try_emplace(100 + i, i);
    });
  for (auto &t : pool)
    t.join();
}
