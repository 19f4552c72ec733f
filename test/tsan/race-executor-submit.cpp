// Reproduces concurrent-iteration-mutation-options: submitted (ThreadEntryFunctions); races under ThreadSanitizer.

#include "tsan_support.h"
#include <functional>
#include <map>
#include <thread>
#include <vector>
struct ThreadPool {
  void submit(std::function<void()> task) { threads.emplace_back(std::move(task)); }
  ~ThreadPool() {
    for (auto &t : threads)
      t.join();
  }
  std::vector<std::thread> threads;
};
std::map<int, int> jobs;

void submitted(ThreadPool &pool) {
  pool.submit([] {
    long sum = 0;
    for (auto &kv : jobs)
      sum += kv.second;
    consume(sum);
  });
  settle();
  jobs.erase(1);
}
int main() {
  fill(jobs);
  ThreadPool pool;
  submitted(pool);
}
