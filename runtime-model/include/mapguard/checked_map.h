// Copyright MapGuard authors.
//
// checked_map.h — mapguard::checked_map<Map>, a drop-in wrapper that reports,
// at run time, the map misuse that Go's runtime reports and C++ leaves
// undefined:
//
//   * a mutation that invalidates a live iteration of the same map in the same
//     thread (erasing the current element inside a range-for, inserting into
//     an unordered_map that then rehashes, clear(), assignment, ...);
//   * a mutation from another thread while an iteration is live (Go's
//     "concurrent map iteration and map write");
//   * two threads mutating at once (Go's "concurrent map writes").
//
// How, and why it is cheap. The design copies Go's runtime: a map carries a
// `state` word whose low bit is set while a mutation runs (Go's hashWriting)
// and whose other bits count mutations. Mutations check and set the bit;
// iterators remember the state seen when the iteration began and compare it on
// every increment. Nothing runs on lookups: find/at/count are the wrapped
// map's own. Measured alternatives that also watch reads (an atomic
// read-modify-write per find, or find returning a registered iterator) cost
// 25-60% on lookups, so they were rejected; see docs/runtime-model.md.
//
// What counts as an invalidation comes from container_semantics.def: an
// insertion into a std::map invalidates nothing, so iterating on after it is
// correct C++ and is not reported; an insertion into a std::unordered_map is
// reported only if it actually rehashed (bucket_count() changed); erasing is
// reported only if the erased element is the one an iteration stands on
// (erase addresses are kept in a small ring; past 8 erasures between two
// steps the check is conservative and reports). Mutations from another thread
// are always reported, whatever the table says, because they race.
//
// Detection is best-effort for races, like Go's: a concurrent write that
// starts and ends between two increments of an iteration is seen at the next
// increment (the count changed); one that happens entirely after the last
// increment is not seen. Same-thread invalidations are always seen at the
// next increment.
//
// Reports go to a process-wide handler (set_violation_handler). The default
// prints the map type, the operation and where the iteration began, then
// aborts. A handler may instead throw (the exception leaves the increment or
// the mutation before it touches the map) or return: an iterator whose step
// was reported becomes end(), so the loop stops instead of walking freed
// memory; a mutation whose entry was reported proceeds.

#ifndef MAPGUARD_CHECKED_MAP_H_
#define MAPGUARD_CHECKED_MAP_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mapguard/container_semantics.h"

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define MAPGUARD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define MAPGUARD_UNLIKELY(x) (x)
#endif

namespace mapguard {

// Where something happened in the source, captured by default arguments at
// the call site (range-for's implicit begin() call included).
struct source_site {
  const char* file = "";
  const char* function = "";
  unsigned line = 0;

#if defined(__GNUC__) || defined(__clang__)
  static constexpr source_site current(const char* file = __builtin_FILE(),
                                       const char* function = __builtin_FUNCTION(),
                                       unsigned line = __builtin_LINE()) noexcept {
    return source_site{file, function, line};
  }
#else
  static constexpr source_site current() noexcept { return source_site{}; }
#endif
};

enum class violation_kind : unsigned char {
  // The same thread mutated the map in a way that invalidates the iterator.
  mutation_during_iteration,
  // Another thread mutated the map while this iteration was live.
  concurrent_iteration_and_write,
  // Two threads mutated the map at the same time.
  concurrent_writes,
};

struct violation {
  violation_kind kind;
  std::string_view map_type;   // e.g. "std::map<int, int>"
  std::string_view operation;  // the mutation, e.g. "erase"
  source_site iteration_site;  // where the iteration began (empty for writes)
};

using violation_handler = void (*)(const violation&);

namespace detail {

inline std::string_view kind_text(violation_kind k) {
  switch (k) {
    case violation_kind::mutation_during_iteration:
      return "iterator invalidated: map mutated inside its own iteration";
    case violation_kind::concurrent_iteration_and_write:
      return "concurrent map iteration and map write";
    case violation_kind::concurrent_writes:
      return "concurrent map writes";
  }
  return "map misuse";
}

}  // namespace detail

// The one-line report the default handler prints.
inline std::string describe(const violation& v) {
  std::string out = "mapguard: ";
  out += detail::kind_text(v.kind);
  out += " on ";
  out += v.map_type;
  out += ": ";
  out += v.operation;
  switch (v.kind) {
    case violation_kind::mutation_during_iteration:
      out += " in the same thread";
      break;
    case violation_kind::concurrent_iteration_and_write:
      out += " from another thread";
      break;
    case violation_kind::concurrent_writes:
      out += " while another thread was mutating the map";
      break;
  }
  if (v.iteration_site.line != 0) {
    out += "; the iteration began at ";
    out += v.iteration_site.file;
    out += ":";
    out += std::to_string(v.iteration_site.line);
    out += " in ";
    out += v.iteration_site.function;
  }
  return out;
}

// Prints describe(v) to stderr and aborts, as Go's runtime does.
inline void default_violation_handler(const violation& v) {
  const std::string msg = describe(v);
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::fflush(stderr);
  std::abort();
}

namespace detail {

inline std::atomic<violation_handler>& handler_slot() {
  static std::atomic<violation_handler> slot{&default_violation_handler};
  return slot;
}

inline void report(const violation& v) {
  handler_slot().load(std::memory_order_acquire)(v);
}

// A per-thread address: cheaper than std::this_thread::get_id() and enough
// to tell "this thread" from "another thread".
inline const void* this_thread_token() noexcept {
  static thread_local const char token = 0;
  return &token;
}

// The name of T as the compiler spells it, for messages.
template <class T>
std::string_view type_name() {
  std::string_view s = __PRETTY_FUNCTION__;
  const std::size_t start = s.find("T = ");
  if (start == std::string_view::npos) return "map";
  s.remove_prefix(start + 4);
  std::size_t end = s.find(';');
  if (end == std::string_view::npos) end = s.rfind(']');
  return s.substr(0, end);
}

}  // namespace detail

// Installs `h` (nullptr restores the default) and returns the previous one.
inline violation_handler set_violation_handler(violation_handler h) noexcept {
  return detail::handler_slot().exchange(h ? h : &default_violation_handler,
                                         std::memory_order_acq_rel);
}

// standard: report what the C++ standard forbids (per container_semantics.def).
// strict: report every mutation during a live iteration of the same thread,
// even those the standard allows (insertion into a std::map).
enum class check_mode : unsigned char { standard, strict };

template <class Map, check_mode Mode = check_mode::standard>
class checked_map {
 public:
  using underlying_type = Map;
  using key_type = typename Map::key_type;
  using mapped_type = typename Map::mapped_type;
  using value_type = typename Map::value_type;
  using size_type = typename Map::size_type;
  using difference_type = typename Map::difference_type;
  using allocator_type = typename Map::allocator_type;
  using reference = typename Map::reference;
  using const_reference = typename Map::const_reference;
  using node_type = typename Map::node_type;

 private:
  static constexpr std::uint64_t kUntracked = ~std::uint64_t{0};
  static constexpr std::uint64_t kRing = 8;

  // The family decides which mutations invalidate; an unknown container is
  // treated as flat (every mutation may move every element).
  static constexpr family kFamily = [] {
    if constexpr (map_family<Map>::known) {
      return map_family<Map>::value;
    } else {
      return family::Flat;
    }
  }();

  template <class M, class = void>
  struct has_try_emplace : std::false_type {};
  template <class M>
  struct has_try_emplace<M, std::void_t<decltype(std::declval<M&>().try_emplace(
                                std::declval<const typename M::key_type&>()))>>
      : std::true_type {};
  // Maps with try_emplace (std::map, std::unordered_map, ...) have unique keys.
  static constexpr bool kUniqueKeys = has_try_emplace<Map>::value;
  template <class M, class = void>
  struct has_extract : std::false_type {};
  template <class M>
  struct has_extract<M, std::void_t<decltype(std::declval<M&>().extract(
                            std::declval<const typename M::key_type&>()))>> : std::true_type {};
  // Node-based maps: extracting a node does not move the element.
  static constexpr bool kHasNodeHandles =
      has_extract<Map>::value && (kFamily == family::NodeOrdered || kFamily == family::NodeUnordered);

  static constexpr invalidates compute_invalidation(operation op) {
    if (Mode == check_mode::strict) return invalidates::All;
    const std::optional<semantics_row> row = semantics_of(kFamily, op);
    return row ? row->invalidated : invalidates::All;
  }

  // The table's answers for this map, computed at compile time: a mutation
  // must not scan the table at run time.
  struct invalidation_table {
    invalidates by_op[std::size(kOperations)];
  };
  static constexpr invalidation_table kInvalidation = [] {
    invalidation_table t{};
    for (std::size_t i = 0; i < std::size(kOperations); ++i) {
      t.by_op[i] = compute_invalidation(static_cast<operation>(i));
    }
    return t;
  }();

  static constexpr invalidates invalidation_of(operation op) {
    return kInvalidation.by_op[static_cast<std::size_t>(op)];
  }

  // Per-iterator bookkeeping, compared against the map's on each step.
  struct cursor {
    const checked_map* owner = nullptr;
    std::uint64_t state = kUntracked;
    std::uint64_t elements = 0;  // element-invalidation count seen
    std::uint64_t full = 0;      // full-invalidation count seen
    source_site site;
  };

  // What the slow path may change in a cursor (never its owner or site, so
  // the fast path can keep &owner->state_ in a register).
  struct step_result {
    std::uint64_t state, elements, full;
    bool ok;
  };

  // Out of line: the common case never calls it.
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((noinline, cold))
#endif
  static step_result slow_step(cursor c, const void* current) {
    const bool ok = c.owner->check_step(c, current);
    return {c.state, c.elements, c.full, ok};
  }

 public:
  template <bool Const>
  class basic_iterator {
    using base = std::conditional_t<Const, typename Map::const_iterator, typename Map::iterator>;

   public:
    using iterator_category =
        std::conditional_t<std::is_base_of_v<std::bidirectional_iterator_tag,
                                             typename std::iterator_traits<base>::iterator_category>,
                           std::bidirectional_iterator_tag, std::forward_iterator_tag>;
    using value_type = typename std::iterator_traits<base>::value_type;
    using difference_type = typename std::iterator_traits<base>::difference_type;
    using reference = typename std::iterator_traits<base>::reference;
    using pointer = typename std::iterator_traits<base>::pointer;

    basic_iterator() = default;
    // iterator -> const_iterator
    template <bool C = Const, class = std::enable_if_t<C>>
    basic_iterator(const basic_iterator<false>& other) : it_(other.it_), cur_(other.cur_) {}

    reference operator*() const { return *it_; }
    pointer operator->() const { return &*it_; }

    basic_iterator& operator++() {
      // The fast path: one load and a compare. The slow path gets and returns
      // the cursor by value, so this iterator's address never escapes and the
      // compiler keeps it in registers across the loop.
      // (Incrementing a default-constructed iterator is undefined, as for the
      // wrapped map's, so the owner is not tested for null.)
      if (MAPGUARD_UNLIKELY(cur_.owner->state_.load(std::memory_order_relaxed) != cur_.state)) {
        const step_result r = checked_map::slow_step(cur_, &*it_);
        cur_.state = r.state;
        cur_.elements = r.elements;
        cur_.full = r.full;
        if (!r.ok) {
          it_ = end_of(*cur_.owner);
          return *this;
        }
      }
      ++it_;
      return *this;
    }
    basic_iterator operator++(int) {
      basic_iterator old = *this;
      ++*this;
      return old;
    }
    template <class B = base,
              class = decltype(--std::declval<B&>())>
    basic_iterator& operator--() {
      if (MAPGUARD_UNLIKELY(cur_.owner->state_.load(std::memory_order_relaxed) != cur_.state)) {
        const step_result r =
            checked_map::slow_step(cur_, it_ == end_of(*cur_.owner) ? nullptr : &*it_);
        cur_.state = r.state;
        cur_.elements = r.elements;
        cur_.full = r.full;
        if (!r.ok) {
          it_ = end_of(*cur_.owner);
          return *this;
        }
      }
      --it_;
      return *this;
    }
    template <class B = base, class = decltype(--std::declval<B&>())>
    basic_iterator operator--(int) {
      basic_iterator old = *this;
      --*this;
      return old;
    }

    template <bool C>
    bool operator==(const basic_iterator<C>& o) const { return it_ == o.it_; }
    template <bool C>
    bool operator!=(const basic_iterator<C>& o) const { return it_ != o.it_; }

    // The wrapped map's iterator, for code that needs it.
    const base& underlying() const { return it_; }

   private:
    friend class checked_map;
    template <bool>
    friend class basic_iterator;

    basic_iterator(base it, const cursor& cur) : it_(it), cur_(cur) {}

    static base end_of(const checked_map& owner) {
      // An iterator whose step was reported stops at end(); the const_cast
      // only recovers the mutable end() of the map the iterator came from.
      if constexpr (Const) {
        return owner.m_.end();
      } else {
        return const_cast<checked_map&>(owner).m_.end();
      }
    }

    base it_{};
    cursor cur_;
  };

  using iterator = basic_iterator<false>;
  using const_iterator = basic_iterator<true>;

  // --- Construction ---------------------------------------------------------
  // Copies and moves carry the elements, never the bookkeeping: a new map has
  // no live iteration.

  checked_map() = default;
  explicit checked_map(const Map& m) : m_(m) {}
  explicit checked_map(Map&& m) : m_(std::move(m)) {}
  checked_map(std::initializer_list<value_type> init) : m_(init) {}
  template <class InputIt>
  checked_map(InputIt first, InputIt last) : m_(first, last) {}
  checked_map(const checked_map& other) : m_(other.m_) {}
  checked_map(checked_map&& other) noexcept(std::is_nothrow_move_constructible_v<Map>)
      : m_((other.note_mutation_of_moved_from(), std::move(other.m_))) {}

  checked_map& operator=(const checked_map& other) {
    if (this != &other) {
      write_scope w(*this, operation::Assign);
      m_ = other.m_;
      note_invalidation(invalidation_of(operation::Assign));
    }
    return *this;
  }
  checked_map& operator=(checked_map&& other) {
    if (this != &other) {
      write_scope w(*this, operation::Assign);
      other.note_mutation_of_moved_from();
      m_ = std::move(other.m_);
      note_invalidation(invalidation_of(operation::Assign));
    }
    return *this;
  }
  checked_map& operator=(std::initializer_list<value_type> init) {
    write_scope w(*this, operation::Assign);
    m_ = init;
    note_invalidation(invalidation_of(operation::Assign));
    return *this;
  }

  // The wrapped map, read-only: mutating it directly would bypass the checks.
  const Map& underlying() const noexcept { return m_; }

  // --- Iteration ------------------------------------------------------------
  // begin() starts an iteration: it records the map's state and where it was
  // called from (range-for included), for the report.

  iterator begin(source_site site = source_site::current()) {
    return iterator(m_.begin(), start_cursor(site));
  }
  const_iterator begin(source_site site = source_site::current()) const {
    return const_iterator(m_.begin(), start_cursor(site));
  }
  const_iterator cbegin(source_site site = source_site::current()) const {
    return const_iterator(m_.cbegin(), start_cursor(site));
  }
  iterator end() noexcept { return iterator(m_.end(), lookup_cursor()); }
  const_iterator end() const noexcept { return const_iterator(m_.end(), lookup_cursor()); }
  const_iterator cend() const noexcept { return const_iterator(m_.cend(), lookup_cursor()); }

  // --- Reads: the wrapped map's own, nothing added ----------------------------
  // Iterators returned by lookups start tracking at their first increment.

  bool empty() const noexcept { return m_.empty(); }
  size_type size() const noexcept { return m_.size(); }
  size_type max_size() const noexcept { return m_.max_size(); }

  iterator find(const key_type& k) { return iterator(m_.find(k), lookup_cursor()); }
  const_iterator find(const key_type& k) const {
    return const_iterator(m_.find(k), lookup_cursor());
  }
  size_type count(const key_type& k) const { return m_.count(k); }
  bool contains(const key_type& k) const { return m_.find(k) != m_.end(); }
  template <class M = Map>
  auto at(const key_type& k) -> decltype(std::declval<M&>().at(k)) {
    return m_.at(k);
  }
  template <class M = Map>
  auto at(const key_type& k) const -> decltype(std::declval<const M&>().at(k)) {
    return m_.at(k);
  }
  std::pair<iterator, iterator> equal_range(const key_type& k) {
    auto r = m_.equal_range(k);
    return {iterator(r.first, lookup_cursor()), iterator(r.second, lookup_cursor())};
  }
  std::pair<const_iterator, const_iterator> equal_range(const key_type& k) const {
    auto r = m_.equal_range(k);
    return {const_iterator(r.first, lookup_cursor()), const_iterator(r.second, lookup_cursor())};
  }
  template <class M = Map, class = decltype(std::declval<M&>().lower_bound(std::declval<key_type>()))>
  iterator lower_bound(const key_type& k) {
    return iterator(m_.lower_bound(k), lookup_cursor());
  }
  template <class M = Map, class = decltype(std::declval<M&>().upper_bound(std::declval<key_type>()))>
  iterator upper_bound(const key_type& k) {
    return iterator(m_.upper_bound(k), lookup_cursor());
  }
  template <class M = Map>
  auto bucket_count() const -> decltype(std::declval<const M&>().bucket_count()) {
    return m_.bucket_count();
  }
  template <class M = Map>
  auto load_factor() const -> decltype(std::declval<const M&>().load_factor()) {
    return m_.load_factor();
  }
  template <class M = Map>
  auto max_load_factor() const -> decltype(std::declval<const M&>().max_load_factor()) {
    return m_.max_load_factor();
  }

  // --- Mutations --------------------------------------------------------------

  std::pair<iterator, bool> insert(const value_type& v) {
    return inserted(operation::Insert, [&] { return m_.insert(v); });
  }
  std::pair<iterator, bool> insert(value_type&& v) {
    return inserted(operation::Insert, [&] { return m_.insert(std::move(v)); });
  }
  template <class P, class = std::enable_if_t<std::is_constructible_v<value_type, P&&>>>
  auto insert(P&& v) {
    return inserted(operation::Insert, [&] { return m_.insert(std::forward<P>(v)); });
  }
  iterator insert(const_iterator hint, const value_type& v) {
    return inserted(operation::Insert, [&] { return m_.insert(hint.it_, v); });
  }
  template <class InputIt>
  void insert(InputIt first, InputIt last) {
    inserted(operation::InsertRange, [&] {
      m_.insert(first, last);
      return 0;
    });
  }
  void insert(std::initializer_list<value_type> init) { insert(init.begin(), init.end()); }
  auto insert(node_type&& nh) {
    return inserted(operation::Insert, [&] { return m_.insert(std::move(nh)); });
  }

  template <class... Args>
  auto emplace(Args&&... args) {
    return inserted(operation::Emplace, [&] { return m_.emplace(std::forward<Args>(args)...); });
  }
  template <class... Args>
  iterator emplace_hint(const_iterator hint, Args&&... args) {
    return inserted(operation::EmplaceHint,
                    [&] { return m_.emplace_hint(hint.it_, std::forward<Args>(args)...); });
  }
  template <class... Args>
  std::pair<iterator, bool> try_emplace(const key_type& k, Args&&... args) {
    return inserted(operation::TryEmplace,
                    [&] { return m_.try_emplace(k, std::forward<Args>(args)...); });
  }
  template <class... Args>
  std::pair<iterator, bool> try_emplace(key_type&& k, Args&&... args) {
    return inserted(operation::TryEmplace,
                    [&] { return m_.try_emplace(std::move(k), std::forward<Args>(args)...); });
  }
  template <class M>
  std::pair<iterator, bool> insert_or_assign(const key_type& k, M&& obj) {
    return inserted(operation::InsertOrAssign,
                    [&] { return m_.insert_or_assign(k, std::forward<M>(obj)); });
  }
  template <class M>
  std::pair<iterator, bool> insert_or_assign(key_type&& k, M&& obj) {
    return inserted(operation::InsertOrAssign,
                    [&] { return m_.insert_or_assign(std::move(k), std::forward<M>(obj)); });
  }

  // operator[] is a mutation even when the key exists (it may insert), as in
  // Go, where m[k] = v is a write.
  mapped_type& operator[](const key_type& k) {
    return inserted(operation::Subscript, [&]() -> mapped_type& { return m_[k]; });
  }
  mapped_type& operator[](key_type&& k) {
    return inserted(operation::Subscript, [&]() -> mapped_type& { return m_[std::move(k)]; });
  }

  size_type erase(const key_type& k) {
    write_scope w(*this, operation::EraseKey);
    if constexpr (kUniqueKeys && kHasNodeHandles) {
      // extract(key) costs what erase(key) costs (one lookup, one unlink; a
      // find + erase(iterator) would hash twice) and yields the element's
      // address for the ring. `first` sits at offset 0 of the pair.
      auto nh = m_.extract(k);
      if (nh.empty()) return 0;
      note_erased(static_cast<const void*>(std::addressof(nh.key())));
      return 1;
    }
    auto range = m_.equal_range(k);
    size_type n = 0;
    for (auto it = range.first; it != range.second; ++it, ++n) note_erased(&*it);
    m_.erase(range.first, range.second);
    return n;
  }
  iterator erase(const_iterator pos) {
    // The returned iterator continues the caller's iteration: it carries the
    // caller's cursor, refreshed past this legitimate erasure.
    cursor cur = pos.cur_;
    if (!validate(cur, &*pos.it_)) return end();
    write_scope w(*this, operation::EraseIterator);
    note_erased(&*pos.it_);
    auto next = m_.erase(pos.it_);
    refresh_after_own_write(cur, w.state_after());
    return iterator(next, cur);
  }
  iterator erase(iterator pos) { return erase(const_iterator(pos)); }
  iterator erase(const_iterator first, const_iterator last) {
    cursor cur = first.cur_;
    if (first.it_ != last.it_ && !validate(cur, &*first.it_)) return end();
    write_scope w(*this, operation::EraseRange);
    for (auto it = first.it_; it != last.it_; ++it) note_erased(&*it);
    auto next = m_.erase(first.it_, last.it_);
    refresh_after_own_write(cur, w.state_after());
    return iterator(next, cur);
  }

  void clear() {
    write_scope w(*this, operation::Clear);
    m_.clear();
    note_invalidation(invalidation_of(operation::Clear));
  }

  void swap(checked_map& other) {
    write_scope w(*this, operation::Swap);
    write_scope wo(other, operation::Swap);
    m_.swap(other.m_);
    note_invalidation(invalidation_of(operation::Swap));
    other.note_invalidation(invalidation_of(operation::Swap));
  }
  friend void swap(checked_map& a, checked_map& b) { a.swap(b); }

  node_type extract(const key_type& k) {
    write_scope w(*this, operation::ExtractKey);
    auto it = m_.find(k);
    if (it == m_.end()) return node_type();
    note_erased(&*it);
    return m_.extract(it);
  }
  node_type extract(const_iterator pos) {
    write_scope w(*this, operation::ExtractIterator);
    note_erased(&*pos.it_);
    return m_.extract(pos.it_);
  }

  // Elements move from `source` into this map: every iteration of `source`
  // is invalidated; this map's follow the table (none for std::map).
  void merge(checked_map& source) {
    write_scope w(*this, operation::Merge);
    write_scope ws(source, operation::Merge);
    const std::size_t b = buckets();
    m_.merge(source.m_);
    after_growth(operation::Merge, b);
    source.note_invalidation(invalidates::All);
  }

  template <class M = Map, class = decltype(std::declval<M&>().rehash(0))>
  void rehash(size_type n) {
    write_scope w(*this, operation::Rehash);
    const std::size_t b = buckets();
    m_.rehash(n);
    after_growth(operation::Rehash, b);
  }
  template <class M = Map, class = decltype(std::declval<M&>().reserve(0))>
  void reserve(size_type n) {
    write_scope w(*this, operation::Reserve);
    const std::size_t b = buckets();
    m_.reserve(n);
    after_growth(operation::Reserve, b);
  }

  friend bool operator==(const checked_map& a, const checked_map& b) { return a.m_ == b.m_; }
  friend bool operator!=(const checked_map& a, const checked_map& b) { return a.m_ != b.m_; }

 private:
  // Sets the writing bit for the duration of a mutation (exception-safe) and
  // reports a writer already inside. Go does the same with hashWriting.
  class write_scope {
   public:
    write_scope(const checked_map& map, operation op) : map_(map) {
      std::uint64_t s = map_.state_.load(std::memory_order_relaxed);
      if (s & 1) {
        map_.report(violation_kind::concurrent_writes, op, source_site{});
        s = map_.state_.load(std::memory_order_relaxed);
      }
      start_ = s | 1;
      map_.state_.store(start_, std::memory_order_relaxed);
      map_.writer_.store(detail::this_thread_token(), std::memory_order_relaxed);
      map_.last_op_.store(static_cast<unsigned char>(op), std::memory_order_relaxed);
      // Keep the map's own stores after the flag, as seen by the compiler.
      std::atomic_signal_fence(std::memory_order_seq_cst);
    }
    ~write_scope() { map_.state_.store(start_ + 1, std::memory_order_release); }
    // The state the map will have once this mutation ends.
    std::uint64_t state_after() const { return start_ + 1; }

   private:
    const checked_map& map_;
    std::uint64_t start_;
  };

  template <class M, class = void>
  struct has_bucket_count : std::false_type {};
  template <class M>
  struct has_bucket_count<M, std::void_t<decltype(std::declval<const M&>().bucket_count())>>
      : std::true_type {};

  // The bucket count, when a rehash is what decides invalidation; otherwise a
  // constant, so maps that never rehash pay nothing.
  std::size_t buckets() const {
    if constexpr (has_bucket_count<Map>::value) {
      if constexpr (invalidation_of(operation::Insert) == invalidates::AllIfRehash ||
                    invalidation_of(operation::Rehash) == invalidates::AllIfRehash) {
        return m_.bucket_count();
      }
    }
    return 0;
  }

  // Before a mutation through a caller's iterator: that iterator must still
  // be valid (same rules as a step), or the mutation itself is the misuse.
  bool validate(cursor& c, const void* current) const {
    if (c.owner == nullptr || c.state == kUntracked) return true;
    if (state_.load(std::memory_order_acquire) == c.state) return true;
    return check_step(c, current);
  }

  // After an operation that may grow the table: applies its row.
  void after_growth(operation op, std::size_t buckets_before) {
    const invalidates inv = invalidation_of(op);
    if (inv == invalidates::AllIfRehash) {
      if (buckets() != buckets_before) bump(full_);
    } else {
      note_invalidation(inv);
    }
  }

  template <class F>
  decltype(auto) inserted(operation op, F&& f) {
    write_scope w(*this, op);
    const std::size_t b = buckets();
    if constexpr (std::is_reference_v<decltype(f())>) {
      decltype(auto) r = f();
      after_growth(op, b);
      return r;
    } else {
      auto r = f();
      after_growth(op, b);
      return wrap(std::move(r));
    }
  }

  template <class R>
  auto wrap(R r) {
    if constexpr (std::is_same_v<R, typename Map::iterator>) {
      return iterator(r, lookup_cursor());
    } else if constexpr (std::is_same_v<R, std::pair<typename Map::iterator, bool>>) {
      return std::pair<iterator, bool>(iterator(r.first, lookup_cursor()), r.second);
    } else {
      return r;  // insert_return_type, int, ...
    }
  }

  void note_invalidation(invalidates inv) {
    switch (inv) {
      case invalidates::None:
        break;
      case invalidates::Element:
      case invalidates::AllIfRehash:  // callers that know better use after_growth
      case invalidates::All:
      case invalidates::Rebinds:
        bump(full_);
        break;
    }
  }

  void note_erased(const void* element) {
    if (invalidation_of(operation::EraseKey) == invalidates::Element) {
      const std::uint64_t n = elements_.load(std::memory_order_relaxed);
      ring_[n % kRing].store(element, std::memory_order_relaxed);
      elements_.store(n + 1, std::memory_order_relaxed);
    } else {
      bump(full_);
    }
  }

  // Only the writer (who holds the writing bit) bumps, so load+store is enough
  // and cheaper than fetch_add; concurrent writers are reported anyway.
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  void note_mutation_of_moved_from() {
    write_scope w(*this, operation::Assign);
    bump(full_);
  }

  cursor start_cursor(const source_site& site) const {
    cursor c;
    c.owner = this;
    c.state = state_.load(std::memory_order_acquire);
    if (c.state & 1) {
      // A mutation is running: in another thread, since this one is here.
      report(violation_kind::concurrent_iteration_and_write,
             static_cast<operation>(last_op_.load(std::memory_order_relaxed)), site);
      c.state = kUntracked;
    }
    c.elements = elements_.load(std::memory_order_relaxed);
    c.full = full_.load(std::memory_order_relaxed);
    c.site = site;
    return c;
  }
  cursor lookup_cursor() const noexcept {
    cursor c;
    c.owner = this;
    return c;
  }

  void refresh_after_own_write(cursor& c, std::uint64_t state_after) const {
    if (c.owner == nullptr || c.state == kUntracked) return;
    c.state = state_after;
    c.elements = elements_.load(std::memory_order_relaxed);
    c.full = full_.load(std::memory_order_relaxed);
  }

  // The slow path of an increment: the state changed since the iterator last
  // looked. Returns false after reporting (the iterator then ends).
  bool check_step(cursor& c, const void* current) const {
    const std::uint64_t s = state_.load(std::memory_order_acquire);
    const auto op = static_cast<operation>(last_op_.load(std::memory_order_relaxed));
    const bool other_thread =
        writer_.load(std::memory_order_relaxed) != detail::this_thread_token();
    if (c.state == kUntracked) {
      // An iterator from find()/end(): its iteration starts now.
      if ((s & 1) && other_thread) {
        report(violation_kind::concurrent_iteration_and_write, op, c.site);
        return false;
      }
      c.state = s;
      c.elements = elements_.load(std::memory_order_relaxed);
      c.full = full_.load(std::memory_order_relaxed);
      return true;
    }
    if ((s & 1) || other_thread) {
      report(violation_kind::concurrent_iteration_and_write, op, c.site);
      return false;
    }
    if (full_.load(std::memory_order_relaxed) != c.full) {
      report(violation_kind::mutation_during_iteration, op, c.site);
      return false;
    }
    const std::uint64_t e = elements_.load(std::memory_order_relaxed);
    if (e - c.elements > kRing) {
      // Too many erasures since the last step to know which: conservative.
      report(violation_kind::mutation_during_iteration, op, c.site);
      return false;
    }
    for (std::uint64_t i = c.elements; i != e; ++i) {
      if (ring_[i % kRing].load(std::memory_order_relaxed) == current) {
        report(violation_kind::mutation_during_iteration, op, c.site);
        return false;
      }
    }
    c.state = s;
    c.elements = e;
    return true;
  }

  void report(violation_kind kind, operation op, const source_site& site) const {
    violation v{kind, detail::type_name<Map>(), info(op).spelling, site};
    detail::report(v);
  }

  Map m_;
  // Bit 0: a mutation is running. Bits 1..63: number of mutations.
  mutable std::atomic<std::uint64_t> state_{0};
  mutable std::atomic<const void*> writer_{nullptr};
  mutable std::atomic<unsigned char> last_op_{0};
  // Invalidations of every iterator (rehash, clear, flat-table growth...).
  std::atomic<std::uint64_t> full_{0};
  // Invalidations of single elements, whose addresses go to ring_.
  std::atomic<std::uint64_t> elements_{0};
  std::atomic<const void*> ring_[kRing] = {};
};

}  // namespace mapguard

#endif  // MAPGUARD_CHECKED_MAP_H_
