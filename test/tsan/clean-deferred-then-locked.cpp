// Reproduces concurrent-iteration-mutation-locks: deferredThenLocked; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
std::map<int, int> table;
std::mutex mu;
std::mutex other;
void iterateLocked() {
  awaitMark();
  std::lock_guard<std::mutex> lock(mu);
  long sum = 0;
  for (auto &kv : table)
    sum += kv.second;
  consume(sum);
}
int main(int argc, char **) {
  fill(table);
  std::thread t(iterateLocked);
  {
    std::unique_lock<std::mutex> a(mu, std::defer_lock);
    std::unique_lock<std::mutex> b(other, std::defer_lock);
    std::lock(a, b);
    table.erase(7);
  }
  mark();
  t.join();
}
