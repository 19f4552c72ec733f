// Reproduces concurrent-iteration-mutation-locks: projectGuard; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <mutex>
#include <thread>
namespace port {
class Mutex {
public:
  void Lock() { mu_.lock(); }
  void Unlock() { mu_.unlock(); }
private:
  std::mutex mu_;
};
} // namespace port
class MutexLock {
public:
  explicit MutexLock(port::Mutex *mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() { mu_->Unlock(); }
private:
  port::Mutex *mu_;
};
port::Mutex dbMutex;
std::map<int, int> memtable;
int main() {
  fill(memtable);
  std::thread t([] {
    awaitMark();
    MutexLock l(&dbMutex);
    long sum = 0;
    for (auto &kv : memtable)
      sum += kv.second;
    consume(sum);
  });
  {
    MutexLock l(&dbMutex);
    memtable.erase(1);
  }
  mark();
  settle();
  memtable.erase(2);
  t.join();
}
