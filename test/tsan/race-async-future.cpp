// Reproduces concurrent-iteration-mutation-threads: asyncRace; races under ThreadSanitizer.

#include "tsan_support.h"
#include <future>
#include <map>
std::map<int, int> g_table;
void readTable() {
  long sum = 0;
  for (auto &kv : g_table)
    sum += kv.second;
  consume(sum);
  // Stay alive until the erase is done: once a thread started by std::async
  // has exited, ThreadSanitizer no longer reports its earlier reads.
  awaitMark();
}
int main() {
  fill(g_table);
  auto f = std::async(std::launch::async, readTable);
  settle();
  g_table.erase(0);
  mark();
  f.get();
}
