// Code that only half-compiles: calls with the wrong arguments, undeclared
// names, members that do not exist. Clang keeps such expressions in the AST
// as RecoveryExpr (or drops them); the checks must neither crash on them nor
// take them for map operations, and still judge the well-formed loops.
//
// RUN: not %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='Stack dump' --implicit-check-not='PLEASE submit'
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

struct Registry {
  std::unordered_map<std::string, int> table;
  std::mutex mu;
};

void wrongArity(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it)
    m.erase();
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:7: error: no matching member function for call to 'erase' [clang-diagnostic-error]
}

void undeclaredArgument(std::map<int, int> &m) {
  for (auto &e : m)
    m.erase(undeclared_key);
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:13: error: use of undeclared identifier 'undeclared_key' [clang-diagnostic-error]
}

void undeclaredRange(std::map<int, int> &m) {
  for (auto &e : undeclared_map)
  // Clang 19 also suggests 'undeclaredRange' and then rejects it as a range
  // (at :16); clang 22 does neither.
  // CHECK-DAG: recovery-expr.cpp:[[@LINE-3]]:18: error: use of undeclared identifier 'undeclared_map'{{(; did you mean 'undeclaredRange'\?)?}} [clang-diagnostic-error]
    m.erase(e.first);
}

void undeclaredFunction(std::map<int, int> &m) {
  for (auto &e : m)
    prune(m, e.first);
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:5: error: use of undeclared identifier 'prune' [clang-diagnostic-error]
}

void wrongTypes(std::map<int, std::string> &m) {
  for (auto &e : m)
    m.insert(e.second, 1, 2, 3);
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:7: error: no matching member function for call to 'insert' [clang-diagnostic-error]
}

void recoveredCondition(Registry &r) {
  std::lock_guard<std::mutex> lock(r.mutex);
  // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:38: error: no member named 'mutex' in 'Registry' [clang-diagnostic-error]
  for (auto it = r.table.begin(); it != r.table.end(); ++it)
    if (it->second == missing())
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:23: error: use of undeclared identifier 'missing' [clang-diagnostic-error]
      r.table.erase(it);
      // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:7: warning: 'erase' on 'r.table' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

auto recoveredReturn(std::map<int, int> &m) -> decltype(m.nonexistent()) {
// CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:59: error: no member named 'nonexistent' in 'std::map<int, int>' [clang-diagnostic-error]
  for (auto &e : m)
    m.erase(e.first);
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

template <typename Map> void dependentRecovery(Map &m) {
  for (auto &e : m)
    m.erase(e.first, undeclared_too);
    // Clang 19 also suggests 'undeclaredRange' and then finds no matching
    // 'erase' (at :7); clang 22 does neither.
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-3]]:22: error: use of undeclared identifier 'undeclared_too'{{(; did you mean 'undeclaredRange'\?)?}} [clang-diagnostic-error]
}

void instantiate(std::map<int, int> &m) { dependentRecovery(m); }

// Still valid, still reported.
void stillAnalysed(std::unordered_map<int, int> &m) {
  for (auto &e : m)
    m.emplace(e.first + 1, 0);
    // CHECK-DAG: recovery-expr.cpp:[[@LINE-1]]:5: warning: 'emplace' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
}
// CHECK-DAG: Found compiler error(s).
