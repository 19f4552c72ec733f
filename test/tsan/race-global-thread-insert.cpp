// Reproduces concurrent-iteration-mutation-threads: globalRace; races under ThreadSanitizer.

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
  std::thread t(readTable);
  settle();
  g_table.insert({-1, 2});
  t.join();
}
