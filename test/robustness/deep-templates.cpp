// Deeply nested templates: a template recursing 200 levels with a loop at
// each level, a map type nested 16 levels deep walked by a recursive
// template, variadic packs over maps, and 64 nested loops over one map.
// clang-tidy exits 0 in reasonable time; each hazard is reported once.
//
// RUN: timeout 120 %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='error:'
#include <map>
#include <unordered_map>
#include <utility>

// A recursive template: every level iterates a map and erases from it. Each
// instantiation is judged; the diagnostic for the shared template line is
// reported once.
template <int N> struct Level {
  static void prune(std::map<int, int> &m) {
    for (auto &e : m)
      if (e.second == N)
        m.erase(e.first);
        // CHECK-DAG: deep-templates.cpp:[[@LINE-1]]:9: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    Level<N - 1>::prune(m);
  }
};
template <> struct Level<0> {
  static void prune(std::map<int, int> &) {}
};

// A map type nested 16 levels deep (clang's own cost grows steeply beyond).
template <int N> struct Nested {
  using type = std::map<int, typename Nested<N - 1>::type>;
};
template <> struct Nested<0> {
  using type = int;
};

inline void walk(int &) {}
template <typename Map> void walk(Map &m) {
  for (auto it = m.begin(); it != m.end(); ++it)
    walk(it->second);
}

// Variadic expansion over many maps.
template <typename... Maps> void clearAll(Maps &...maps) { (maps.clear(), ...); }

template <typename Map, typename... Rest>
void eraseFirstKeys(Map &m, Rest &...rest) {
  for (auto it = m.begin(); it != m.end();) {
    it = m.erase(it);
  }
  if constexpr (sizeof...(rest) > 0)
    eraseFirstKeys(rest...);
}

// Loops nested 64 deep, each over a map; the innermost erases from the
// outermost.
#define L(m) for (auto &e##m : m)
void nestedLoops(std::map<int, int> &m) {
  L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m)
  L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m)
  L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m)
  L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m) L(m)
    m.clear();
    // CHECK-DAG: deep-templates.cpp:[[@LINE-1]]:5: warning: 'clear' on 'm' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

void instantiate() {
  std::map<int, int> m;
  Level<200>::prune(m);
  Nested<16>::type deep;
  walk(deep);
  std::map<int, int> a, b, c, d;
  std::unordered_map<int, int> u;
  clearAll(a, b, c, d, u);
  eraseFirstKeys(a, b, c, d, u);
}
