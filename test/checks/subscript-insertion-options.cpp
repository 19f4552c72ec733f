// RUN: %check_mapguard -std=c++17 %s mapguard-subscript-insertion %t -- \
// RUN:   -config="{CheckOptions: {mapguard-subscript-insertion.IdiomaticMappedTypes: '::std::mutex', mapguard-subscript-insertion.MapTypes: 'app::Table;app::FrozenTable'}}"

#include <atomic>
#include <map>
#include <mutex>

namespace app {
// A project map whose operator[] inserts, like std::map's.
template <class K, class V> class Table {
public:
  V &operator[](const K &k) { return Storage[k]; }
private:
  std::map<K, V> Storage;
};
// A project map whose operator[] is const: it never inserts.
template <class K, class V> class FrozenTable {
public:
  V operator[](const K &) const { return V(); }
};
} // namespace app

// With std::atomic no longer listed, reading a per-key atomic is flagged.
int atomicNoLongerIdiomatic(std::map<int, std::atomic<int>> &counters, int k) {
  return counters[k].load();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'counters' inserts a default element when the key is missing, but the result is only read; it is the only write to 'counters' in 'atomicNoLongerIdiomatic' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

// std::mutex stays listed: silent (and modified anyway).
void mutexStillIdiomatic(std::map<int, std::mutex> &locks, int k) {
  std::lock_guard<std::mutex> guard(locks[k]);
}

// A configured map type: flagged, but no fix-it (its API is unknown).
int configuredMap(app::Table<int, int> &t, int k) {
  return t[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 't' inserts a default element when the key is missing, but the result is only read; it is the only write to 't' in 'configuredMap' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

// A configured map type whose operator[] is const: silent.
int configuredConstSubscript(app::FrozenTable<int, int> &t, int k) {
  return t[k];
}
