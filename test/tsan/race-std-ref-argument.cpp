// Reproduces concurrent-iteration-mutation-threads: refArgumentRace; races under ThreadSanitizer.

#include "tsan_support.h"
#include <functional>
#include <map>
#include <thread>
void iterateRef(std::map<int, int> &m) {
  long sum = 0;
  for (const auto &kv : m)
    sum += kv.second;
  consume(sum);
}
int main() {
  std::map<int, int> shared;
  fill(shared);
  std::thread t(iterateRef, std::ref(shared));
  settle();
  shared.erase(1);
  t.join();
}
