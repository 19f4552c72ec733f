// Reproduces concurrent-iteration-mutation-locks: adopted; runs clean under ThreadSanitizer.

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
    mu.lock();
    std::lock_guard<std::mutex> lock(mu, std::adopt_lock);
    table.erase(15);
  }
  mark();
  t.join();
}
