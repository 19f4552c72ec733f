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
// table with linear probing, at most 3/4 full, whose slots have a separate
// array of one-byte controls (0 = empty, else 7 bits of the hash, as in Swiss
// tables: probes read bytes; a slot is read only on a byte match), guarded by
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
  static_assert(std::is_default_constructible_v<K> && std::is_default_constructible_v<V>,
                "mapguard::concurrent_map materializes copies of keys and values");

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
    const std::uint8_t c = ctrl_of(h);
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
        const std::uint8_t ci = t->ctrl[i].load(std::memory_order_relaxed);
        if (ci == 0) break;
        if (ci == c && eq_(load_key(t->slots[i]), key)) {
          for (std::size_t w = 0; w < kValueWords; ++w) {
            words[w] = t->slots[i].w[kKeyWords + w].load(std::memory_order_relaxed);
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
    const std::uint8_t c = ctrl_of(h);
    shard& s = shard_for(h);
    std::lock_guard<std::mutex> lock(s.write_mu);
    table* t = s.tab.load(std::memory_order_relaxed);
    std::size_t i = home(h, t);
    for (;;) {
      const std::uint8_t ci = t->ctrl[i].load(std::memory_order_relaxed);
      if (ci == 0) return false;
      if (ci == c && eq_(load_key(t->slots[i]), key)) break;
      i = (i + 1) & t->mask;
    }
    const std::uint64_t seq = begin_write(s);
    // Backward-shift deletion: pull later members of the cluster into the
    // hole when their home position allows, so no tombstone is needed.
    std::size_t j = i;
    for (;;) {
      j = (j + 1) & t->mask;
      if (t->ctrl[j].load(std::memory_order_relaxed) == 0) break;
      const std::size_t k = home(hash_of(load_key(t->slots[j])), t);
      const bool stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      move_slot(*t, j, i);
      i = j;
    }
    t->ctrl[i].store(0, std::memory_order_relaxed);
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
      for (std::size_t i = 0; i <= t->mask; ++i) t->ctrl[i].store(0, std::memory_order_relaxed);
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
    shard_buffer buffer;
    for (std::size_t n = 0; n < shard_count_; ++n) {
      copy_shard(n, buffer);
      const value_type* kv = buffer.data.get();
      for (std::size_t i = 0; i < buffer.size; ++i) f(kv[i].first, kv[i].second);
    }
  }

  // A copy of every element (same guarantee as for_each).
  std::vector<value_type> snapshot() const {
    std::vector<value_type> out;
    out.reserve(size() + size() / 16);
    shard_buffer buffer;
    for (std::size_t n = 0; n < shard_count_; ++n) {
      copy_shard(n, buffer);
      out.insert(out.end(), buffer.data.get(), buffer.data.get() + buffer.size);
    }
    return out;
  }

 private:
  // Copies of one shard. Grown, never shrunk, so that iterating a map costs
  // one allocation per iteration, not one per shard.
  struct shard_buffer {
    std::unique_ptr<value_type[]> data;
    std::size_t capacity = 0;
    std::size_t size = 0;
    void reserve(std::size_t n) {
      if (n <= capacity) return;
      data.reset(new value_type[n]);
      capacity = n;
    }
  };

 public:
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
    reference operator*() const { return state_->buffer.data[state_->pos]; }
    pointer operator->() const { return &state_->buffer.data[state_->pos]; }
    const_iterator& operator++() {
      if (++state_->pos == state_->buffer.size) load_next();
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
      const concurrent_map* map = nullptr;
      std::size_t next_shard = 0;
      std::size_t pos = 0;
      shard_buffer buffer;
    };
    explicit const_iterator(const concurrent_map* map) : state_(std::make_shared<cursor>()) {
      state_->map = map;
      load_next();
    }
    void load_next() {
      while (state_->next_shard < state_->map->shard_count_) {
        state_->map->copy_shard(state_->next_shard++, state_->buffer);
        state_->pos = 0;
        if (state_->buffer.size != 0) return;
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
  static constexpr std::size_t kWords = kKeyWords + kValueWords;
  static constexpr int kOptimisticCopies = 4;

  // The key's words, then the value's.
  struct slot {
    std::atomic<std::uint64_t> w[kWords];
  };

  // Control bytes (0 = empty, else 0x80 | 7 bits of the hash) in their own
  // array, as in Swiss tables: a probe reads bytes, not slots, so a miss or a
  // scan touches little memory; the slot is read only on a byte match.
  struct table {
    explicit table(std::size_t capacity)
        : mask(capacity - 1),
          ctrl(new std::atomic<std::uint8_t>[capacity]()),
          slots(new slot[capacity]()) {}
    const std::size_t mask;
    std::unique_ptr<std::atomic<std::uint8_t>[]> ctrl;
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

  // Tables are at most 3/4 full: probes read control bytes, so even a miss's
  // longer probe sequence stays within a cache line or two.
  static std::size_t capacity_for(std::size_t elements) {
    std::size_t c = 8;
    while (c * 3 < elements * 4) c <<= 1;
    return c;
  }

  std::uint64_t hash_of(const K& key) const {
    // Fibonacci hashing: spreads std::hash's identity for integers over the
    // high bits, which choose the shard and the home slot.
    return static_cast<std::uint64_t>(hash_(key)) * 0x9E3779B97F4A7C15ull;
  }
  static constexpr std::uint8_t ctrl_of(std::uint64_t h) {
    return static_cast<std::uint8_t>(0x80 | ((h >> 8) & 0x7F));
  }
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
      words[w] = sl.w[w].load(std::memory_order_relaxed);
    }
    K k;
    std::memcpy(static_cast<void*>(&k), words, sizeof(K));
    return k;
  }
  static V load_value(const slot& sl) {
    std::uint64_t words[kValueWords];
    for (std::size_t w = 0; w < kValueWords; ++w) {
      words[w] = sl.w[kKeyWords + w].load(std::memory_order_relaxed);
    }
    V v;
    std::memcpy(static_cast<void*>(&v), words, sizeof(V));
    return v;
  }
  static void store_entry(table& t, std::size_t i, std::uint8_t c, const K& key,
                          const V& value) {
    std::uint64_t kw[kKeyWords] = {};
    std::uint64_t vw[kValueWords] = {};
    std::memcpy(kw, static_cast<const void*>(&key), sizeof(K));
    std::memcpy(vw, static_cast<const void*>(&value), sizeof(V));
    slot& sl = t.slots[i];
    for (std::size_t w = 0; w < kKeyWords; ++w) sl.w[w].store(kw[w], std::memory_order_relaxed);
    for (std::size_t w = 0; w < kValueWords; ++w) {
      sl.w[kKeyWords + w].store(vw[w], std::memory_order_relaxed);
    }
    t.ctrl[i].store(c, std::memory_order_relaxed);
  }
  static void copy_words(const slot& from, slot& to) {
    for (std::size_t w = 0; w < kWords; ++w) {
      to.w[w].store(from.w[w].load(std::memory_order_relaxed), std::memory_order_relaxed);
    }
  }
  static void move_slot(table& t, std::size_t from, std::size_t to) {
    copy_words(t.slots[from], t.slots[to]);
    t.ctrl[to].store(t.ctrl[from].load(std::memory_order_relaxed), std::memory_order_relaxed);
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
    const std::uint8_t c = ctrl_of(h);
    shard& s = shard_for(h);
    std::lock_guard<std::mutex> lock(s.write_mu);
    table* t = s.tab.load(std::memory_order_relaxed);
    std::size_t i = home(h, t);
    for (;;) {
      const std::uint8_t ci = t->ctrl[i].load(std::memory_order_relaxed);
      if (ci == 0) break;
      if (ci == c && eq_(load_key(t->slots[i]), key)) {
        if (!assign) return false;
        const std::uint64_t seq = begin_write(s);
        store_entry(*t, i, c, key, value);
        end_write(s, seq);
        return false;
      }
      i = (i + 1) & t->mask;
    }
    if ((s.size + 1) * 4 > (t->mask + 1) * 3) {
      t = grow(s, t);
      i = home(h, t);
      while (t->ctrl[i].load(std::memory_order_relaxed) != 0) i = (i + 1) & t->mask;
    }
    const std::uint64_t seq = begin_write(s);
    store_entry(*t, i, c, key, value);
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
      const std::uint8_t c = old->ctrl[i].load(std::memory_order_relaxed);
      if (c == 0) continue;
      std::size_t j = home(hash_of(load_key(old->slots[i])), fresh.get());
      while (fresh->ctrl[j].load(std::memory_order_relaxed) != 0) j = (j + 1) & fresh->mask;
      copy_words(old->slots[i], fresh->slots[j]);
      fresh->ctrl[j].store(c, std::memory_order_relaxed);
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
  void copy_shard(std::size_t n, shard_buffer& out) const {
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

  // Branch-free: every slot is copied to the next free buffer position, and
  // the position advances only past occupied ones. A sequential read of the
  // table with no mispredicted branch per slot.
  static void copy_table(const table* t, shard_buffer& out) {
    const std::size_t capacity = t->mask + 1;
    out.reserve(capacity + 1);
    value_type* dst = out.data.get();
    std::size_t n = 0;
    for (std::size_t i = 0; i < capacity; ++i) {
      const slot& sl = t->slots[i];
      dst[n].first = load_key(sl);
      dst[n].second = load_value(sl);
      n += t->ctrl[i].load(std::memory_order_relaxed) != 0;
    }
    out.size = n;
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
