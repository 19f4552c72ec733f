// Incomplete types around maps: a map of pointers to a declared-only type
// (valid), a map of incomplete values (errors inside the standard library),
// ranges, templates and member accesses of incomplete type. clang-tidy exits
// with the compiler's errors, never crashes, and the checks still judge the
// loops whose types are known.
//
// RUN: not %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='Stack dump' --implicit-check-not='PLEASE submit'

#include <map>
#include <memory>
#include <unordered_map>

struct Fwd;
struct Holder;
template <typename T> struct Box;

// A map whose mapped type is only declared: fine as long as no member that
// needs it is instantiated.
void pointers(std::map<int, Fwd *> &m) {
  for (auto it = m.begin(); it != m.end(); ++it)
    if (!it->second)
      m.erase(it);
      // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

// A map of an incomplete type used as a value: errors in instantiation.
void values(std::map<int, Fwd> &m) {
  for (auto &e : m)
    m.erase(e.first);
    // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

// Iterating an object of incomplete type.
void incompleteRange(Holder &h) {
  for (auto &e : h)
  // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:18: error: cannot use incomplete type 'Holder' as a range [clang-diagnostic-error]
    (void)e;
}

// An incomplete class template as the map.
void incompleteTemplate(Box<std::map<int, int>> &b) {
  for (auto &e : b.items)
  // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:19: error: implicit instantiation of undefined template 'Box<std::map<int, int>>' [clang-diagnostic-error]
    b.items.erase(e.first);
    // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:6: error: implicit instantiation of undefined template 'Box<std::map<int, int>>' [clang-diagnostic-error]
}

// Members of an incomplete type inside a loop over a real map.
void memberOfIncomplete(std::unordered_map<int, int> &m, Holder *h) {
  for (auto &e : m)
    h->table.erase(e.first);
    // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:6: error: member access into incomplete type 'Holder' [clang-diagnostic-error]
}

struct SelfReferential {
  std::map<int, SelfReferential> children;
  void prune() {
    for (auto &c : children)
      children.erase(c.first);
      // CHECK-DAG: incomplete-types.cpp:[[@LINE-1]]:7: warning: 'erase' on 'children' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  }
};
// CHECK-DAG: Found compiler error(s).
