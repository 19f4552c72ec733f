// Reproduces concurrent-iteration-mutation-threads: localToEachThread; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <thread>
#include <vector>
int main() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([] {
      std::map<int, int> mine;
      mine.insert({1, 1});
      long sum = 0;
      for (auto &kv : mine)
        sum += kv.second;
      consume(sum);
    });
  for (auto &t : pool)
    t.join();
}
