// Reproduces concurrent-iteration-mutation-options: twoTasks (ThreadEntryFunctions); races under ThreadSanitizer.

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

void twoTasks(ThreadPool &pool) {
  pool.submit([] {
    settle();
    jobs.clear();
  });
  pool.submit([] {
    long sum = 0;
    for (auto &kv : jobs)
      sum += kv.second;
    consume(sum);
  });
}
int main() {
  fill(jobs);
  ThreadPool pool;
  twoTasks(pool);
}
