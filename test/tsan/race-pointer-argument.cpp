// Reproduces concurrent-iteration-mutation-threads: pointerArgumentRace; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <thread>
void iteratePtr(const std::map<int, int> *m) {
  long sum = 0;
  for (const auto &kv : *m)
    sum += kv.second;
  consume(sum);
}
int main() {
  std::map<int, int> shared;
  fill(shared);
  std::thread t(iteratePtr, &shared);
  settle();
  shared.clear();
  t.join();
}
