// RUN: %check_mapguard -std=c++17-or-later %s mapguard-subscript-insertion %t

#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>

class Flags {
public:
  // Under a reader lock the insertion races with every other reader.
  bool enabled(const std::string &k) {
    std::shared_lock<std::shared_mutex> lock(mu_);
    return flags_[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'flags_' inserts a default element when the key is missing, but the result is only read; under the shared lock on 'mu_' the insertion is a write that races with the other readers [mapguard-subscript-insertion]
    // CHECK-MESSAGES: :[[@LINE-3]]:41: note: shared lock on 'mu_' acquired here
    // CHECK-FIXES: return flags_.count(k) ? flags_.at(k) : false;
  }

  // Manual lock_shared() counts too.
  int manualShared(const std::string &k) {
    mu_.lock_shared();
    int v = counts_[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read; under the shared lock on 'mu_' the insertion is a write that races with the other readers [mapguard-subscript-insertion]
    // CHECK-MESSAGES: :[[@LINE-3]]:5: note: shared lock on 'mu_' acquired here
    // CHECK-FIXES: int v = counts_.count(k) ? counts_.at(k) : 0;
    mu_.unlock_shared();
    return v;
  }

  // The weight needs a shared lock that is still held: after unlock() the
  // read is reported without it.
  int afterUnlock(const std::string &k) {
    std::shared_lock<std::shared_mutex> lock(mu_);
    lock.unlock();
    return counts_[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read; it is the only write to 'counts_' in 'afterUnlock' [mapguard-subscript-insertion]
    // CHECK-FIXES: return counts_.count(k) ? counts_.at(k) : 0;
  }

  // Under an exclusive lock the insertion does not race: no lock weight.
  int exclusive(const std::string &k) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    return counts_[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read; it is the only write to 'counts_' in 'exclusive' [mapguard-subscript-insertion]
    // CHECK-FIXES: return counts_.count(k) ? counts_.at(k) : 0;
  }

  // Writes under the exclusive lock: silent.
  void set(const std::string &k, bool on) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    flags_[k] = on;
    ++counts_[k];
  }

  // Lookups that do not insert, under the shared lock: silent.
  bool lookup(const std::string &k) const {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = flags_.find(k);
    return it != flags_.end() && it->second;
  }

private:
  mutable std::shared_mutex mu_;
  std::map<std::string, bool> flags_;
  std::map<std::string, int> counts_;
};
