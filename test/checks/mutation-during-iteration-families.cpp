// RUN: %check_mapguard -std=c++17-or-later %s mapguard-mutation-during-iteration %t -- \
// RUN:   -config="{CheckOptions: {MapTypes: 'demo::FlatMap=flat;demo::SharedTable=concurrent;::demo::SortedTable'}}"

// Flat (open-addressing, sorted-vector) and concurrent maps given with the
// shared MapTypes option, class templates, function templates and macros.

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

namespace demo {

// A sorted-vector map: inserting or erasing moves elements.
template <class K, class V> class FlatMap {
public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  iterator find(const K &key) {
    return std::find_if(begin(), end(), [&](const value_type &v) { return v.first == key; });
  }
  std::pair<iterator, bool> insert(const value_type &v) {
    items_.push_back(v);
    return {items_.end() - 1, true};
  }
  std::size_t erase(const K &key) {
    auto it = find(key);
    if (it == end())
      return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(iterator it) { return items_.erase(it); }
  V &operator[](const K &key) {
    auto it = find(key);
    return it != end() ? it->second : insert({key, V()}).first->second;
  }

private:
  std::vector<value_type> items_;
};

// A map whose iteration tolerates concurrent and same-thread mutation.
template <class K, class V> class SharedTable {
public:
  using iterator = typename std::map<K, V>::iterator;
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  void insert(const std::pair<K, V> &v) { items_.insert(v); }
  void erase(const K &key) { items_.erase(key); }
  void clear() { items_.clear(); }

private:
  std::map<K, V> items_;
};

// A non-template map type, configured without a family: node-ordered.
class SortedTable : public std::map<int, int> {};

} // namespace demo

// ---------------------------------------------------------------------------
// Flat maps: every insertion or erasure moves elements.

void flatInsertInLoop(demo::FlatMap<int, int> &flat) {
  for (auto &kv : flat)
    flat.insert({kv.first + 1, 0});
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'insert' on 'flat' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'flat' is iterated here; collect the new elements and insert them after the loop
}

void flatEraseAnotherKey(demo::FlatMap<int, int> &flat, int stale) {
  for (auto &kv : flat)
    if (kv.second == stale)
      flat.erase(stale);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'flat' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'flat' is iterated here; collect the keys and erase them after the loop
}

void flatErasePostIncrementIsNotEnough(demo::FlatMap<int, int> &flat) {
  for (auto it = flat.begin(); it != flat.end();)
    if (it->second == 0)
      flat.erase(it++);
    else
      ++it;
  // CHECK-MESSAGES: :[[@LINE-3]]:7: warning: 'erase' on 'flat' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-6]]:3: note: 'flat' is iterated here; collect the keys and erase them after the loop
}

void flatSubscriptNewKey(demo::FlatMap<int, int> &flat) {
  for (auto &kv : flat)
    flat[kv.first * 10] = kv.second;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'operator[]' on 'flat' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'flat' is iterated here; collect the new elements and insert them after the loop
}

// Negatives for flat maps.

void flatEraseReturningIterator(demo::FlatMap<int, int> &flat) {
  for (auto it = flat.begin(); it != flat.end();)
    if (it->second == 0)
      it = flat.erase(it);
    else
      ++it;
}

void flatSubscriptExistingKey(demo::FlatMap<int, int> &flat) {
  for (auto &kv : flat)
    flat[kv.first] += 1;
}

void flatEraseThenBreak(demo::FlatMap<int, int> &flat) {
  for (auto &kv : flat)
    if (kv.second == 0) {
      flat.erase(kv.first);
      break;
    }
}

// ---------------------------------------------------------------------------
// Concurrent maps tolerate mutation during iteration: always silent.

void concurrentMapMutatedInLoop(demo::SharedTable<int, int> &table) {
  for (auto &kv : table) {
    table.insert({kv.first + 1, 0});
    table.erase(kv.first);
    if (kv.second < 0)
      table.clear();
  }
}

// A configured non-template type with the default (node-ordered) family.
void configuredPlainType(demo::SortedTable &sorted) {
  for (auto &kv : sorted)
    sorted.erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'sorted' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'sorted' is iterated here; iterate with an explicit iterator and advance with 'it = sorted.erase(it)'
}

// ---------------------------------------------------------------------------
// Templates: instantiations are analysed; a template that is never
// instantiated is analysed where its map type is known.

template <class Map> void purgeZeros(Map &m) {
  for (auto &kv : m)
    if (kv.second == 0)
      m.erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}
template void purgeZeros(std::map<int, int> &);

template <class K> class Cache {
public:
  void expire(const K &now) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->second < now)
        entries_.erase(it);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'erase' on 'entries_' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-4]]:5: note: 'entries_' is iterated here; advance with 'it = entries_.erase(it)', or use std::erase_if (C++20)
  }
  void expireCorrectly(const K &now) {
    for (auto it = entries_.begin(); it != entries_.end();)
      it = it->second < now ? entries_.erase(it) : std::next(it);
  }

private:
  std::unordered_map<K, K> entries_;
};

template <class K> void neverInstantiated(std::unordered_map<K, int> &m, const K &k) {
  for (auto &kv : m)
    m.emplace(k, kv.second);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'emplace' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; collect the new elements and insert them after the loop
}

// A template instantiated only with a type that is not a map.
template <class Container> void appendWhileIterating(Container &c) {
  for (auto &v : c)
    c.insert(c.end(), v);
}

void instantiate(Cache<int> &cache, std::vector<int> &v) {
  cache.expire(3);
  cache.expireCorrectly(3);
  (void)v;
}

// ---------------------------------------------------------------------------
// Macros: reported at the expansion, silent when the idiom is in the macro.

#define DROP(map, key) (map).erase(key)
#define ERASE_AND_ADVANCE(map, it) it = (map).erase(it)
#define FOR_EACH_ENTRY(entry, map) for (auto &entry : map)

void macroHidesTheErase(std::map<int, int> &m) {
  for (auto &kv : m)
    DROP(m, kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void macroHidesTheLoop(std::unordered_map<int, int> &m) {
  FOR_EACH_ENTRY(entry, m)
    m[entry.first + 1] = 0;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'operator[]' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; collect the new elements and insert them after the loop
}

void macroWithTheIdiom(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();)
    if (it->second == 0)
      ERASE_AND_ADVANCE(m, it);
    else
      ++it;
}
