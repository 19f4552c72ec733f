// Reproduces concurrent-iteration-mutation-threads: readersOnly; runs clean under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
std::map<int, int> g_table;
std::mutex g_mu;
int main() {
  fill(g_table);
  std::thread t([] {
    std::lock_guard<std::mutex> lock(g_mu);
    consume(static_cast<long>(g_table.count(1)));
  });
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_table.insert({-1, 1});
  }
  t.join();
}
