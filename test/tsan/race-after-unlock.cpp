// Reproduces concurrent-iteration-mutation-locks: afterUnlock; races under ThreadSanitizer.

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
    std::unique_lock<std::mutex> lock(mu);
    table.erase(3);
    lock.unlock();
    mark();
    settle();
    table.erase(4);
    lock.lock();
    table.erase(5);
  }
  mark();
  t.join();
}
