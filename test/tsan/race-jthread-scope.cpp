// Reproduces concurrent-iteration-mutation-cxx20: jthreadRace; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <thread>
int main() {
  std::map<int, int> shared;
  fill(shared);
  {
    std::jthread t([&] {
      long sum = 0;
      for (auto &kv : shared)
        sum += kv.second;
      consume(sum);
    });
    settle();
    shared.emplace(-1, 1);
  }
  shared.clear();
}
