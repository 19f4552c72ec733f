// Copyright MapGuard authors.
//
// concurrent_map.h — mapguard::concurrent_map<K, V>: a hash map whose lookups
// never lock and whose iteration is safe while other threads insert and erase,
// for read-mostly workloads (the role of Go's sync.Map).
//
// Why another map. Among the concurrent maps packaged here none iterates
// safely during concurrent erasure without stopping the writers:
// tbb::concurrent_hash_map iterates only serially, tbb::concurrent_unordered_map
// cannot erase concurrently, libcuckoo iterates only by locking the whole
// table. A std::unordered_map behind a reader-writer lock blocks every writer
// for the whole iteration (milliseconds at 1e5 entries).
//
// Design: N shards (a power of two, 64 by default), each an open-addressing
// table with linear probing, guarded by
//   * a sequence counter (a seqlock): writers make it odd while they change
//     the shard and even again afterwards; readers read optimistically and
//     retry if the counter moved. Lookups therefore write no shared memory:
//     no lock, no reference count, no cache line ping-pong between readers;
//   * a mutex that serializes the writers of that shard only.
// Erasure uses backward-shift deletion (no tombstones), so a table only ever
// changes size by growing; a grown-out table is retired, not freed, because a
// reader may still be reading it (it will notice the counter and retry).
// Retired tables are freed with the map; they add at most the size of the
// current tables (the sizes are a geometric series).
//
// Iteration copies one shard at a time into a buffer, optimistically like a
// lookup (after a few failed attempts it takes that shard's writer mutex for
// the copy, which bounds its retries); the caller then reads the copy. Writers
// are never blocked by an iteration's optimistic copy, and at most for one
// shard copy (microseconds) in the fallback.
//
// Consistency guarantee:
//   * insert / insert_or_assign / erase / find / contains are linearizable;
//   * an iteration (for_each, begin()/end(), snapshot()) sees each shard as it
//     was at one instant, shard after shard. Therefore each key is seen at
//     most once; a key present and unchanged during the whole iteration is
//     seen exactly once with its value; a key inserted, erased or assigned
//     during the iteration may or may not be seen, and if seen, with a value
//     it really had. No element is ever read after it was destroyed: readers
//     only copy. This is stronger than sync.Map.Range (no per-key snapshot
//     there) and weaker than a snapshot of the whole map.
//   * size() is the sum of the shards' sizes read one after another: exact
//     when no writer runs, approximate otherwise.
//
// Requirements: K and V are trivially copyable (a reader may copy bytes that a
// writer is changing and then discard them, which is only defined for such
// types; the bytes are read as 64-bit atomic words, so with an 8-byte key a
// torn key cannot even occur). Hash and KeyEqual must be callable on such a
// discarded copy. For other types, use a std::unordered_map with a
// shared_mutex and mapguard::snapshot.

#ifndef MAPGUARD_CONCURRENT_MAP_H_
#define MAPGUARD_CONCURRENT_MAP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "mapguard/container_semantics.h"

namespace mapguard {

namespace detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins a little, then yields: a writer preempted inside its short critical
// section (an oversubscribed machine) must not be starved by its readers.
class backoff {
 public:
  void pause() noexcept {
    if (++spins_ < 64) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }

 private:
  unsigned spins_ = 0;
};

constexpr std::size_t words_for(std::size_t bytes) { return (bytes + 7) / 8; }

}  // namespace detail

template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
class concurrent_map {
  static_assert(std::is_trivially_copyable_v<K> && std::is_trivially_copyable_v<V>,
                "mapguard::concurrent_map copies keys and values optimistically "
                "while writers may change them; that is only defined for "
                "trivially copyable types. Use a std::unordered_map behind a "
                "std::shared_mutex with mapguard::snapshot for other types.");

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;
  using size_type = std::size_t;
  using hasher = Hash;
  using key_equal = KeyEqual;

  static constexpr std::size_t kDefaultShards = 64;

  // expected_size pre-sizes the shards so that filling the map to that size
  // never grows a table; shard_count is rounded up to a power of two.
  explicit concurrent_map(std::size_t expected_size = 0,
                          std::size_t shard_count = kDefaultShards, const Hash& hash = Hash(),
                          const KeyEqual& eq = KeyEqual())
      : hash_(hash), eq_(eq) {
    std::size_t n = 1;
    unsigned bits = 0;
    while (n < shard_count) {
      n <<= 1;
      ++bits;
    }
    shard_bits_ = bits;
    shards_.reset(new shard[n]);
    shard_count_ = n;
    const std::size_t per_shard = expected_size / n + 1;
    for (std::size_t i = 0; i < n; ++i) {
      shards_[i].tab.store(new table(capacity_for(per_shard)), std::memory_order_relaxed);
    }
  }

  ~concurrent_map() {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      delete shards_[i].tab.load(std::memory_order_relaxed);
    }
  }

  concurrent_map(const concurrent_map&) = delete;
  concurrent_map& operator=(const concurrent_map&) = delete;

  // --- Lookups: lock-free, write nothing shared ------------------------------

  // Copies the value of `key` into `out` and returns true, or returns false.
  bool find(const K& key, V& out) const {
    const std::uint64_t h = hash_of(key);
    const shard& s = shard_for(h);
    detail::backoff b;
    for (;;) {
      const std::uint64_t seq = s.seq.load(std::memory_order_acquire);
      if (seq & 1) {
        b.pause();
        continue;
      }
      const table* t = s.tab.load(std::memory_order_acquire);
      std::uint64_t words[kValueWords] = {};
      bool found = false;
      std::size_t i = home(h, t);
      for (std::size_t probes = 0; probes <= t->mask; ++probes, i = (i + 1) & t->mask) {
        const slot& sl = t->slots[i];
        const std::uint64_t tag = sl.w[0].load(std::memory_order_relaxed);
        if (tag == 0) break;
        if (tag == tag_of(h) && eq_(load_key(sl), key)) {
          for (std::size_t w = 0; w < kValueWords; ++w) {
            words[w] = sl.w[1 + kKeyWords + w].load(std::memory_order_relaxed);
          }
          found = true;
          break;
        }
      }
      std::atomic_thread_fence(std::memory_order_acquire);
      if (s.seq.load(std::memory_order_relaxed) == seq) {
        if (found) std::memcpy(static_cast<void*>(&out), words, sizeof(V));
        return found;
      }
      b.pause();
    }
  }

  std::optional<V> find(const K& key) const {
    V v;
    if (find(key, v)) return v;
    return std::nullopt;
  }

  bool contains(const K& key) const {
    V v;
    return find(key, v);
  }

  // --- Writes: one mutex per shard -------------------------------------------

  // Inserts (key, value) if key is absent. Returns whether it inserted.
  bool insert(const K& key, const V& value) { return put(key, value, false); }

  // Inserts or overwrites. Returns true if it inserted, false if it assigned.
  bool insert_or_assign(const K& key, const V& value) { return put(key, value, true); }

  // Erases key. Returns whether it was present.
  bool erase(const K& key) {
    const std::uint64_t h = hash_of(key);
    shard& s = shard_for(h);
    std::lock_guard<std::mutex> lock(s.write_mu);
    table* t = s.tab.load(std::memory_order_relaxed);
    std::size_t i = home(h, t);
    for (;;) {
      const std::uint64_t tag = t->slots[i].w[0].load(std::memory_order_relaxed);
      if (tag == 0) return false;
      if (tag == tag_of(h) && eq_(load_key(t->slots[i]), key)) break;
      i = (i + 1) & t->mask;
    }
    const std::uint64_t seq = begin_write(s);
    // Backward-shift deletion: pull later members of the cluster into the
    // hole when their home position allows, so no tombstone is needed.
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & t->mask;
      const std::uint64_t tag = t->slots[j].w[0].load(std::memory_order_relaxed);
      if (tag == 0) break;
      const std::size_t k = home(tag, t);
      const bool stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      copy_slot(t->slots[j], t->slots[i]);
      i = j;
    }
    t->slots[i].w[0].store(0, std::memory_order_relaxed);
    end_write(s, seq);
    --s.size;
    s.published_size.store(s.size, std::memory_order_relaxed);
    return true;
  }

  // Removes every element, shard by shard (not atomic across shards).
  void clear() {
    for (std::size_t n = 0; n < shard_count_; ++n) {
      shard& s = shards_[n];
      std::lock_guard<std::mutex> lock(s.write_mu);
      table* t = s.tab.load(std::memory_order_relaxed);
      const std::uint64_t seq = begin_write(s);
      for (std::size_t i = 0; i <= t->mask; ++i) {
        t->slots[i].w[0].store(0, std::memory_order_relaxed);
      }
      end_write(s, seq);
      s.size = 0;
      s.published_size.store(0, std::memory_order_relaxed);
    }
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      n += shards_[i].published_size.load(std::memory_order_relaxed);
    }
    return n;
  }
  bool empty() const { return size() == 0; }
  std::size_t shard_count() const { return shard_count_; }

  // --- Iteration: safe during concurrent writes ------------------------------

  // Calls f(key, value) for each element, under the consistency guarantee
  // above. f runs with no lock held and may call any member of this map.
  template <class F>
  void for_each(F&& f) const {
    std::vector<value_type> buffer;
    for (std::size_t n = 0; n < shard_count_; ++n) {
      copy_shard(n, buffer);
      for (const value_type& kv : buffer) f(kv.first, kv.second);
    }
  }

  // A copy of every element (same guarantee as for_each).
  std::vector<value_type> snapshot() const {
    std::vector<value_type> out, buffer;
    out.reserve(size() + size() / 16);
    for (std::size_t n = 0; n < shard_count_; ++n) {
      copy_shard(n, buffer);
      out.insert(out.end(), buffer.begin(), buffer.end());
    }
    return out;
  }

  // An input iterator over copies of the elements, one shard buffered at a
  // time, so that `for (const auto& [k, v] : map)` works.
  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = concurrent_map::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = const value_type&;
    using pointer = const value_type*;

    const_iterator() = default;
    reference operator*() const { return state_->buffer[state_->pos]; }
    pointer operator->() const { return &state_->buffer[state_->pos]; }
    const_iterator& operator++() {
      if (++state_->pos == state_->buffer.size()) load_next();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.state_ == b.state_;
    }
    friend bool operator!=(const const_iterator& a, const const_iterator& b) {
      return !(a == b);
    }

   private:
    friend class concurrent_map;
    struct cursor {
      const concurrent_map* map;
      std::size_t next_shard = 0;
      std::size_t pos = 0;
      std::vector<value_type> buffer;
    };
    explicit const_iterator(const concurrent_map* map) : state_(std::make_shared<cursor>()) {
      state_->map = map;
      load_next();
    }
    void load_next() {
      while (state_->next_shard < state_->map->shard_count_) {
        state_->map->copy_shard(state_->next_shard++, state_->buffer);
        state_->pos = 0;
        if (!state_->buffer.empty()) return;
      }
      state_.reset();  // the end
    }
    std::shared_ptr<cursor> state_;
  };
  using iterator = const_iterator;

  const_iterator begin() const { return const_iterator(this); }
  const_iterator end() const { return const_iterator(); }

 private:
  static constexpr std::size_t kKeyWords = detail::words_for(sizeof(K));
  static constexpr std::size_t kValueWords = detail::words_for(sizeof(V));
  static constexpr std::size_t kWords = 1 + kKeyWords + kValueWords;
  static constexpr int kOptimisticCopies = 4;

  // w[0]: tag (the full hash with bit 0 set; 0 = empty); then key, value.
  struct slot {
    std::atomic<std::uint64_t> w[kWords];
  };

  struct table {
    explicit table(std::size_t capacity)
        : mask(capacity - 1), slots(new slot[capacity]()) {}
    const std::size_t mask;
    std::unique_ptr<slot[]> slots;
  };

  struct alignas(64) shard {
    std::atomic<std::uint64_t> seq{0};
    std::atomic<table*> tab{nullptr};
    std::atomic<std::size_t> published_size{0};
    std::mutex write_mu;
    std::size_t size = 0;                         // guarded by write_mu
    std::vector<std::unique_ptr<table>> retired;  // guarded by write_mu
  };

  // Tables are at most 5/8 full: linear probing stays short.
  static std::size_t capacity_for(std::size_t elements) {
    std::size_t c = 8;
    while (c * 5 < elements * 8) c <<= 1;
    return c;
  }

  std::uint64_t hash_of(const K& key) const {
    // Fibonacci hashing: spreads std::hash's identity for integers over the
    // high bits, which choose the shard and the home slot.
    return static_cast<std::uint64_t>(hash_(key)) * 0x9E3779B97F4A7C15ull;
  }
  static constexpr std::uint64_t tag_of(std::uint64_t h) { return h | 1; }
  const shard& shard_for(std::uint64_t h) const {
    return shards_[shard_bits_ == 0 ? 0 : h >> (64 - shard_bits_)];
  }
  shard& shard_for(std::uint64_t h) {
    return shards_[shard_bits_ == 0 ? 0 : h >> (64 - shard_bits_)];
  }
  // The home slot: the hash bits just below the shard bits.
  std::size_t home(std::uint64_t h, const table* t) const {
    return static_cast<std::size_t>((h << shard_bits_) >> 32) & t->mask;
  }

  static K load_key(const slot& sl) {
    std::uint64_t words[kKeyWords];
    for (std::size_t w = 0; w < kKeyWords; ++w) {
      words[w] = sl.w[1 + w].load(std::memory_order_relaxed);
    }
    K k;
    std::memcpy(static_cast<void*>(&k), words, sizeof(K));
    return k;
  }
  static V load_value(const slot& sl) {
    std::uint64_t words[kValueWords];
    for (std::size_t w = 0; w < kValueWords; ++w) {
      words[w] = sl.w[1 + kKeyWords + w].load(std::memory_order_relaxed);
    }
    V v;
    std::memcpy(static_cast<void*>(&v), words, sizeof(V));
    return v;
  }
  static void store_entry(slot& sl, std::uint64_t tag, const K& key, const V& value) {
    std::uint64_t kw[kKeyWords] = {};
    std::uint64_t vw[kValueWords] = {};
    std::memcpy(kw, static_cast<const void*>(&key), sizeof(K));
    std::memcpy(vw, static_cast<const void*>(&value), sizeof(V));
    for (std::size_t w = 0; w < kKeyWords; ++w) sl.w[1 + w].store(kw[w], std::memory_order_relaxed);
    for (std::size_t w = 0; w < kValueWords; ++w) {
      sl.w[1 + kKeyWords + w].store(vw[w], std::memory_order_relaxed);
    }
    sl.w[0].store(tag, std::memory_order_relaxed);
  }
  static void copy_slot(const slot& from, slot& to) {
    for (std::size_t w = 0; w < kWords; ++w) {
      to.w[w].store(from.w[w].load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
  }

  // The seqlock's writer side (Boehm, "Can seqlocks get along with
  // programming language memory models?", 2012): odd, release fence, relaxed
  // data stores, release store of the next even value.
  static std::uint64_t begin_write(shard& s) {
    const std::uint64_t seq = s.seq.load(std::memory_order_relaxed);
    s.seq.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    return seq;
  }
  static void end_write(shard& s, std::uint64_t seq) {
    s.seq.store(seq + 2, std::memory_order_release);
  }

  bool put(const K& key, const V& value, bool assign) {
    const std::uint64_t h = hash_of(key);
    shard& s = shard_for(h);
    std::lock_guard<std::mutex> lock(s.write_mu);
    table* t = s.tab.load(std::memory_order_relaxed);
    std::size_t i = home(h, t);
    for (;;) {
      const std::uint64_t tag = t->slots[i].w[0].load(std::memory_order_relaxed);
      if (tag == 0) break;
      if (tag == tag_of(h) && eq_(load_key(t->slots[i]), key)) {
        if (!assign) return false;
        const std::uint64_t seq = begin_write(s);
        store_entry(t->slots[i], tag, key, value);
        end_write(s, seq);
        return false;
      }
      i = (i + 1) & t->mask;
    }
    if ((s.size + 1) * 8 > (t->mask + 1) * 5) {
      t = grow(s, t);
      i = home(h, t);
      while (t->slots[i].w[0].load(std::memory_order_relaxed) != 0) i = (i + 1) & t->mask;
    }
    const std::uint64_t seq = begin_write(s);
    store_entry(t->slots[i], tag_of(h), key, value);
    end_write(s, seq);
    ++s.size;
    s.published_size.store(s.size, std::memory_order_relaxed);
    return true;
  }

  // Doubles the shard's table. Readers keep reading the old one, untouched,
  // until the publication below makes them retry on the new one.
  table* grow(shard& s, table* old) {
    auto fresh = std::make_unique<table>(2 * (old->mask + 1));
    for (std::size_t i = 0; i <= old->mask; ++i) {
      const slot& from = old->slots[i];
      const std::uint64_t tag = from.w[0].load(std::memory_order_relaxed);
      if (tag == 0) continue;
      std::size_t j = home(tag, fresh.get());
      while (fresh->slots[j].w[0].load(std::memory_order_relaxed) != 0) j = (j + 1) & fresh->mask;
      copy_slot(from, fresh->slots[j]);
    }
    table* t = fresh.release();
    const std::uint64_t seq = begin_write(s);
    s.tab.store(t, std::memory_order_release);
    end_write(s, seq);
    s.retired.emplace_back(old);
    return t;
  }

  // Copies shard n into out: optimistically, or under the shard's writer
  // mutex after kOptimisticCopies failed attempts.
  void copy_shard(std::size_t n, std::vector<value_type>& out) const {
    shard& s = shards_[n];
    for (int attempt = 0; attempt < kOptimisticCopies; ++attempt) {
      const std::uint64_t seq = s.seq.load(std::memory_order_acquire);
      if (seq & 1) {
        detail::cpu_relax();
        continue;
      }
      copy_table(s.tab.load(std::memory_order_acquire), out);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (s.seq.load(std::memory_order_relaxed) == seq) return;
    }
    std::lock_guard<std::mutex> lock(s.write_mu);
    copy_table(s.tab.load(std::memory_order_relaxed), out);
  }

  static void copy_table(const table* t, std::vector<value_type>& out) {
    out.clear();
    for (std::size_t i = 0; i <= t->mask; ++i) {
      const slot& sl = t->slots[i];
      if (sl.w[0].load(std::memory_order_relaxed) == 0) continue;
      out.emplace_back(load_key(sl), load_value(sl));
    }
  }

  Hash hash_;
  KeyEqual eq_;
  unsigned shard_bits_ = 0;
  std::size_t shard_count_ = 0;
  std::unique_ptr<shard[]> shards_;
};

template <class K, class V, class H, class E>
struct map_family<concurrent_map<K, V, H, E>> {
  static constexpr bool known = true;
  static constexpr std::string_view name = "mapguard::concurrent_map";
  static constexpr family value = family::Concurrent;
};

static_assert(map_family_agrees_with_table<concurrent_map<int, int>>());

}  // namespace mapguard

#endif  // MAPGUARD_CONCURRENT_MAP_H_
