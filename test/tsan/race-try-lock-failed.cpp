// Reproduces concurrent-iteration-mutation-locks: tryLock; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
std::map<int, int> table;
std::mutex mu;
int main() {
  fill(table);
  std::thread t([] {
    std::lock_guard<std::mutex> lock(mu);
    long sum = 0;
    for (auto &kv : table)
      sum += kv.second;
    consume(sum);
    awaitMark();
  });
  settle();
  if (!mu.try_lock())
    table.erase(14);
  else
    mu.unlock();
  mark();
  t.join();
}
