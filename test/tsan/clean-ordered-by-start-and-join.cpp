// Reproduces concurrent-iteration-mutation-threads: orderedByStartAndJoin; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <thread>
std::map<int, int> g_table;
void readTable() {
  long sum = 0;
  for (auto &kv : g_table)
    sum += kv.second;
  consume(sum);
}
int main() {
  fill(g_table);
  g_table.insert({-1, 2});
  std::thread t(readTable);
  t.join();
  g_table.erase(1);
  g_table.clear();
}
