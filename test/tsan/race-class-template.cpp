// Reproduces concurrent-iteration-mutation-classes: Table<Key>; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
template <class Key> class Table {
public:
  void set(const Key &k, int v) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.insert_or_assign(k, v);
  }
  long dump() {
    long sum = 0;
    for (auto &kv : rows_)
      sum += kv.second;
    return sum;
  }
private:
  std::mutex mu_;
  std::map<Key, int> rows_;
};
int main() {
  Table<int> table;
  table.set(1, 1);
  std::thread t([&table] { consume(table.dump()); });
  settle();
  table.set(1, 2);
  t.join();
}
