// Reduced from thrift 0.17.0 lib/cpp/src/thrift/async/TConcurrentClientSyncInfo.cpp
// (waitForWork): a map of monitors read with operator[] under
// thrift's own Mutex/Guard types. A sequence id that was never registered
// inserts a null monitor, which is then dereferenced; the sibling function
// uses find() and throws. A true positive on the smoke set.
//
// RUN: %check_mapguard -std=c++17 %s mapguard-subscript-insertion %t

#include <map>
#include <memory>
#include <stdexcept>

namespace concurrency {
class Mutex {
public:
  void lock() const;
  void unlock() const;
};
class Guard {
public:
  explicit Guard(const Mutex &m) : mutex_(&m) { mutex_->lock(); }
  ~Guard() { mutex_->unlock(); }

private:
  const Mutex *mutex_;
};
class Monitor {
public:
  void waitForever();
  void notify();
};
} // namespace concurrency

class SyncInfo {
  using MonitorPtr = std::shared_ptr<concurrency::Monitor>;

public:
  void wakeup(int rseqid) {
    MonitorPtr monitor;
    {
      concurrency::Guard seqidGuard(seqidMutex_);
      auto i = seqidToMonitorMap_.find(rseqid);
      if (i == seqidToMonitorMap_.end())
        throw std::runtime_error("bad seqid");
      monitor = i->second;
    }
    monitor->notify();
  }

  void waitForWork(int seqid) {
    MonitorPtr m;
    {
      concurrency::Guard seqidGuard(seqidMutex_);
      m = seqidToMonitorMap_[seqid];
      // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'operator[]' on 'seqidToMonitorMap_' inserts a default element when the key is missing, but the result is only read; it is the only write to 'seqidToMonitorMap_' in 'waitForWork' [mapguard-subscript-insertion]
    }
    m->waitForever();
  }

  int generateSeqId() {
    concurrency::Guard seqidGuard(seqidMutex_);
    seqidToMonitorMap_[++next_] = std::make_shared<concurrency::Monitor>();
    return next_;
  }

private:
  concurrency::Mutex seqidMutex_;
  std::map<int, MonitorPtr> seqidToMonitorMap_;
  int next_ = 0;
};
