// Reproduces concurrent-iteration-mutation-threads: asyncOrdered; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <future>
#include <map>
std::map<int, int> g_table;
void readTable() {
  long sum = 0;
  for (auto &kv : g_table)
    sum += kv.second;
  consume(sum);
}
int main() {
  fill(g_table);
  auto d = std::async(std::launch::deferred, readTable);
  g_table.erase(5);
  d.get();
  std::async(std::launch::async, readTable);
  g_table.erase(7);
}
