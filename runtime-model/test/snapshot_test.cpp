// snapshot(map, mutex): contents, locking discipline, consistency under
// concurrent writers.

#include "mapguard/snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mapguard/checked_map.h"

namespace {

// A mutex that knows whether it is held, and can run a hook after unlock.
class observed_mutex {
 public:
  void lock() {
    mu_.lock();
    held_ = true;
    ++acquisitions_;
  }
  void unlock() {
    held_ = false;
    mu_.unlock();
    if (after_unlock_) after_unlock_(acquisitions_);
  }
  bool held() const { return held_; }
  int acquisitions() const { return acquisitions_; }
  std::function<void(int)> after_unlock_;

 private:
  std::mutex mu_;
  bool held_ = false;
  int acquisitions_ = 0;
};

// A map whose reads assert that its mutex is held.
struct guarded_map : std::map<int, std::string> {
  const observed_mutex* mu = nullptr;
  auto begin() const {
    EXPECT_TRUE(mu->held());
    return std::map<int, std::string>::begin();
  }
  auto size() const {
    EXPECT_TRUE(mu->held());
    return std::map<int, std::string>::size();
  }
};

TEST(Snapshot, CopiesEveryEntryUnderTheLock) {
  observed_mutex mu;
  guarded_map m;
  m.mu = &mu;
  for (int i = 0; i < 1000; ++i) m.std::map<int, std::string>::emplace(i, std::to_string(i));
  const auto snap = mapguard::snapshot(m, mu);
  ASSERT_EQ(snap.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(snap[i].first, i);
    EXPECT_EQ(snap[i].second, std::to_string(i));
  }
  EXPECT_FALSE(mu.held());
  EXPECT_EQ(mu.acquisitions(), 2);  // sizing, then copying
}

TEST(Snapshot, GrowthBetweenSizingAndCopyingIsIncluded) {
  observed_mutex mu;
  std::unordered_map<int, int> m;
  for (int i = 0; i < 100; ++i) m[i] = i;
  mu.after_unlock_ = [&](int acquisition) {
    if (acquisition == 1) {
      std::lock_guard<observed_mutex> l(mu);
      for (int i = 100; i < 400; ++i) m[i] = i;  // far beyond the slack
    }
  };
  auto snap = mapguard::snapshot(m, mu);
  mu.after_unlock_ = nullptr;
  EXPECT_EQ(snap.size(), 400u);
  std::sort(snap.begin(), snap.end());
  for (int i = 0; i < 400; ++i) EXPECT_EQ(snap[i], std::make_pair(i, i));
}

TEST(Snapshot, ShrinkBetweenSizingAndCopyingLeavesNoStaleSlots) {
  observed_mutex mu;
  std::map<int, int> m;
  for (int i = 0; i < 100; ++i) m[i] = i;
  mu.after_unlock_ = [&](int acquisition) {
    if (acquisition == 1) {
      std::lock_guard<observed_mutex> l(mu);
      m.erase(m.begin(), m.find(90));
    }
  };
  const auto snap = mapguard::snapshot(m, mu);
  mu.after_unlock_ = nullptr;
  ASSERT_EQ(snap.size(), 10u);
  EXPECT_EQ(snap.front().first, 90);
}

TEST(Snapshot, SharedMutexTakesASharedLock) {
  std::shared_mutex mu;
  std::map<int, int> m{{1, 2}, {3, 4}};
  std::shared_lock<std::shared_mutex> reader(mu);  // another reader holds it
  auto result = std::async(std::launch::async, [&] { return mapguard::snapshot(m, mu); });
  ASSERT_EQ(result.wait_for(std::chrono::seconds(20)), std::future_status::ready)
      << "snapshot took an exclusive lock";
  EXPECT_EQ(result.get().size(), 2u);
}

struct no_default {
  explicit no_default(int v) : v(v) {}
  int v;
};

TEST(Snapshot, WorksForTypesWithoutDefaultConstructor) {
  std::mutex mu;
  std::map<int, no_default> m;
  for (int i = 0; i < 10; ++i) m.emplace(i, no_default(i * 2));
  const auto snap = mapguard::snapshot(m, mu);
  ASSERT_EQ(snap.size(), 10u);
  EXPECT_EQ(snap[9].second.v, 18);
}

TEST(Snapshot, ReusesCapacity) {
  std::mutex mu;
  std::unordered_map<int, int> m;
  for (int i = 0; i < 500; ++i) m[i] = i;
  mapguard::snapshot_vector<decltype(m)> buffer;
  mapguard::snapshot_into(buffer, m, mu);
  const auto* data = buffer.data();
  mapguard::snapshot_into(buffer, m, mu);
  EXPECT_EQ(buffer.data(), data);
  EXPECT_EQ(buffer.size(), 500u);
}

// Writers move amounts between accounts under the lock; every snapshot must
// see a total that no writer ever leaves half-done.
template <class Mutex>
void snapshots_are_consistent_under_writers() {
  Mutex mu;
  mapguard::checked_map<std::map<int, long>> accounts;
  constexpr int kAccounts = 500;
  constexpr long kTotal = 1000L * kAccounts;
  for (int i = 0; i < kAccounts; ++i) accounts.emplace(i, 1000);
  std::atomic<bool> stop{false};
  auto writer = [&](unsigned seed) {
    std::mt19937 rng(seed);
    while (!stop.load()) {
      const int from = static_cast<int>(rng() % kAccounts);
      const int to = static_cast<int>(rng() % kAccounts);
      std::lock_guard<Mutex> l(mu);
      accounts[from] -= 7;
      accounts[to] += 7;
      if (rng() % 8 == 0) {  // structural changes too
        accounts.emplace(kAccounts + static_cast<int>(rng() % 50), 0);
        accounts.erase(kAccounts + static_cast<int>(rng() % 50));
      }
    }
  };
  std::thread w1(writer, 1), w2(writer, 2);
  int snapshots = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < deadline || snapshots < 50) {
    long total = 0;
    for (const auto& [id, balance] : mapguard::snapshot(accounts, mu)) total += balance;
    EXPECT_EQ(total, kTotal);
    ++snapshots;
  }
  stop = true;
  w1.join();
  w2.join();
}

TEST(Snapshot, ConsistentUnderConcurrentWritersMutex) {
  snapshots_are_consistent_under_writers<std::mutex>();
}
TEST(Snapshot, ConsistentUnderConcurrentWritersSharedMutex) {
  snapshots_are_consistent_under_writers<std::shared_mutex>();
}

}  // namespace
