// RUN: %check_mapguard -std=c++17 %s mapguard-mutation-during-iteration %t -- \
// RUN:   -config="{CheckOptions: {mapguard-mutation-during-iteration.MapTypes: 'demo::Table=hashy;not a name;ok::Table=flat', mapguard-mutation-during-iteration.ReportUncertainErase: maybe}}"
// RUN: %clang_tidy --checks='-*,mapguard-mutation-during-iteration' --dump-config \
// RUN:   -config="{CheckOptions: {MapTypes: 'ok::Table=flat'}}" %s -- -std=c++17 | FileCheck %s --check-prefix=DUMP

// Bad option values are reported through clang-tidy's configuration
// diagnostics, naming the option and the value; the valid entries still apply
// and the bad boolean falls back to its default (no uncertain erase report).

// CHECK-MESSAGES: warning: invalid configuration value 'maybe' for option 'mapguard-mutation-during-iteration.ReportUncertainErase'; expected a bool [clang-tidy-config]
// CHECK-MESSAGES: warning: invalid entry 'demo::Table=hashy' in option 'MapTypes': unknown container family 'hashy'; expected one of 'node-ordered', 'node-unordered', 'flat', 'concurrent'{{.*}} [clang-tidy-config]
// CHECK-MESSAGES: warning: invalid entry 'not a name' in option 'MapTypes': 'not a name' is not a qualified type name [clang-tidy-config]

// The stored options round-trip through --dump-config.
// DUMP: mapguard-mutation-during-iteration.MapTypes: 'ok::Table=flat'
// DUMP: mapguard-mutation-during-iteration.ReportUncertainErase: 'false'

#include <map>
#include <vector>

namespace ok {
template <class K, class V> struct Table {
  using iterator = typename std::vector<std::pair<K, V>>::iterator;
  iterator begin();
  iterator end();
  void insert(const std::pair<K, V> &);
};
} // namespace ok

void validEntryStillApplies(ok::Table<int, int> &t) {
  for (auto &kv : t)
    t.insert({kv.first + 1, 0});
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'insert' on 't' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 't' is iterated here; collect the new elements and insert them after the loop
}

void uncertainEraseStaysOff(std::map<int, int> &m, int stale) {
  for (auto &kv : m)
    if (kv.second == stale)
      m.erase(stale);
}
