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
}
int main() {
  fill(g_table);
  auto f = std::async(std::launch::async, readTable);
  settle();
  g_table.erase(0);
  f.get();
}
