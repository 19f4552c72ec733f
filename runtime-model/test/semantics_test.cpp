// Validates container_semantics.def against the real containers.
//
// Each MAPGUARD_SEMANTICS row is a claim ("try_emplace on a node-unordered map
// invalidates all iterators if it rehashes, and may allocate"). For every row
// whose container we can instantiate here, an experiment performs the
// operation on a populated map and observes what can be observed:
//   - allocations, through a counting allocator (claims MayAllocate);
//   - whether the elements the operation did not remove kept their addresses
//     (references and node iterators survive: claims None/Element/AllIfRehash/
//     Rebinds on node-based families);
//   - whether the bucket array changed (a rehash: claims AllIfRehash);
//   - for swap, whether a saved iterator now refers into the other map.
// The expectations are derived from the row, not written next to it, so
// editing the .def into a false claim makes these tests fail.
//
// Built twice: with GoogleTest against the default standard library, and with
// test/mini_gtest.h against libc++ (see CMakeLists.txt).

#if MAPGUARD_MINI_GTEST
#include "mini_gtest.h"
#else
#include <gtest/gtest.h>
#endif

#include <cstddef>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mapguard/container_semantics.h"

#if MAPGUARD_HAVE_ABSL
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#endif

namespace {

using mapguard::family;
using mapguard::invalidates;
using mapguard::operation;

// ---------------------------------------------------------------------------
// A counting allocator: every allocate() call bumps a global counter.

inline std::size_t g_allocations = 0;

template <class T>
struct counting_allocator {
  using value_type = T;
  counting_allocator() = default;
  template <class U>
  counting_allocator(const counting_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    ++g_allocations;
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const counting_allocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const counting_allocator<U>&) const noexcept { return false; }
};

using Value = std::pair<const int, int>;
using OrderedMap = std::map<int, int, std::less<int>, counting_allocator<Value>>;
using OrderedMulti = std::multimap<int, int, std::less<int>, counting_allocator<Value>>;
using UnorderedMap = std::unordered_map<int, int, std::hash<int>, std::equal_to<int>,
                                        counting_allocator<Value>>;
using UnorderedMulti = std::unordered_multimap<int, int, std::hash<int>, std::equal_to<int>,
                                               counting_allocator<Value>>;

// ---------------------------------------------------------------------------
// Detection of the members an experiment needs (multimaps have no
// try_emplace, ordered maps no rehash, ...).

template <class, class = void>
struct has_try_emplace : std::false_type {};
template <class M>
struct has_try_emplace<M, std::void_t<decltype(std::declval<M&>().try_emplace(1, 1))>>
    : std::true_type {};
template <class, class = void>
struct has_subscript : std::false_type {};
template <class M>
struct has_subscript<M, std::void_t<decltype(std::declval<M&>()[1])>> : std::true_type {};
template <class, class = void>
struct has_buckets : std::false_type {};
template <class M>
struct has_buckets<M, std::void_t<decltype(std::declval<M&>().bucket_count()),
                                  decltype(std::declval<M&>().rehash(1))>>
    : std::true_type {};
template <class, class = void>
struct has_extract : std::false_type {};
template <class M>
struct has_extract<M, std::void_t<decltype(std::declval<M&>().extract(1))>> : std::true_type {};
template <class, class = void>
struct has_merge : std::false_type {};
template <class M>
struct has_merge<M, std::void_t<decltype(std::declval<M&>().merge(std::declval<M&>()))>>
    : std::true_type {};

template <class M>
std::size_t buckets(const M& m) {
  if constexpr (has_buckets<M>::value) {
    return m.bucket_count();
  } else {
    return 0;
  }
}

// ---------------------------------------------------------------------------
// One experiment: populate, record addresses, run the operation, observe.

struct observation {
  std::size_t allocations = 0;
  bool survivors_kept_address = true;  // every element not removed kept its address
  bool some_survivor_moved = false;    // the negation, kept for readability
  bool rehashed = false;               // bucket_count() changed
  bool rebound = false;                // swap: saved iterator now into the other map
};

constexpr int kInitial = 64;

template <class Map>
Map populated(int n, int first_key = 0) {
  Map m;
  for (int i = 0; i < n; ++i) m.emplace(first_key + i, i);
  return m;
}

template <class Map>
std::optional<observation> run_experiment(operation op) {
  Map m = populated<Map>(kInitial);
  Map other = populated<Map>(3 * kInitial, 1000);  // for swap/assign/merge
  std::map<int, const int*> before;
  for (const auto& kv : m) before[kv.first] = &kv.second;
  const std::size_t buckets_before = buckets(m);
  std::set<int> removed;
  observation obs;
  const int fresh = 10 * kInitial;  // keys not in m nor in other
  const int grow = 4 * kInitial;    // enough insertions to cross max_load_factor

  // Node handles extracted by the experiment are kept alive until the address
  // check, so a reused address cannot fake survival.
  std::vector<typename Map::node_type> handles;
  const std::size_t allocs_before = g_allocations;
  switch (op) {
    case operation::Insert:
      for (int i = 0; i < grow; ++i) m.insert({fresh + i, i});
      break;
    case operation::Emplace:
      for (int i = 0; i < grow; ++i) m.emplace(fresh + i, i);
      break;
    case operation::EmplaceHint:
      for (int i = 0; i < grow; ++i) m.emplace_hint(m.end(), fresh + i, i);
      break;
    case operation::InsertRange: {
      // insert_range is C++23; the iterator-pair insert has the same effect.
      std::vector<std::pair<int, int>> v;
      for (int i = 0; i < grow; ++i) v.emplace_back(fresh + i, i);
      m.insert(v.begin(), v.end());
      break;
    }
    case operation::TryEmplace:
      if constexpr (has_try_emplace<Map>::value) {
        for (int i = 0; i < grow; ++i) m.try_emplace(fresh + i, i);
        break;
      } else {
        return std::nullopt;
      }
    case operation::InsertOrAssign:
      if constexpr (has_try_emplace<Map>::value) {
        for (int i = 0; i < grow; ++i) m.insert_or_assign(fresh + i, i);
        break;
      } else {
        return std::nullopt;
      }
    case operation::Subscript:
      if constexpr (has_subscript<Map>::value) {
        for (int i = 0; i < grow; ++i) m[fresh + i] = i;
        break;
      } else {
        return std::nullopt;
      }
    case operation::EraseKey:
      m.erase(7);
      removed.insert(7);
      break;
    case operation::EraseIterator:
      m.erase(m.find(7));
      removed.insert(7);
      break;
    case operation::EraseRange: {
      auto first = m.begin();
      auto last = std::next(first, 5);
      for (auto it = first; it != last; ++it) removed.insert(it->first);
      m.erase(first, last);
      break;
    }
    case operation::Clear:
      m.clear();
      for (const auto& kv : before) removed.insert(kv.first);
      break;
    case operation::Swap: {
      auto saved = m.find(7);
      m.swap(other);
      obs.rebound = (other.find(7) == saved) && (&saved->second == before[7]);
      // After the swap `m` holds other's elements: compare against `other`.
      m.swap(other);  // restores (member swap never allocates) for the address check
      break;
    }
    case operation::Assign:
      m = other;
      for (const auto& kv : before) removed.insert(kv.first);
      break;
    case operation::ExtractKey:
      if constexpr (has_extract<Map>::value) {
        handles.push_back(m.extract(7));
        removed.insert(7);
        break;
      } else {
        return std::nullopt;
      }
    case operation::ExtractIterator:
      if constexpr (has_extract<Map>::value) {
        handles.push_back(m.extract(m.find(7)));
        removed.insert(7);
        break;
      } else {
        return std::nullopt;
      }
    case operation::Merge:
      if constexpr (has_merge<Map>::value) {
        m.merge(other);
        break;
      } else {
        return std::nullopt;
      }
    case operation::Rehash:
      if constexpr (has_buckets<Map>::value) {
        m.rehash(8 * m.bucket_count());
        break;
      } else {
        return std::nullopt;
      }
    case operation::Reserve:
      if constexpr (has_buckets<Map>::value) {
        m.reserve(16 * m.size());
        break;
      } else {
        return std::nullopt;
      }
    default:
      return std::nullopt;
  }
  obs.allocations = g_allocations - allocs_before;
  obs.rehashed = buckets(m) != buckets_before;
  for (const auto& [key, address] : before) {
    if (removed.count(key)) continue;
    auto it = m.find(key);
    if (it == m.end() || &it->second != address) {
      obs.survivors_kept_address = false;
      obs.some_survivor_moved = true;
    }
  }
  if (!handles.empty()) {
    // The extracted node is the element itself, unmoved (Element, not All).
    obs.survivors_kept_address =
        obs.survivors_kept_address && &handles.front().mapped() == before[7];
  }
  return obs;
}

bool is_insertion(operation op) {
  switch (op) {
    case operation::Insert:
    case operation::Emplace:
    case operation::EmplaceHint:
    case operation::InsertRange:
    case operation::TryEmplace:
    case operation::InsertOrAssign:
    case operation::Subscript:
      return true;
    default:
      return false;
  }
}

bool node_based(family f) { return f == family::NodeOrdered || f == family::NodeUnordered; }

// Checks every row of Map's family against an experiment. Returns the number
// of rows validated, so a test can assert it covered something.
template <class Map>
int validate_family(const char* type_name) {
  static_assert(mapguard::map_family<Map>::known, "specialize map_family first");
  constexpr family fam = mapguard::map_family<Map>::value;
  int validated = 0;
  for (const mapguard::semantics_row& row : mapguard::kSemantics) {
    if (row.fam != fam) continue;
    const std::optional<observation> obs = run_experiment<Map>(row.op);
    if (!obs) continue;
    ++validated;
    SCOPED_TRACE(std::string(type_name) + " " +
                 std::string(mapguard::info(row.op).spelling) + " (operation #" +
                 std::to_string(static_cast<int>(row.op)) + ")");
    // MayAllocate: false is a promise (no allocation at all); true is a
    // possibility that our experiments are built to trigger.
    if (row.may_allocate) {
      EXPECT_GT(obs->allocations, 0u);
    } else {
      EXPECT_EQ(obs->allocations, 0u);
    }
    switch (row.invalidated) {
      case invalidates::None:
      case invalidates::Element:
        // Nothing but the removed element may move, and no rehash happens
        // (a rehash would invalidate every iterator).
        EXPECT_TRUE(obs->survivors_kept_address);
        EXPECT_FALSE(obs->rehashed);
        break;
      case invalidates::AllIfRehash:
        // References survive a rehash in node-based tables...
        if (node_based(fam)) EXPECT_TRUE(obs->survivors_kept_address);
        // ...and the rehash is not hypothetical: growth triggers it.
        if (is_insertion(row.op) || row.op == operation::Rehash ||
            row.op == operation::Reserve || row.op == operation::Merge) {
          EXPECT_TRUE(obs->rehashed);
        }
        break;
      case invalidates::All:
        // Flat tables move their elements when they grow.
        if (fam == family::Flat && is_insertion(row.op)) EXPECT_TRUE(obs->some_survivor_moved);
        break;
      case invalidates::Rebinds:
        EXPECT_TRUE(obs->rebound);
        EXPECT_TRUE(obs->survivors_kept_address);
        break;
    }
  }
  return validated;
}

// ---------------------------------------------------------------------------
// The table itself.

TEST(SemanticsTable, EnumsFollowTheirRows) {
  for (std::size_t i = 0; i < std::size(mapguard::kFamilies); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(mapguard::kFamilies[i].id), i);
  }
  for (std::size_t i = 0; i < std::size(mapguard::kOperations); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(mapguard::kOperations[i].id), i);
  }
}

TEST(SemanticsTable, RowsAreUniqueAndOnlyForMutations) {
  std::set<std::pair<int, int>> seen;
  for (const mapguard::semantics_row& row : mapguard::kSemantics) {
    EXPECT_TRUE(seen.insert({static_cast<int>(row.fam), static_cast<int>(row.op)}).second)
        << mapguard::info(row.fam).name << " " << mapguard::info(row.op).spelling;
    EXPECT_EQ(mapguard::info(row.op).kind, mapguard::op_kind::Mutate)
        << mapguard::info(row.op).spelling;
  }
}

TEST(SemanticsTable, TypeNamesAreUniqueAndLookUp) {
  std::set<std::string_view> names;
  for (const mapguard::map_type_row& row : mapguard::kMapTypes) {
    EXPECT_TRUE(names.insert(row.qualified_name).second) << std::string(row.qualified_name);
    EXPECT_EQ(mapguard::family_of_name(row.qualified_name), std::optional<family>(row.fam));
  }
  EXPECT_EQ(mapguard::family_of_name("std::vector"), std::nullopt);
}

TEST(SemanticsTable, TraitsAgreeWithTable) {
  EXPECT_TRUE(mapguard::map_family_agrees_with_table<OrderedMap>());
  EXPECT_TRUE(mapguard::map_family_agrees_with_table<UnorderedMulti>());
  EXPECT_EQ(mapguard::map_family<OrderedMulti>::value, family::NodeOrdered);
  EXPECT_EQ(mapguard::map_family<UnorderedMap>::value, family::NodeUnordered);
  EXPECT_FALSE(mapguard::map_family<std::vector<int>>::known);
}

TEST(SemanticsTable, FamiliesStateTheirConcurrency) {
  // The single-threaded families must never claim thread safety: the
  // concurrent-iteration check relies on it.
  for (family f : {family::NodeOrdered, family::NodeUnordered, family::Flat}) {
    EXPECT_FALSE(mapguard::info(f).concurrent_mutation);
    EXPECT_FALSE(mapguard::info(f).concurrent_iteration);
  }
  EXPECT_TRUE(mapguard::info(family::Concurrent).concurrent_iteration);
  EXPECT_FALSE(mapguard::info(family::ConcurrentSerialIteration).concurrent_iteration);
  EXPECT_TRUE(mapguard::may_invalidate_other_iterators(family::NodeUnordered, operation::Insert));
  EXPECT_FALSE(mapguard::may_invalidate_other_iterators(family::NodeOrdered, operation::Insert));
  // Unknown rows are conservative.
  EXPECT_TRUE(mapguard::may_invalidate_other_iterators(family::NodeOrdered, operation::Rehash));
}

// ---------------------------------------------------------------------------
// The rows, validated on the real containers of this standard library.

TEST(NodeOrdered, StdMapRows) { EXPECT_GE(validate_family<OrderedMap>("std::map"), 16); }

TEST(NodeOrdered, StdMultimapRows) {
  EXPECT_GE(validate_family<OrderedMulti>("std::multimap"), 12);
}

TEST(NodeUnordered, StdUnorderedMapRows) {
  EXPECT_GE(validate_family<UnorderedMap>("std::unordered_map"), 18);
}

TEST(NodeUnordered, StdUnorderedMultimapRows) {
  EXPECT_GE(validate_family<UnorderedMulti>("std::unordered_multimap"), 14);
}

// The claims the rows above compress, stated directly as the issue words them.
TEST(NodeOrdered, NodeAddressesSurviveInsertions) {
  std::map<int, int> m;
  for (int i = 0; i < 100; ++i) m[i] = i;
  const int* p = &m.at(50);
  auto it = m.find(50);
  for (int i = 100; i < 100000; ++i) m.emplace(i, i);
  EXPECT_EQ(p, &m.at(50));
  EXPECT_EQ(it, m.find(50));
  EXPECT_EQ(std::distance(it, m.end()), 100000 - 50);  // the iterator still walks
}

TEST(NodeUnordered, CrossingMaxLoadFactorRehashes) {
  std::unordered_map<int, int> m;
  m.max_load_factor(1.0f);
  for (int i = 0; i < 8; ++i) m[i] = i;
  const std::size_t buckets_before = m.bucket_count();
  int inserted = 8;
  // Insert up to the threshold: no rehash yet.
  while (static_cast<float>(inserted + 1) <=
         m.max_load_factor() * static_cast<float>(buckets_before)) {
    m[inserted] = inserted;
    ++inserted;
  }
  EXPECT_EQ(m.bucket_count(), buckets_before);
  const int* p = &m.at(3);
  m[inserted] = inserted;  // crosses max_load_factor
  EXPECT_GT(m.bucket_count(), buckets_before);
  EXPECT_LE(m.load_factor(), m.max_load_factor());
  EXPECT_EQ(p, &m.at(3));  // references survive the rehash
}

TEST(NodeUnordered, EraseDoesNotRehashOrMoveOthers) {
  std::unordered_map<int, int> m;
  for (int i = 0; i < 1000; ++i) m[i] = i;
  const std::size_t buckets_before = m.bucket_count();
  std::vector<const int*> addresses;
  for (int i = 0; i < 1000; ++i) addresses.push_back(&m.at(i));
  for (int i = 0; i < 1000; i += 2) m.erase(i);
  EXPECT_EQ(m.bucket_count(), buckets_before);
  for (int i = 1; i < 1000; i += 2) EXPECT_EQ(addresses[i], &m.at(i));
}

#if MAPGUARD_HAVE_ABSL
}  // namespace
namespace mapguard {
template <class... Args>
struct map_family<absl::flat_hash_map<Args...>> {
  static constexpr bool known = true;
  static constexpr std::string_view name = "absl::flat_hash_map";
  static constexpr family value = family::Flat;
};
template <class... Args>
struct map_family<absl::node_hash_map<Args...>> {
  static constexpr bool known = true;
  static constexpr std::string_view name = "absl::node_hash_map";
  static constexpr family value = family::NodeUnordered;
};
}  // namespace mapguard
namespace {

using AbslFlat = absl::flat_hash_map<int, int, absl::Hash<int>, std::equal_to<int>,
                                     counting_allocator<std::pair<const int, int>>>;
using AbslNode = absl::node_hash_map<int, int, absl::Hash<int>, std::equal_to<int>,
                                     counting_allocator<std::pair<const int, int>>>;

TEST(Flat, AbslFlatHashMapRows) {
  static_assert(mapguard::map_family_agrees_with_table<AbslFlat>());
  EXPECT_GE(validate_family<AbslFlat>("absl::flat_hash_map"), 16);
}

TEST(NodeUnordered, AbslNodeHashMapRows) {
  static_assert(mapguard::map_family_agrees_with_table<AbslNode>());
  EXPECT_GE(validate_family<AbslNode>("absl::node_hash_map"), 16);
}
#else
TEST(Flat, AbslFlatHashMapRows) { GTEST_SKIP() << "libabsl-dev not installed"; }
#endif

#if MAPGUARD_HAS_STD_FLAT_MAP
TEST(Flat, StdFlatMapMovesElements) {
  std::flat_map<int, int> m;
  for (int i = 0; i < 100; ++i) m.emplace(2 * i, i);
  const int* p = &m.at(100);
  m.emplace(1, 0);  // lands before key 100: the value array shifts
  EXPECT_NE(p, &m.at(100));
}
#endif

}  // namespace
