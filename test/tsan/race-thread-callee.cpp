// Reproduces concurrent-iteration-mutation-threads: throughCallee; races under ThreadSanitizer.

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
void callsReader() { readTable(); }
int main() {
  fill(g_table);
  std::thread t(callsReader);
  settle();
  g_table.clear();
  t.join();
}
