// Reproduces concurrent-iteration-mutation-threads: spawnerCallee; races under ThreadSanitizer.

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
void clearTable() { g_table.clear(); }
int main() {
  fill(g_table);
  std::thread t(readTable);
  settle();
  clearTable();
  t.join();
}
