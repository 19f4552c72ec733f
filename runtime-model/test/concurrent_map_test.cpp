// concurrent_map: sequential behaviour against std::unordered_map, then
// linearizability-style stress (no lost update, no phantom key, no torn
// value) and iteration during mutation (each key at most once, stable keys
// exactly once). Run under ThreadSanitizer and AddressSanitizer by
// run-sanitized-tests.

#include "mapguard/concurrent_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using mapguard::concurrent_map;

// A hash that puts many keys on the same home slot: long clusters, wrap-around
// at the end of the table, backward shifts across the wrap.
struct clustering_hash {
  std::size_t operator()(std::uint64_t k) const { return k % 5; }
};

template <class Map>
void differential(Map& m, std::uint64_t key_space, int ops, unsigned seed) {
  std::unordered_map<std::uint64_t, std::uint64_t> model;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < ops; ++i) {
    const std::uint64_t k = rng() % key_space;
    const std::uint64_t v = rng();
    switch (rng() % 5) {
      case 0:
        ASSERT_EQ(m.insert(k, v), model.emplace(k, v).second);
        break;
      case 1: {
        const bool inserted = model.count(k) == 0;
        model[k] = v;
        ASSERT_EQ(m.insert_or_assign(k, v), inserted);
        break;
      }
      case 2:
        ASSERT_EQ(m.erase(k), model.erase(k) == 1);
        break;
      default: {
        std::uint64_t got = 0;
        const auto it = model.find(k);
        ASSERT_EQ(m.find(k, got), it != model.end()) << "key " << k << " op " << i;
        if (it != model.end()) ASSERT_EQ(got, it->second);
        break;
      }
    }
  }
  ASSERT_EQ(m.size(), model.size());
  std::map<std::uint64_t, std::uint64_t> seen;
  m.for_each([&](std::uint64_t k, std::uint64_t v) { EXPECT_TRUE(seen.emplace(k, v).second); });
  const std::map<std::uint64_t, std::uint64_t> expected(model.begin(), model.end());
  EXPECT_EQ(seen, expected);
}

TEST(ConcurrentMapSequential, MatchesUnorderedMap) {
  concurrent_map<std::uint64_t, std::uint64_t> m;
  differential(m, 5000, 200000, 1);
}

TEST(ConcurrentMapSequential, MatchesUnorderedMapWithOneShardAndClusters) {
  concurrent_map<std::uint64_t, std::uint64_t, clustering_hash> m(0, 1);
  differential(m, 300, 100000, 2);
}

TEST(ConcurrentMapSequential, GrowsFromEmptyAndClears) {
  concurrent_map<std::uint64_t, std::uint64_t> m(0, 4);
  for (std::uint64_t i = 0; i < 100000; ++i) ASSERT_TRUE(m.insert(i, i * 3));
  EXPECT_EQ(m.size(), 100000u);
  for (std::uint64_t i = 0; i < 100000; ++i) {
    EXPECT_EQ(m.find(i), std::optional<std::uint64_t>(i * 3));
  }
  EXPECT_FALSE(m.contains(100000));
  m.clear();
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.contains(5));
  EXPECT_TRUE(m.insert(5, 6));
}

TEST(ConcurrentMapSequential, IteratorAndSnapshotSeeEverythingOnce) {
  concurrent_map<std::uint64_t, std::uint64_t> m(1000);
  for (std::uint64_t i = 0; i < 1000; ++i) m.insert(i, i + 1);
  std::set<std::uint64_t> keys;
  for (const auto& [k, v] : m) {
    EXPECT_EQ(v, k + 1);
    EXPECT_TRUE(keys.insert(k).second);
  }
  EXPECT_EQ(keys.size(), 1000u);
  auto snap = m.snapshot();
  std::sort(snap.begin(), snap.end());
  ASSERT_EQ(snap.size(), 1000u);
  EXPECT_EQ(snap.front(), std::make_pair(std::uint64_t{0}, std::uint64_t{1}));
  concurrent_map<std::uint64_t, std::uint64_t> empty;
  EXPECT_TRUE(empty.begin() == empty.end());
}

// Multi-word keys and values: copied word by word.
struct wide_key {
  std::uint64_t a, b, c;
  bool operator==(const wide_key& o) const { return a == o.a && b == o.b && c == o.c; }
};
struct wide_key_hash {
  std::size_t operator()(const wide_key& k) const { return k.a * 31 + k.b * 7 + k.c; }
};
struct wide_value {
  std::uint64_t x, y, z;
  std::uint32_t tail;
};

TEST(ConcurrentMapSequential, WideKeysAndValues) {
  concurrent_map<wide_key, wide_value, wide_key_hash> m(0, 2);
  for (std::uint64_t i = 0; i < 2000; ++i) {
    m.insert({i, i + 1, i + 2}, {i, 2 * i, 3 * i, static_cast<std::uint32_t>(i)});
  }
  for (std::uint64_t i = 0; i < 2000; i += 2) EXPECT_TRUE(m.erase({i, i + 1, i + 2}));
  for (std::uint64_t i = 0; i < 2000; ++i) {
    wide_value v{};
    ASSERT_EQ(m.find({i, i + 1, i + 2}, v), i % 2 == 1);
    if (i % 2) {
      EXPECT_EQ(v.z, 3 * i);
      EXPECT_EQ(v.tail, i);
    }
  }
}

// ---------------------------------------------------------------------------
// Concurrency.

constexpr int kThreads = 4;

std::uint64_t value_for(std::uint64_t key, std::uint64_t version) {
  return (key << 20) | (version & 0xFFFFF);
}

// Each thread owns a key range and keeps an exact model of it; every other
// thread hammers a shared range. The owner's reads must match its model
// exactly (no lost update, no phantom); shared keys are checked through the
// counts of successful inserts and erases.
TEST(ConcurrentMapConcurrent, NoLostUpdatesNoPhantoms) {
  concurrent_map<std::uint64_t, std::uint64_t> m(0, 8);  // small: grows under load
  constexpr std::uint64_t kOwned = 2000;
  constexpr std::uint64_t kShared = 64;
  constexpr std::uint64_t kSharedBase = 1u << 30;
  std::vector<std::atomic<long>> net(kShared);
  std::atomic<long> failures{0};
  auto worker = [&](int id) {
    std::mt19937_64 rng(id);
    std::unordered_map<std::uint64_t, std::uint64_t> model;
    const std::uint64_t base = static_cast<std::uint64_t>(id) * kOwned;
    for (int i = 0; i < 60000; ++i) {
      const std::uint64_t op = rng() % 10;
      if (op < 6) {
        const std::uint64_t k = base + rng() % kOwned;
        const std::uint64_t v = value_for(k, static_cast<std::uint64_t>(i));
        switch (op) {
          case 0:
          case 1: {
            const bool inserted = m.insert_or_assign(k, v);
            if (inserted != (model.count(k) == 0)) ++failures;
            model[k] = v;
            break;
          }
          case 2:
            if (m.erase(k) != (model.erase(k) == 1)) ++failures;
            break;
          default: {
            std::uint64_t got = 0;
            const bool found = m.find(k, got);
            const auto it = model.find(k);
            if (found != (it != model.end()) || (found && got != it->second)) ++failures;
          }
        }
      } else {
        const std::uint64_t s = rng() % kShared;
        const std::uint64_t k = kSharedBase + s;
        if (op < 8) {
          if (m.insert(k, value_for(k, static_cast<std::uint64_t>(id)))) ++net[s];
        } else if (op < 9) {
          if (m.erase(k)) --net[s];
        } else {
          std::uint64_t got = 0;
          if (m.find(k, got) && (got >> 20) != k) ++failures;  // a value of another key
        }
      }
    }
    // Final check of the owned range.
    for (std::uint64_t k = base; k < base + kOwned; ++k) {
      std::uint64_t got = 0;
      const bool found = m.find(k, got);
      const auto it = model.find(k);
      if (found != (it != model.end()) || (found && got != it->second)) ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (std::uint64_t s = 0; s < kShared; ++s) {
    const long n = net[s].load();
    ASSERT_TRUE(n == 0 || n == 1) << "key " << s << " net " << n;
    EXPECT_EQ(m.contains(kSharedBase + s), n == 1) << "key " << s;
  }
}

// Iteration while writers insert, erase, overwrite and grow the tables:
// stable keys exactly once with their value, churned keys at most once with a
// value that belongs to them.
TEST(ConcurrentMapConcurrent, IterationDuringMutation) {
  concurrent_map<std::uint64_t, std::uint64_t> m(0, 16);
  constexpr std::uint64_t kStable = 5000;
  constexpr std::uint64_t kChurnBase = 1u << 28;
  constexpr std::uint64_t kChurn = 20000;
  for (std::uint64_t k = 0; k < kStable; ++k) m.insert(k, value_for(k, 7));
  std::atomic<bool> stop{false};
  auto writer = [&](unsigned seed) {
    std::mt19937_64 rng(seed);
    std::uint64_t version = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      const std::uint64_t k = kChurnBase + rng() % kChurn;
      switch (rng() % 3) {
        case 0:
          m.insert(k, value_for(k, ++version));
          break;
        case 1:
          m.insert_or_assign(k, value_for(k, ++version));
          break;
        default:
          m.erase(k);
      }
    }
  };
  std::thread w1(writer, 11), w2(writer, 12);
  long problems = 0;
  for (int round = 0; round < 40; ++round) {
    std::vector<char> seen_stable(kStable, 0);
    std::set<std::uint64_t> seen_churn;
    auto visit = [&](std::uint64_t k, std::uint64_t v) {
      if ((v >> 20) != k) ++problems;  // torn or foreign value
      if (k < kStable) {
        if (seen_stable[k]++ != 0) ++problems;
        if (v != value_for(k, 7)) ++problems;
      } else if (!seen_churn.insert(k).second) {
        ++problems;  // seen twice
      }
    };
    if (round % 2 == 0) {
      m.for_each(visit);
    } else {
      for (const auto& [k, v] : m) visit(k, v);
    }
    for (char c : seen_stable) {
      if (c != 1) ++problems;
    }
  }
  stop = true;
  w1.join();
  w2.join();
  EXPECT_EQ(problems, 0);
}

// Wide values under concurrent overwrite: a reader must never see a mix of
// two writes (the seqlock discards torn copies).
TEST(ConcurrentMapConcurrent, WideValuesAreNeverTorn) {
  concurrent_map<std::uint64_t, wide_value> m(0, 2);
  for (std::uint64_t k = 0; k < 16; ++k) m.insert(k, {k, k, k, static_cast<std::uint32_t>(k)});
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      ++n;
      m.insert_or_assign(n % 16, {n, n, n, static_cast<std::uint32_t>(n)});
    }
  });
  long torn = 0;
  for (int i = 0; i < 300000; ++i) {
    wide_value v{};
    if (m.find(static_cast<std::uint64_t>(i % 16), v)) {
      if (v.x != v.y || v.y != v.z || static_cast<std::uint32_t>(v.x) != v.tail) ++torn;
    }
  }
  stop = true;
  writer.join();
  EXPECT_EQ(torn, 0);
}

TEST(ConcurrentMapTraits, BelongsToTheConcurrentFamily) {
  using M = concurrent_map<int, int>;
  EXPECT_EQ(mapguard::map_family<M>::value, mapguard::family::Concurrent);
  EXPECT_TRUE(mapguard::info(mapguard::family::Concurrent).concurrent_iteration);
}

}  // namespace
